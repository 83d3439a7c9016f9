# Solution of "Your turn" in notebook 24, step 1: Bill gets paid, never empty, false for the bills already there.
tutorial.edit_file("fastbills/models.py", "from sqlalchemy import String\n", "from sqlalchemy import String, false\n")
tutorial.edit_file(
    "fastbills/models.py",
    "    due_date: Mapped[datetime.date | None]\n",
    "    due_date: Mapped[datetime.date | None]\n"
    "    paid: Mapped[bool] = mapped_column(server_default=false())\n",
)
tutorial.edit_file(
    "fastbills/app.py",
    '        "due_date": bill.due_date,\n',
    '        "due_date": bill.due_date,\n        "paid": bill.paid,\n',
)
