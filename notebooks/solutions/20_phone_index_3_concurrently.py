phone_index_revision_file = project.newest_revision_file()
tutorial.edit_file(
    phone_index_revision_file,
    "    op.create_index(op.f('ix_users_phone'), 'users', ['phone'], unique=False)\n",
    "    with op.get_context().autocommit_block():\n"
    "        op.create_index(op.f('ix_users_phone'), 'users', ['phone'], unique=False, postgresql_concurrently=True)\n",
)
tutorial.edit_file(
    phone_index_revision_file,
    "    op.drop_index(op.f('ix_users_phone'), table_name='users')\n",
    "    with op.get_context().autocommit_block():\n"
    "        op.drop_index(op.f('ix_users_phone'), table_name='users', postgresql_concurrently=True)\n",
)
