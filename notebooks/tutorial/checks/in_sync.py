"""Notebook 09's exercise (09-keep-models-and-database-in-sync): an index, with both checks green."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Integer

from .. import inspection
from . import probes
from .registry import exercise
from .report import Report


@exercise(
    "09-keep-models-and-database-in-sync", "an index on bills.user_id, with both checks green", solutions="09_",
    steps=("the model", "the revision", "the upgrade and both checks"),
    success="`alembic current --check-heads` and `alembic check` both pass.",
)
def check_user_index(folder: Path, report: Report) -> None:
    """Notebook 09: index ``bills.user_id``; `alembic check` and `alembic current --check-heads` pass after.

    Steps: 1 the model, 2 the revision, 3 the upgrade and both checks.
    """
    metadata = probes.models(folder, report)
    if metadata is not None:
        probes.check_column(
            report, metadata, "bills", "Bill", "user_id", Integer, "an Integer", "billtracker/data/bills.py",
            nullable=False, index=True,
        )
    script = probes.revisions(folder, report, 2)
    if script is None:
        return
    indexing = probes.revision_doing(script, "bills", "create_index", "user_id")
    empty = probes.newest_is_empty(script)
    if indexing:
        report.add(True, f"Revision {indexing[0]} creates the index on bills.user_id.", 2, id="revision.adds-index")
    elif empty:
        report.add(False, f"The newest revision, {empty}, is empty: was bills.py saved with `index=True` on user_id? Delete that file and autogenerate again.", 2, id="revision.empty")
    else:
        report.add(False, "No revision creates an index on bills.user_id yet: `alembic check` tells you one is needed; autogenerate it.", 2, id="revision.missing")
    if not (probes.one_head(script, report, 3) and probes.current(folder, script, report, 3) is not None):
        return
    current = inspection.current_revisions(folder)
    heads = tuple(sorted(script.get_heads()))
    if current == heads:
        report.add(True, "`alembic current --check-heads` passes: the database is at the head.", 3, id="database.at-head")
    else:
        where = ", ".join(current) if current else "base"
        report.add(False, f"`alembic current --check-heads` fails: the database is at {where}, the head is {', '.join(heads)}. Run `alembic upgrade head`.", 3, id="database.not-at-head")
    probes.alembic_check(folder, report, 3)
