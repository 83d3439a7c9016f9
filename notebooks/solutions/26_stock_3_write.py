# Solution of "Your turn" in notebook 26, step 2: the revision's upgrade() and downgrade().
tutorial.edit_file(
    "alembic/versions/0003_add_stock.py",
    '    """Upgrade schema."""\n    pass\n',
    '    """Upgrade schema."""\n'
    '    op.add_column("products", sa.Column("stock", sa.Integer(), server_default="0", nullable=False))\n',
)
tutorial.edit_file(
    "alembic/versions/0003_add_stock.py",
    '    """Downgrade schema."""\n    pass\n',
    '    """Downgrade schema."""\n'
    '    op.drop_column("products", "stock")\n',
)
