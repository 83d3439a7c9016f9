"""Notebook 07's exercise (07-read-the-history): the database moved to release 1.0's revision."""

from __future__ import annotations

from pathlib import Path

from . import probes
from .registry import exercise
from .report import Report


def _base_revision(script):
    """The first revision of the history: the one that follows ``base``."""
    return next(revision for revision in script.walk_revisions() if not revision.down_revision)


@exercise(
    "07-read-the-history", "the database of release 1.0", solutions="07_", steps=("the database at release 1.0",),
    success="You found a revision in the history and went there by its id.",
)
def check_release_1(folder: Path, report: Report) -> None:
    """Notebook 07: move the database to the revision that release 1.0 shipped with: the first one.

    Steps: 1 the database at that revision (found in the history, named by its id).
    """
    script = probes.revisions(folder, report, 1)
    if script is None:
        return
    first = _base_revision(script).revision
    current = probes.current(folder, script, report, 1)
    if current is None:
        return
    heads = tuple(sorted(script.get_heads()))
    if current == (first,):
        report.add(True, f"The database is at {probes.revision_words(script, first)}: the users and bills tables, no last_login yet.", 1,
                   id="database.at-release-1")
    elif not current:
        report.add(
            False,
            "The database is at base: it has no tables at all, and release 1.0 had users and bills. "
            "`alembic upgrade <id>`, with the id of the revision that creates them (`alembic history`).",
            1,
            id="database.at-base",
        )
    elif current == heads:
        report.add(
            False,
            f"The database is still at the head, {probes.revision_words(script, heads[0])}. Find release 1.0's revision in "
            "`alembic history` and go there with `alembic downgrade <id>`.",
            1,
            id="database.still-at-head",
        )
    else:
        words = ", ".join(probes.revision_words(script, revision) for revision in current)
        report.add(
            False,
            f"The database is at {words}, which came after release 1.0: go further back, to the revision whose "
            "parent is <base> (`alembic show <id>` prints the parent).",
            1,
            id="database.after-release-1",
        )
