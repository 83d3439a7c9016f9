# Solution of "Your turn" in notebook 03, step 1: User gets a phone number that may be empty.
tutorial.edit_file(
    "billtracker/data/users.py",
    "    hashed_password: Mapped[str | None] = mapped_column(String)\n",
    "    hashed_password: Mapped[str | None] = mapped_column(String)\n"
    "    phone: Mapped[str | None] = mapped_column(String)\n",
)
