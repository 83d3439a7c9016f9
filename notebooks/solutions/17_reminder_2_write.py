# Solution of "Your turn" in notebook 17, step 2: two steps, the second with a typo (remindr), and their undoing.
reminder_file = project.newest_revision_file()
tutorial.edit_file(
    reminder_file,
    '    """Upgrade schema."""\n    pass\n',
    '    """Upgrade schema."""\n'
    '    op.add_column("bills", sa.Column("reminder", sa.Date(), nullable=True))\n'
    '    op.create_index("ix_bills_reminder", "bills", ["remindr"])\n',
)
tutorial.edit_file(
    reminder_file,
    '    """Downgrade schema."""\n    pass\n',
    '    """Downgrade schema."""\n'
    '    op.drop_index("ix_bills_reminder", table_name="bills")\n'
    '    op.drop_column("bills", "reminder")\n',
)
