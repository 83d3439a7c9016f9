# Solution of "Your turn" in notebook 12, step 1: User gets phone, a String that may be empty, unique.
tutorial.edit_file(
    "billtracker/data/users.py",
    "    last_login: Mapped[datetime.datetime | None] = mapped_column(DateTime)\n",
    "    last_login: Mapped[datetime.datetime | None] = mapped_column(DateTime)\n"
    "    phone: Mapped[str | None] = mapped_column(String, unique=True)\n",
)
