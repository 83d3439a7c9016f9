# Solution of "Your turn" in notebook 17, step 5: the model gets what the revision adds.
tutorial.edit_file(
    "billtracker/data/bills.py",
    "    due_date: Mapped[datetime.date | None] = mapped_column(Date, index=True)\n",
    "    due_date: Mapped[datetime.date | None] = mapped_column(Date, index=True)\n"
    "    reminder: Mapped[datetime.date | None] = mapped_column(Date, index=True)\n",
)
tutorial.run("alembic check")
