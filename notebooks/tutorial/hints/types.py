"""Hints about PostgreSQL's enum types: a type a downgrade left behind, and a value the model has and the
database's type lacks (autogenerate does not compare enum values).

Each rule matches psycopg's exception class (its SQLSTATE) and PostgreSQL's message, then asks the catalogue
(``pg_type``, ``pg_enum``, ``pg_attribute``) and the models before it speaks. A type that cannot be converted
by itself is :mod:`.database`'s ``cannot-cast-automatically``."""

from __future__ import annotations

import re

from ..snapshot import Snapshot
from .registry import Hint, rule

TYPE_EXISTS = re.compile(r'\(psycopg\.errors\.DuplicateObject\) type "(\w+)" already exists')
VALUE_MISSING = re.compile(
    r'\(psycopg\.errors\.InvalidTextRepresentation\) invalid input value for enum (\w+): "([^"]*)"'
)
LABELS = ("SELECT e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid "
          "WHERE t.typname = :name ORDER BY e.enumsortorder")
USERS = ("SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_type t "
         "ON t.oid = a.atttypid WHERE t.typname = :name AND NOT a.attisdropped AND c.relkind IN ('r', 'p')")


def _ask(s: Snapshot, query: str, name: str) -> list | None:
    """The rows of ``query`` (with ``:name``) on the project's database; None if it cannot be read."""
    return s.rows(query, name=name)


def _model_values(s: Snapshot, name: str) -> list[str] | None:
    """The values of the models' enum type ``name``; None if no model column has that type."""
    for metadata in (s.models.metadata if s.models else []):
        for table in metadata.tables.values():
            for column in table.columns:
                if getattr(column.type, "name", None) == name and hasattr(column.type, "enums"):
                    return list(column.type.enums)
    return None


@rule("enum-type-exists", "an enum type that a downgrade left behind (drop_column and drop_table never drop it)")
def _enum_type_exists(s: Snapshot) -> Hint | None:
    found = TYPE_EXISTS.search(s.message or "")
    if not found:
        return None
    name = found.group(1)
    labels, users = _ask(s, LABELS, name), _ask(s, USERS, name)
    if not labels or users != [(0,)]:
        return None  # not an enum type of this database, or a column uses it: not a leftover
    return Hint(
        f"the database already has the enum type `{name}` ({', '.join(label for (label,) in labels)}), and no "
        "column uses it: a downgrade dropped its column or table and left the type (Alembic's `drop_column` and "
        "`drop_table` never drop an enum type).",
        f"Drop it once, by hand (`DROP TYPE {name}`), and make that revision's downgrade() drop it after the "
        f"column: `sa.Enum(name=\"{name}\").drop(op.get_bind(), checkfirst=True)`.",
    )


@rule("enum-value-missing", "a value in the model's enum that the database's enum type lacks")
def _enum_value_missing(s: Snapshot) -> Hint | None:
    found = VALUE_MISSING.search(s.message or "")
    if not found:
        return None
    name, value = found.groups()
    modelled = _model_values(s, name)
    labels = _ask(s, LABELS, name)
    if not modelled or value not in modelled or not labels or (value,) in labels:
        return None  # the model does not have it either, or the database has it: another cause
    held = (f"the models' enum `{name}` has the value `{value}`, but the database's type does not "
            f"({', '.join(label for (label,) in labels)})")
    if "alembic_postgresql_enum" in s.env_text:  # here autogenerate compares enum values
        return Hint(
            f"{held}: no revision added it (env.py imports alembic-postgresql-enum, so `alembic revision "
            "--autogenerate` would).",
            "Add it in a revision before anything uses it: autogenerate one, and if that revision uses the value "
            "too, put its `op.add_enum_value(...)` inside `with op.get_context().autocommit_block():`.",
        )
    return Hint(
        f"{held}: autogenerate does not compare enum values, so no revision added it.",
        f"Add it in a revision before anything uses it: `ALTER TYPE {name} ADD VALUE IF NOT EXISTS '{value}'` "
        "inside `with op.get_context().autocommit_block():`, or import `alembic_postgresql_enum` in env.py and "
        "autogenerate.",
    )
