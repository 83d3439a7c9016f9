"""Hints about what the database refused: a batch operation's leftover table, a NOT NULL
column added without a default to a table with rows, something a revision creates that
the database already has, rows that break a constraint or type a revision adds, a type
PostgreSQL cannot convert by itself, and a lock another connection holds.

A rule here recognises the driver's exception class (psycopg's names the SQLSTATE:
``psycopg.errors.UniqueViolation`` is 23505), MySQL's error number, or SQLite's fixed
text, and the statement SQLAlchemy quotes after ``[SQL:``; never wording that changes
between versions. INVENTORY.md lists the errors that have no rule, and why."""

from __future__ import annotations

import re

from ..snapshot import Snapshot
from .registry import Hint, rule

BATCH_LEFTOVER = re.compile(r"table (_alembic_tmp_\w+) already exists")
NOT_NULL_SQLITE = re.compile(r"Cannot add a NOT NULL column with default value NULL")
NOT_NULL_SERVER = re.compile(r'column "(\w+)" of relation "(\w+)" contains null values')
ALTER_TABLE = re.compile(
    r"ALTER TABLE \"?(\w+)\"? ADD(?: COLUMN)? \"?(\w+)\"?", re.IGNORECASE
)
# (pattern, what it names): the messages of SQLite, PostgreSQL and MySQL/MariaDB
ALREADY_THERE = [
    (re.compile(r"duplicate column name:? '?(\w+)'?", re.IGNORECASE), "column"),
    (re.compile(r'column "(\w+)" of relation "\w+" already exists'), "column"),
    (
        re.compile(
            r"""(?:table|relation|index) ["'`]?(\w+)["'`]? already exists""",
            re.IGNORECASE,
        ),
        "table or index",
    ),
    (re.compile(r"\(1061, \"Duplicate key name '(\w+)'"), "index"),  # MySQL, MariaDB
]
ADD_COLUMN = re.compile(r"""^ALTER\s+TABLE\s+[`"]?\w+[`"]?\s+ADD\s+COLUMN\b""", re.IGNORECASE)
# The statement that failed, as SQLAlchemy quotes it (its first words).
STATEMENT = re.compile(r"^\[SQL: \s*(.*)", re.MULTILINE)
# A change of the schema that makes the database check every row already in a table:
# a constraint or unique index added, a column's type or nullability changed (and
# SQLite's batch mode, which copies the rows into the new table).
CHECKS_EXISTING_ROWS = re.compile(
    r"""^(?:ALTER\s+TABLE\s+[`"]?(?P<altered>\w+)"""
    r"""|CREATE\s+UNIQUE\s+INDEX\s+.*?\bON\s+[`"]?(?P<indexed>\w+)"""
    r"""|INSERT\s+INTO\s+[`"]?_alembic_tmp_(?P<copied>\w+))""",
    re.IGNORECASE,
)
DEFAULT_CHANGE = re.compile(r"\b(?:SET|DROP)\s+DEFAULT\b", re.IGNORECASE)
CONCURRENT_INDEX = re.compile(r"^CREATE\s+UNIQUE\s+INDEX\s+CONCURRENTLY\b", re.IGNORECASE)
# What a row that breaks such a change raises: SQLAlchemy's IntegrityError and DataError
# (the SQLSTATE classes 23 and 22), and MySQL's CHECK (4025) and conversion (1292)
# errors, which PyMySQL raises as OperationalError.
ROWS_REFUSED = re.compile(
    r"^sqlalchemy\.exc\.(?:IntegrityError|DataError):|\((?:4025|1292),", re.MULTILINE
)
# Another connection holds the lock: SQLite's SQLITE_BUSY, PostgreSQL's 55P03 (lock_timeout),
# MySQL's 1205 (innodb_lock_wait_timeout, lock_wait_timeout).
SQLITE_BUSY = re.compile(r"\(sqlite3\.OperationalError\) database is locked")
SERVER_LOCK_TIMEOUT = re.compile(
    r"\(psycopg2?\.errors\.LockNotAvailable\)|\((?:pymysql\.err|MySQLdb)\.OperationalError\) \(1205,"
)
# PostgreSQL's 42804 on ALTER COLUMN ... TYPE: no implicit cast from the old type, and its own HINT that a USING
# is needed (not a default that cannot be cast, nor a foreign key of another type, nor a USING that falls short).
CANNOT_CAST = re.compile(r"\(psycopg2?\.errors\.DatatypeMismatch\) column \"\w+\" cannot be cast automatically")
NEEDS_USING = re.compile(r'HINT:\s+You might need to specify "USING ')
ALTER_TYPE = re.compile(
    r'ALTER TABLE "?(\w+)"? ALTER COLUMN "?(\w+)"? TYPE ([^\n\]]+?)\s*(?:USING|\]|$)',
    re.IGNORECASE | re.MULTILINE,
)


@rule(
    "batch-leftover",
    "a batch operation that failed halfway left its temporary table",
)
def _batch_leftover(s: Snapshot) -> Hint | None:
    leftover = BATCH_LEFTOVER.search(s.message)
    if not leftover or s.tables is None or leftover.group(1) not in s.tables:
        return None
    return Hint(
        "a batch operation that failed earlier left its temporary table "
        f"`{leftover.group(1)}` behind.",
        f"Drop it (`DROP TABLE {leftover.group(1)}`), fix the revision, and upgrade "
        "again.",
    )


