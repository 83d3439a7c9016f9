# Solution of "Your turn" in notebook 27, step 2: the new value committed before the Rent bill uses it, and the
# Rent bill unpaid again before the downgrade removes the value.
disputed_revision = "alembic/versions/0007_bills_can_be_disputed.py"
tutorial.edit_file(
    disputed_revision,
    "    op.add_enum_value(\n"
    "        enum_schema='public',\n"
    "        enum_name='billstatus',\n"
    "        new_value='disputed',\n"
    "    )\n",
    "    with op.get_context().autocommit_block():  # the UPDATE below uses the new value: commit it first\n"
    "        op.add_enum_value(enum_schema='public', enum_name='billstatus', new_value='disputed')\n"
    "    op.execute(\"UPDATE bills SET status = 'disputed' WHERE description = 'Rent'\")\n",
)
tutorial.edit_file(
    disputed_revision,
    '    """Downgrade schema."""\n',
    '    """Downgrade schema."""\n'
    "    op.execute(\"UPDATE bills SET status = 'unpaid' WHERE status = 'disputed'\")  # first, the rows\n",
)
