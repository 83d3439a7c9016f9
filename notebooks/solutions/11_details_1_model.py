# Solution of "Your turn" in notebook 11, step 1: Bill.description is now called details.
tutorial.edit_file(
    "billtracker/data/bills.py",
    "    description: Mapped[str] = mapped_column(String)\n",
    "    details: Mapped[str] = mapped_column(String)\n",
)
