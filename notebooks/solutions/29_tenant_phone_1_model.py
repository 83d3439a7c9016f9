# Solution of "Your turn" in notebook 29, step 1: a phone number, which the customers already there do not have.
tutorial.edit_file(
    "crm/models.py",
    "    name: Mapped[str] = mapped_column(String(100))\n",
    "    name: Mapped[str] = mapped_column(String(100))\n"
    "    phone: Mapped[str | None] = mapped_column(String(30))\n",
)
