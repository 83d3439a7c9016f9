"""Hints about what the database refused: a batch operation's leftover table, a NOT NULL
column added without a default to a table with rows, and something a revision creates
that the database already has."""

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
]


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
