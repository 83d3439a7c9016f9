tutorial.edit_file(
    "billtracker/data/users.py",
    "    phone: Mapped[str | None] = mapped_column(String)\n",
    "    phone: Mapped[str | None] = mapped_column(String, index=True)\n",
)
