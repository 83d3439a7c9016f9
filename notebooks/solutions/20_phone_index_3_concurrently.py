phone_index_revision_file = project.newest_revision_file()
tutorial.edit_file(
    phone_index_revision_file,
    "    op.create_index(op.f('ix_users_phone'), 'users', ['phone'], unique=False)\n",
    "    with op.get_context().autocommit_block():\n"
    "        op.execute(\"SET statement_timeout = 0\")\n"
    "        op.execute(\"SET lock_timeout = '1min'\")\n"
    "        invalid = \"SELECT NOT indisvalid FROM pg_index WHERE indexrelid = to_regclass('ix_users_phone')\"\n"
    "        if op.get_context().as_sql or op.get_bind().scalar(sa.text(invalid)):\n"
    "            op.drop_index(op.f('ix_users_phone'), table_name='users', postgresql_concurrently=True,\n"
    "                          if_exists=True)\n"
    "        op.create_index(op.f('ix_users_phone'), 'users', ['phone'], postgresql_concurrently=True,\n"
    "                        unique=False, if_not_exists=True)\n"
    "        op.execute(\"SET statement_timeout = '30s'\")\n"
    "        op.execute(\"SET lock_timeout = '300ms'\")\n",
)
tutorial.edit_file(
    phone_index_revision_file,
    "    op.drop_index(op.f('ix_users_phone'), table_name='users')\n",
    "    with op.get_context().autocommit_block():\n"
    "        op.drop_index(op.f('ix_users_phone'), table_name='users', postgresql_concurrently=True,\n"
    "                      if_exists=True)\n",
)
