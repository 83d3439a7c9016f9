# Solution of "Your turn" in notebook 15, step 1: a test of the due_date revision, with rows in the table.
# The revision's id is your own: this cell finds it, and writes it into the test file.
due_date_revision = next(project.path("alembic/versions").glob("*_add_due_date_to_bills.py")).name.split("_")[0]
project.path("tests/test_due_date.py").write_text(f'''\
"""The due_date migration keeps the bills there are, and leaves their due date empty."""

import datetime

import pytest
from sqlalchemy import create_engine, text

DUE_DATE_REVISION = "{due_date_revision}"  # add due_date to bills


@pytest.fixture
def alembic_engine():
    """A new, empty in-memory SQLite database, never billtracker.sqlite."""
    return create_engine("sqlite://")


def test_due_date_keeps_the_bills(alembic_runner, alembic_engine):
    alembic_runner.migrate_up_before(DUE_DATE_REVISION)
    day = datetime.datetime(2026, 1, 5, 9, 30)
    alembic_runner.insert_into("users", {{"id": 1, "name": "Ada", "email": "ada@example.com", "created_date": day}})
    alembic_runner.insert_into(
        "bills", {{"id": 1, "description": "Rent", "paid": 0.0, "total": 950.0, "user_id": 1, "created_date": day}}
    )
    alembic_runner.migrate_up_one()
    with alembic_engine.connect() as connection:
        bills = connection.execute(text("SELECT description, total, due_date FROM bills")).all()
    assert bills == [("Rent", 950.0, None)]
''')
tutorial.show_file("tests/test_due_date.py")
