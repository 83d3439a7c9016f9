# Solution of "Your turn" in notebook 13, step 1: Bill gets amount_due, a Float that is never empty.
tutorial.edit_file(
    "billtracker/data/bills.py",
    "    total: Mapped[float] = mapped_column(Float)\n",
    "    total: Mapped[float] = mapped_column(Float)\n"
    "    amount_due: Mapped[float] = mapped_column(Float)\n",
)
