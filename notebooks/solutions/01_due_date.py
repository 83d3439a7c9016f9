# Solution of "Your turn" in notebook 01: Bill gets a due date that may be empty.
tutorial.edit_file(
    "billtracker/data/bills.py",
    "    total: Mapped[float] = mapped_column(Float)\n",
    "    total: Mapped[float] = mapped_column(Float)\n"
    "    due_date: Mapped[datetime.datetime | None] = mapped_column(DateTime)\n",
)
