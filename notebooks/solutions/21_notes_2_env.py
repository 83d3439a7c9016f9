tutorial.edit_file("notes/alembic/env.py", "from alembic import context\n", "from alembic import context\nfrom settings import DATABASE_URL\n")
tutorial.edit_file("notes/alembic/env.py", '    url = config.get_main_option("sqlalchemy.url")\n', "    url = DATABASE_URL\n")
tutorial.edit_file(
    "notes/alembic/env.py",
    "    connectable = engine_from_config(\n"
    "        config.get_section(config.config_ini_section, {}),\n"
    '        prefix="sqlalchemy.",\n'
    "        poolclass=pool.NullPool,\n"
    "    )\n",
    "    connectable = create_engine(DATABASE_URL, poolclass=pool.NullPool)\n",
)
tutorial.edit_file("notes/alembic/env.py", "from sqlalchemy import engine_from_config\n", "from sqlalchemy import create_engine\n")
tutorial.edit_file("notes/alembic.ini", "sqlalchemy.url = sqlite:///%(here)s/notes.sqlite\n", "# sqlalchemy.url: none here; env.py takes it from settings.py\n")
tutorial.edit_file("notes/pyproject.toml", 'prepend_sys_path = [\n    "."\n]\n', 'prepend_sys_path = [\n    "%(here)s"\n]\n')