@rule(
    "not-null-without-default",
    "a NOT NULL column without a default, added to a table",
)
def _not_null_without_default(s: Snapshot) -> Hint | None:
    server = NOT_NULL_SERVER.search(s.message)
    sqlite = NOT_NULL_SQLITE.search(s.message)
    statement = STATEMENT.search(s.message)
    if server and not (statement and ADD_COLUMN.match(statement.group(1))):
        return None  # ALTER COLUMN ... SET NOT NULL: existing-rows-break-the-change
    if server:
        column, table = server.group(1), server.group(2)
    elif sqlite and ALTER_TABLE.search(s.message):
        table, column = ALTER_TABLE.search(s.message).groups()
    else:
        return None
    rows = s.row_count(table)
    if rows is None:
        return None
    fix = (
        "give the column a default the database fills in (`server_default=...` in "
        "the model and in the revision's `sa.Column`), or add it with "
        "`nullable=True`, fill it, then make it NOT NULL."
    )
    if not rows:  # an empty table takes the column (SQLite too): the cause is elsewhere
        return None
    rows_text = "1 row" if rows == 1 else f"{rows} rows"
    return Hint(
        f"`{table}` has {rows_text}, and a NOT NULL column `{column}` without a "
        "default has no value for them:",
        fix,
    )


@rule("already-there", "a revision that creates what the database already has")
def _already_there(s: Snapshot) -> Hint | None:
    if (
        s.subcommand not in ("upgrade", "downgrade")
        or BATCH_LEFTOVER.search(s.message)
        or s.tables is None
    ):
        return None
    for pattern, kind in ALREADY_THERE:
        found = pattern.search(s.message)
        if found:
            name = found.group(1)
            break
    else:
        return None
    in_database = name in s.tables or any(
        table.column(name) or name in [index for index, _, _ in table.indexes]
        for table in s.tables.values()
    )
    if not in_database:
        return None
    return Hint(
        f"the database already has `{name}`, which this revision creates: its tables "
        "are ahead of its alembic_version (changed by hand or by `create_all()`, "
        "stamped back, or left half-done by a failed run).",
        "If the tables match a revision, `alembic stamp` it; if a failed run left "
        "them half-done, undo its changes by hand, then upgrade again.",
    )


@rule(
    "existing-rows-break-the-change",
    "a constraint, unique index, type or NOT NULL that rows already in the table break",
)
def _existing_rows_break_the_change(s: Snapshot) -> Hint | None:
    statement = STATEMENT.search(s.message)
    if (
        s.subcommand not in ("upgrade", "downgrade")
        or not ROWS_REFUSED.search(s.message)
        or not statement
        or ADD_COLUMN.match(statement.group(1))  # a column added: not-null-without-default
    ):
        return None
    changed = CHECKS_EXISTING_ROWS.match(statement.group(1))
    if not changed:
        return None  # an INSERT or UPDATE of a data migration: its own row, not the old ones
    if DEFAULT_CHANGE.search(statement.group(1)):
        return None  # SET DEFAULT 'abc' on an integer fails whatever the rows hold
    table = changed.group("altered") or changed.group("indexed") or changed.group("copied")
    if not s.row_count(table):
        return None  # no rows (or none that can be counted): the cause is elsewhere
    return Hint(
        f"rows already in `{table}` break what this revision adds to it (a constraint, a "
        "unique index, NOT NULL, or a narrower type): the database checks every "
        "existing row, and the message above names what one of them breaks.",
        "Fix those rows first, in the revision, before the change (`op.execute(\"UPDATE "
        "...\")` or `DELETE`), or loosen the change; then upgrade again."
        + (" A CONCURRENTLY build that failed leaves an invalid index behind: drop it first "
           "(`DROP INDEX CONCURRENTLY`), or the next run stops at \"already exists\" (or, with "
           "`IF NOT EXISTS`, keeps the invalid one)." if CONCURRENT_INDEX.search(statement.group(1)) else ""),
    )


@rule("database-busy", "another connection holds the lock a migration waits for")
def _database_busy(s: Snapshot) -> Hint | None:
    if SQLITE_BUSY.search(s.message):
        return Hint(
            "another connection holds this SQLite file in a transaction not yet finished "
            "(writing, or reading: SQLite lets no one write while it lasts), and did not "
            "finish within the wait: a program that has it open (a database browser, the "
            "app, another notebook's kernel).",
            "Commit or close that connection (or restart the kernel that holds it), then "
            "run the command again.",
        )
    if SERVER_LOCK_TIMEOUT.search(s.message):
        return Hint(
            "another session holds a lock on a table this migration changes, and the "
            "migration stopped waiting for it (the server's lock timeout).",
            "Find that session (PostgreSQL: `pg_stat_activity`; MariaDB: `SHOW "
            "PROCESSLIST`) and let it finish, see with `alembic current` which revisions "
            "went through, then run the command again.",
        )
    return None


@rule(
    "cannot-cast-automatically",
    "a column's type changed on PostgreSQL without the USING that converts it",
)
def _cannot_cast_automatically(s: Snapshot) -> Hint | None:
    altered = ALTER_TYPE.search(s.message)
    statement = STATEMENT.search(s.message)
    if not (CANNOT_CAST.search(s.message) and NEEDS_USING.search(s.message) and altered):
        return None
    if statement and re.search(r"\bUSING\b", statement.group(1), re.IGNORECASE):
        return None  # the revision gives a USING already: its expression is what fails
    table, column, new_type = altered.groups()
    return Hint(
        f"PostgreSQL does not convert `{table}.{column}` to {new_type} by itself: the "
        "change needs an expression that says how.",
        f"Give it one in the revision: `op.alter_column(\"{table}\", \"{column}\", "
        f"type_=..., postgresql_using=\"{column}::{new_type.lower()}\")`. A row whose "
        "value does not convert then stops the upgrade: fix those rows first.",
    )
