"""The hint rules of tutorial/hints/database.py, about what the database refused: each fires for its
mistake, and stays silent where the project says otherwise."""

from __future__ import annotations

from sqlalchemy import text

import tutorial
from support.hints import NOT_NULL_REVISION, fires, first_revision, message_fires, message_silent, outcome
from tutorial import story


def test_a_batch_operation_that_failed_earlier(workspace):
    project = tutorial.start("h-batch", stage="tables")
    message = "sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) table _alembic_tmp_users already exists"
    message_silent("batch-leftover", message, project.folder)  # no such table: not that
    with project.engine().begin() as connection:
        connection.execute(text("CREATE TABLE _alembic_tmp_users (id INTEGER)"))
    hint = message_fires("batch-leftover", message, project.folder)
    assert hint.startswith("a batch operation that failed earlier left its temporary table `_alembic_tmp_users`")


def write_not_null_revision(project) -> None:
    """users.last_login as NOT NULL without a default, in the revision and the model."""
    revision = project.newest_revision_file()
    story.replace(revision, NOT_NULL_REVISION, NOT_NULL_REVISION.replace("nullable=True", "nullable=False"))


def test_not_null_column_without_default_on_a_table_with_rows(workspace):
    project = tutorial.start("h-not-null", stage="last_login-revision")
    write_not_null_revision(project)
    hint = fires("not-null-without-default", "alembic upgrade head", project.folder)
    assert "server_default" in hint and "nullable=True" in hint


def test_an_empty_table_takes_a_not_null_column_so_the_rule_has_nothing_to_say(workspace):
    project = tutorial.start("h-not-null-empty", stage="last_login-revision")
    with project.engine().begin() as connection:
        connection.execute(text("DELETE FROM bills"))
        connection.execute(text("DELETE FROM users"))
    write_not_null_revision(project)
    assert not outcome("alembic upgrade head", project.folder).failed  # SQLite too: no rows, no problem


def test_not_null_stays_silent_for_a_table_it_cannot_find(workspace):
    project = tutorial.start("h-nullable", stage="last_login-revision")
    message = "Cannot add a NOT NULL column with default value NULL [SQL: ALTER TABLE nosuch ADD COLUMN x INTEGER]"
    message_silent("not-null-without-default", message, project.folder)


def test_upgrading_a_database_whose_tables_are_ahead_of_its_revision(workspace):
    project = tutorial.start("h-ahead", stage="last_login-applied")
    tutorial.run(f"alembic stamp {first_revision(project)}", project.folder, echo=False)  # a stamp runs nothing
    assert outcome("alembic upgrade head", project.folder).message.count("duplicate column name: last_login")
    hint = fires("already-there", "alembic upgrade head", project.folder)
    assert hint.startswith("the database already has `last_login`, which this revision creates")


def test_already_there_stays_silent_when_the_database_lacks_it(workspace):
    project = tutorial.start("h-not-there", stage="tables")
    message_silent("already-there", "(sqlite3.OperationalError) table payments already exists", project.folder)
