# Solution of "Your turn" in notebook 10, step 1: Bill.description becomes a Text.
tutorial.edit_file("billtracker/data/bills.py", "from sqlalchemy import DateTime,", "from sqlalchemy import DateTime, Text,")
tutorial.edit_file(
    "billtracker/data/bills.py",
    "    description: Mapped[str | None] = mapped_column(String)\n",
    "    description: Mapped[str | None] = mapped_column(Text)\n",
)
