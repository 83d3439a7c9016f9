# Solution of "Your turn" in notebook 23, step 1: Book.rating, never empty, 0 by the database's default.
tutorial.edit_file(
    "bookshelf/models.py",
    "    pages: Mapped[int | None]\n",
    '    pages: Mapped[int | None]\n    rating: Mapped[int] = mapped_column(server_default="0")\n',
)
