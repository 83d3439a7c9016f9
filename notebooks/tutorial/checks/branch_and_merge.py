"""Notebook 14's exercise (14-branch-and-merge): a fork of your own, merged."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import String

from . import probes
from .registry import exercise
from .report import Report


def _parents(revision) -> tuple[str, ...]:
    """The revisions a revision follows (two or more for a merge), from its ``down_revision``."""
    down = revision.down_revision
    return tuple(down) if isinstance(down, tuple | list) else (down,) if down else ()


TEAMMATE_REVISION = "1f3c9a7e2b04"  # notebook 14's teammate's "add phone to users"


@exercise(
    "14-branch-and-merge", "a fork of your own, merged", solutions="14_",
    steps=("the model and its revision", "the teammate's revision", "the merge", "the database"),
    success="Two heads became one again, and everyone's `alembic upgrade head` works.",
)
def check_second_merge(folder: Path, report: Report) -> None:
    """Notebook 14: ``bills.note`` after the merge, a teammate's revision on their old head, and a second merge.

    Steps: 1 the model and its revision, 2 the teammate's revision, 3 the merge, 4 the database.
    """
    metadata = probes.models(folder, report)
    if metadata is not None:
        probes.check_column(report, metadata, "bills", "Bill", "note", String, "a String", "billtracker/data/bills.py")
    script = probes.revisions(folder, report, 1)
    if script is None:
        return
    note = probes.revision_step(script, report, "bills", "note", "billtracker/data/bills.py", 1)
    if note:
        report.add(True, f"Revision {note} adds bills.note.", 1, id="revision.adds-note")
    children = [
        revision.revision for revision in script.walk_revisions()
        if TEAMMATE_REVISION in _parents(revision) and not revision.is_merge_point
    ]
    if TEAMMATE_REVISION not in {revision.revision for revision in script.walk_revisions()}:
        report.add(False, f"Your teammate's revision {TEAMMATE_REVISION} is gone: run the notebook again from its first cell.", 2,
                   id="revision.teammate-gone")
    elif children:
        report.add(True, f"Revision {children[0]} follows your teammate's {TEAMMATE_REVISION}: the history forked there.", 2,
                   id="revision.follows-teammate")
    else:
        report.add(
            False,
            f"No revision follows your teammate's {TEAMMATE_REVISION} yet, besides the merge: "
            f'`alembic revision -m "..." --head {TEAMMATE_REVISION} --splice`.',
            2,
            id="revision.nothing-follows-teammate",
        )
    merges = [revision for revision in script.walk_revisions() if revision.is_merge_point]
    heads = script.get_heads()
    if len(heads) > 1:
        report.add(
            False,
            f"There are {len(heads)} heads ({', '.join(sorted(heads))}): join them with `alembic merge heads -m \"...\"`.",
            3,
            id="heads.several",
        )
    elif children and len(merges) < 2:
        report.add(False, "There is one head, but no second merge revision: did a revision take the place of the merge?", 3,
                   id="revision.no-second-merge")
    elif children:
        newest = merges[0]
        report.add(True, f"Revision {newest.revision} merges {' and '.join(_parents(newest))}: one head again.", 3, id="revision.merges")
    if len(heads) == 1 and children and len(merges) >= 2:
        probes.at_head(folder, script, report, 4)
    table = probes.database_table(folder, report, "bills", 4)
    if table:
        column = table.column("note")
        report.add(column is not None, "The database has bills.note." if column else "The database's bills table has no note column yet.", 4,
                   id="database.has-note" if column else "database.note.missing")
