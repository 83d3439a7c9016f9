"""Hints about what PostgreSQL refuses because a view reads a column: a column dropped, or its type changed,
under a view (or a materialized view) that the models know nothing of.

PostgreSQL records in ``pg_depend`` which objects read which columns. It refuses ``DROP COLUMN`` with
``DependentObjectsStillExist`` (SQLSTATE 2BP01), whose ``DETAIL`` names each dependent, one a line; and
``ALTER COLUMN ... TYPE`` with ``FeatureNotSupported`` (0A000), whose ``DETAIL`` names the view's rewrite rule.
A rule here speaks only when every dependent it names is a view that the database still has: the fix is then
always the same order (drop the view, change the table, create the view again), and never ``CASCADE``.
"""

from __future__ import annotations

import re

from ..snapshot import Snapshot
from .registry import Hint, rule

CANNOT_DROP_COLUMN = re.compile(
    r"\(psycopg2?\.errors\.DependentObjectsStillExist\) cannot drop column \"?(\w+)\"? of table \"?(\w+)\"? "
    r"because other objects depend on it"
)
# One line of the DETAIL per dependent: "view unpaid_bills depends on column reminder of table bills",
# "view b depends on view a" (a view built on the first one).
DEPENDENT = re.compile(r"^(?:DETAIL:\s+)?(view|materialized view|[a-z ]+?) \"?(\w+)\"? depends on ", re.MULTILINE)
CANNOT_ALTER_TYPE = re.compile(
    r"\(psycopg2?\.errors\.FeatureNotSupported\) cannot alter type of a column used by a view or rule"
)
VIEW_RULE = re.compile(r"DETAIL:\s+rule _RETURN on (view|materialized view) \"?(\w+)\"? depends on column \"(\w+)\"")
VIEW_KINDS = ("view", "materialized view")


def _drop(kind: str, name: str) -> str:
    """The statement that drops a view or a materialized view (`DROP VIEW` refuses the latter)."""
    return f'`op.execute("DROP {kind.upper()} {name}")`'


def _names(views: list[str]) -> str:
    quoted = [f"`{view}`" for view in views]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


@rule("objects-depend-on-it", "a column dropped while a view still reads it")
def _objects_depend_on_it(s: Snapshot) -> Hint | None:
    refused = CANNOT_DROP_COLUMN.search(s.message)
    if not refused:
        return None
    column, table = refused.groups()
    dependents = DEPENDENT.findall(s.message.split("HINT:", 1)[0])
    if not dependents or any(kind not in VIEW_KINDS for kind, _ in dependents):
        return None  # a constraint, an index, a policy...: another fix
    kinds = {name: kind for kind, name in dependents}
    views = list(kinds)  # in PostgreSQL's order
    have = s.views
    table_now = (s.tables or {}).get(table)
    if have is None or not set(views) <= have or table_now is None or not table_now.column(column):
        return None  # the database says otherwise: not what this rule knows
    the_views = "the view" if len(views) == 1 else "the views"
    # PostgreSQL names a view after what it reads: in the reverse of its order, each view goes before what it reads.
    first = _drop(kinds[views[-1]], views[-1]) + (
        "" if len(views) == 1 else ", then the others in the reverse of the order named above")
    return Hint(
        f"{the_views} {_names(views)} {'reads' if len(views) == 1 else 'read'} `{table}.{column}`, so PostgreSQL "
        "refused to drop the column.",
        f"In the revision, drop {the_views} first ({first}), then drop the column, then create {the_views} again "
        f"without it; in `downgrade()`, drop {the_views}, add the column back, and create {the_views} as before. "
        f"Not `CASCADE`: it would drop {the_views} without a word.",
    )


@rule("column-used-by-a-view", "a column's type changed while a view reads it")
def _column_used_by_a_view(s: Snapshot) -> Hint | None:
    if not CANNOT_ALTER_TYPE.search(s.message):
        return None
    found = VIEW_RULE.search(s.message)
    if not found:
        return None
    kind, view, column = found.groups()
    have = s.views
    if have is None or view not in have:
        return None
    return Hint(
        f"the {kind} `{view}` reads `{column}`, and PostgreSQL cannot change a column's type under a view.",
        f"In the revision, drop the view before the `alter_column` ({_drop(kind, view)}, or "
        "`op.drop_entity(...)` with alembic_utils) and create it again after it; in `downgrade()` the same around "
        "the change back.",
    )
