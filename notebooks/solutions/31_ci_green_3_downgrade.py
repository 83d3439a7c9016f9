# Solution of "Your turn" in notebook 31, step 3: revision 0007's downgrade() undoes its upgrade().
tutorial.edit_file(
    "alembic/versions/0007_add_a_due_date_to_bills.py",
    "def downgrade() -> None:\n    pass\n",
    "def downgrade() -> None:\n"
    '    op.drop_column("bills", "due_date")\n',
)
