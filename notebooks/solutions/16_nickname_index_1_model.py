# Solution of "Your turn" in notebook 16, step 1: User.nickname gets an index, in the model.
tutorial.edit_file(
    "billtracker/data/users.py",
    "    nickname: Mapped[str | None] = mapped_column(String)\n",
    "    nickname: Mapped[str | None] = mapped_column(String, index=True)\n",
)
