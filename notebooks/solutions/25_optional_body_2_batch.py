# Solution of "Your turn" in notebook 25, step 2: batch mode, as Flask-Migrate turns it on.
tutorial.edit_file(
    "alembic/env.py",
    "            connection=connection, target_metadata=target_metadata\n",
    "            connection=connection,\n"
    "            target_metadata=target_metadata,\n"
    "            render_as_batch=True,\n",
)
