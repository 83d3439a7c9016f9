tutorial.edit_file(
    "billtracker/data/bills.py",
    "    reminder: Mapped[str | None] = mapped_column(String)\n",
    "    reminder: Mapped[str | None] = mapped_column(String)\n"
    "    due_date: Mapped[datetime.datetime | None] = mapped_column(DateTime)\n",
)
