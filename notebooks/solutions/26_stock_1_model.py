# Solution of "Your turn" in notebook 26, step 1: the stock count, never empty, 0 for the products already there.
tutorial.edit_file(
    "shop/models.py",
    "    price_cents: Mapped[int]\n",
    "    price_cents: Mapped[int]\n"
    '    stock: Mapped[int] = mapped_column(server_default="0")\n',
)
