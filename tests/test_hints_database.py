"""The hint rules of tutorial/hints/database.py, about what the database refused: each fires for its
mistake, and stays silent where the project says otherwise."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

import tutorial
from support.hints import (
    NOT_NULL_REVISION,
    database_error,
    fires,
    first_revision,
    message_fires,
    message_silent,
    outcome,
    project_on_server,
    silent,
    upgrade_with,
)
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


# --- what the databases refuse, produced for real (INVENTORY.md lists each error) ---------------------


def test_rows_that_break_a_new_unique_index_on_sqlite(workspace):
    project = tutorial.start("h-rows-sqlite", stage="tables")
    with project.engine().begin() as connection:
        connection.execute(text("UPDATE users SET name = 'Same'"))
    seen = upgrade_with(project, 'op.create_index("ix_users_name", "users", ["name"], unique=True)')
    assert "(sqlite3.IntegrityError) UNIQUE constraint failed: users.name" in seen.message
    hint = fires("existing-rows-break-the-change", seen)
    assert hint.startswith("rows already in `users` break what this revision adds to it")
    # a data migration whose own UPDATE breaks the unique email: its rows, not the old ones
    seen = upgrade_with(project, "op.execute(\"UPDATE users SET email = 'same@example.com'\")")
    assert "(sqlite3.IntegrityError) UNIQUE constraint failed: users.email" in seen.message
    silent("existing-rows-break-the-change", seen)


@pytest.mark.postgres
def test_what_postgresql_refuses_in_a_revision(workspace):
    with project_on_server("postgres", "h-refused-pg") as (project, url):
        tutorial.run("alembic upgrade head", project.folder, echo=False)
        with create_engine(url, poolclass=NullPool).begin() as connection:
            connection.execute(text("INSERT INTO users (name, email, created_date) "
                                    "VALUES ('Ann', 'a@example.com', now()), ('Ann', 'b@example.com', now())"))
        seen = upgrade_with(project, 'op.create_unique_constraint("uq_users_name", "users", ["name"])')
        assert "(psycopg.errors.UniqueViolation) could not create unique index" in seen.message
        assert fires("existing-rows-break-the-change", seen).startswith("rows already in `users`")
        seen = upgrade_with(project, 'op.alter_column("users", "hashed_password", nullable=False)')
        assert 'NotNullViolation) column "hashed_password" of relation "users" contains null values' in seen.message
        fires("existing-rows-break-the-change", seen)
        silent("not-null-without-default", seen)  # an existing column: no default to give it
        seen = upgrade_with(project, 'op.add_column("users", sa.Column("phone", sa.String(), nullable=False))')
        assert "server_default" in fires("not-null-without-default", seen)
        seen = upgrade_with(project, "op.execute(\"INSERT INTO users (name, email, created_date) "
                                     "VALUES ('Bo', 'a@example.com', now())\")")
        assert "(psycopg.errors.UniqueViolation) duplicate key value" in seen.message
        silent("existing-rows-break-the-change", seen)  # the data migration's own row
        for change, refused in [
            ('op.create_check_constraint("ck_users_name", "users", "length(name) > 5")',
             '(psycopg.errors.CheckViolation) check constraint "ck_users_name" of relation "users" is violated'),
            ('op.create_foreign_key("fk_users_bills", "users", "bills", ["id"], ["id"])',
             '(psycopg.errors.ForeignKeyViolation) insert or update on table "users" violates foreign key'),
            ('op.alter_column("users", "email", type_=sa.String(3))',
             "(psycopg.errors.StringDataRightTruncation) value too long for type character varying(3)"),
            ('op.alter_column("users", "name", type_=sa.Integer(), postgresql_using="name::integer")',
             '(psycopg.errors.InvalidTextRepresentation) invalid input syntax for type integer: "Ann"'),
        ]:
            seen = upgrade_with(project, change)
            assert refused in seen.message, seen.message
            fires("existing-rows-break-the-change", seen)
        seen = upgrade_with(project, 'op.alter_column("users", "name", type_=sa.Integer())')
        assert '(psycopg.errors.DatatypeMismatch) column "name" cannot be cast automatically' in seen.message
        assert 'postgresql_using="name::integer"' in fires("cannot-cast-automatically", seen)
        seen = upgrade_with(project, 'op.create_table("notes", sa.Column("user_id", sa.String(), '
                                     'sa.ForeignKey("users.id")))')
        assert "(psycopg.errors.DatatypeMismatch) foreign key constraint" in seen.message
        silent("cannot-cast-automatically", seen)  # a foreign key of another type: no USING helps
        seen = upgrade_with(project, 'op.alter_column("users", "email", server_default="x")',
                            'op.alter_column("users", "email", type_=sa.Boolean(), postgresql_using="email::boolean")')
        assert 'default for column "email" cannot be cast automatically' in seen.message, seen.message
        silent("cannot-cast-automatically", seen)  # the default is what fails: a USING is there already
        seen = upgrade_with(project, 'op.alter_column("users", "email", type_=sa.Integer(), postgresql_using="email")')
        assert 'result of USING clause for column "email" cannot be cast automatically' in seen.message, seen.message
        silent("cannot-cast-automatically", seen)  # the revision's own USING falls short
        seen = upgrade_with(project, 'op.alter_column("users", "id", server_default="abc")')
        assert '(psycopg.errors.InvalidTextRepresentation) invalid input syntax for type integer: "abc"' in seen.message
        silent("existing-rows-break-the-change", seen)  # a default's own value: no row is to blame
        for step in project.folder.glob("alembic/versions/*_step.py"):
            step.unlink()
        tutorial.run("alembic stamp base", project.folder, echo=False)  # the tables stay
        seen = outcome("alembic upgrade head", project.folder)
        assert '(psycopg.errors.DuplicateTable) relation "users" already exists' in seen.message
        fires("already-there", seen)


MARIADB_TABLE = ("CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50), code VARCHAR(10), n INTEGER, note VARCHAR(10))",
                 "INSERT INTO users VALUES (1, 'Ann', 'abcdefgh', 1, NULL), (2, 'Ann', 'x', 2, NULL)",
                 "CREATE TABLE others (id INTEGER PRIMARY KEY)")


@pytest.mark.mariadb
def test_what_mariadb_refuses_in_a_revision(workspace):
    with project_on_server("mariadb", "h-refused-my") as (project, url):
        with create_engine(url, poolclass=NullPool).begin() as connection:
            for statement in MARIADB_TABLE:
                connection.execute(text(statement))
        for statement, number in [
            ("CREATE UNIQUE INDEX ix_users_name ON users (name)", "(1062, \"Duplicate entry 'Ann'"),
            ("ALTER TABLE users MODIFY code VARCHAR(3)", "(1265, \"Data truncated for column 'code'"),
            ("ALTER TABLE users ADD CONSTRAINT ck_n CHECK (n > 1)", "(4025, 'CONSTRAINT `ck_n` failed"),
            ("ALTER TABLE users MODIFY code INTEGER", "(1292, \"Truncated incorrect INTEGER value"),
            ("ALTER TABLE users MODIFY note VARCHAR(10) NOT NULL", "(1265, \"Data truncated for column 'note'"),
            ("ALTER TABLE users ADD CONSTRAINT fk_n FOREIGN KEY (n) REFERENCES others (id)",
             "(1452, 'Cannot add or update a child row: a foreign key constraint fails"),
        ]:
            message = database_error(url, statement, folder=project.folder)
            assert number in message, message
            message_fires("existing-rows-break-the-change", message, project.folder)
        message = database_error(url, "INSERT INTO users VALUES (3, 'Bo', 'y', 1, 'a')", "INSERT INTO users VALUES (3, 'Cy', 'z', 1, 'b')")
        assert "(1062, \"Duplicate entry '3' for key 'PRIMARY'\")" in message
        message_silent("existing-rows-break-the-change", message, project.folder)  # a row of its own
        for statement, number in [
            ("CREATE TABLE users (id INTEGER)", "(1050, \"Table 'users' already exists\")"),
            ("ALTER TABLE users ADD COLUMN name VARCHAR(5)", "(1060, \"Duplicate column name 'name'\")"),
        ]:
            message = database_error(url, statement)
            assert number in message, message
            message_fires("already-there", message, project.folder)
        message = database_error(url, "CREATE INDEX ix_users_n ON users (n)", "CREATE INDEX ix_users_n ON users (n)")
        assert "(1061, \"Duplicate key name 'ix_users_n'\")" in message
        message_fires("already-there", message, project.folder)  # MariaDB commits each DDL: the first one stays


def test_a_sqlite_file_another_connection_is_writing(workspace):
    project = tutorial.start("h-locked", stage="last_login-revision")
    holder = sqlite3.connect(project.path("billtracker.sqlite"), isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")  # as a database browser with changes not yet written
        seen = outcome("alembic upgrade head", project.folder)  # waits 5 s (pysqlite's timeout), then fails
    finally:
        holder.close()
    assert "(sqlite3.OperationalError) database is locked" in seen.message
    assert fires("database-busy", seen).startswith("another connection holds this SQLite file in a transaction")


@pytest.mark.postgres
@pytest.mark.mariadb
def test_a_table_another_session_has_locked_on_a_server(tmp_path):
    """PostgreSQL's lock_timeout and MariaDB's lock wait, for real; a statement_timeout is not a lock."""
    from support.servers import require

    for kind, lock, wait, expected in [
        ("postgres", "LOCK TABLE h_locked IN ACCESS EXCLUSIVE MODE", "SET lock_timeout = '200ms'",
         "(psycopg.errors.LockNotAvailable) canceling statement due to lock timeout"),
        ("mariadb", "SELECT * FROM h_locked FOR UPDATE", "SET innodb_lock_wait_timeout = 1",
         "(1205, 'Lock wait timeout exceeded"),
    ]:
        engine = create_engine(require(kind), poolclass=NullPool)
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS h_locked"))
            connection.execute(text("CREATE TABLE h_locked (id INTEGER PRIMARY KEY)"))
            connection.execute(text("INSERT INTO h_locked VALUES (1)"))
        try:
            with engine.connect() as holder:
                holder.execute(text(lock))
                message = database_error(require(kind), wait, "UPDATE h_locked SET id = 2")
                holder.rollback()
            assert expected in message, message
            assert "`pg_stat_activity`" in message_fires("database-busy", message, tmp_path)
        finally:
            with engine.begin() as connection:
                connection.execute(text("DROP TABLE h_locked"))
    message = database_error(require("postgres"), "SET statement_timeout = '100ms'", "SELECT pg_sleep(1)")
    assert "(psycopg.errors.QueryCanceled) canceling statement due to statement timeout" in message
    message_silent("database-busy", message, tmp_path)  # the statement ran too long: no lock is said to be held
