# Solution of "Your turn" in notebook 14, step 1: Bill gets note, a String that may be empty.
tutorial.edit_file(
    "billtracker/data/bills.py",
    "    total: Mapped[float] = mapped_column(Float)\n",
    "    total: Mapped[float] = mapped_column(Float)\n"
    "    note: Mapped[str | None] = mapped_column(String)\n",
)
