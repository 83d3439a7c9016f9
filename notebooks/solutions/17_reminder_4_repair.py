# Solution of "Your turn" in notebook 17, step 4: fix the typo, finish by hand, record with alembic stamp.
tutorial.edit_file(reminder_file, '["remindr"]', '["reminder"]')
if "reminder" in bills_columns(engine):  # SQLite, MariaDB: the first step stayed; do the second by hand
    with engine.begin() as connection:
        connection.execute(text("CREATE INDEX ix_bills_reminder ON bills (reminder)"))
    tutorial.run("alembic stamp head")
else:  # PostgreSQL rolled the first step back: the fixed revision runs from the start
    tutorial.run("alembic upgrade head")
