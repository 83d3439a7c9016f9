"""Notebook 18's exercise (18-move-to-postgresql): revision ids that fit PostgreSQL's alembic_version."""

from __future__ import annotations

from pathlib import Path

from .. import inspection
from . import probes
from .registry import exercise
from .report import Report

ID_LENGTH = 32  # alembic_version.version_num is a VARCHAR(32)


@exercise(
    "18-move-to-postgresql", "revision ids that fit PostgreSQL", solutions="18_",
    steps=("every id of 32 characters or fewer", "the database at the head"),
    success="Every id fits `alembic_version.version_num`: the history can move to PostgreSQL.",
)
def check_short_revision_ids(folder: Path, report: Report) -> None:
    """Notebook 18: the 33-character revision id shortened in its file, and the database's record repaired.

    Steps: 1 every id of 32 characters or fewer, 2 the database at the head.
    """
    script = probes.revisions(folder, report, 1)
    if script is None:
        return
    revisions = {revision.revision for revision in script.walk_revisions()}
    long = sorted(revision for revision in revisions if len(revision) > ID_LENGTH)
    report.add(
        not long,
        f"Every revision id has {ID_LENGTH} characters or fewer." if not long else
        f"Revision {long[0]} has {len(long[0])} characters; PostgreSQL's `alembic_version` holds {ID_LENGTH}: change "
        "`revision = ...` in its file (the docstring's Revision ID too, and the file's name, to keep them alike).",
        id="revision.ids-fit" if not long else "revision.id-too-long",
    )
    if long or not probes.one_head(script, report, 1):
        return
    try:
        current = inspection.current_revisions(folder)
    except inspection.ProjectProblem as problem:
        report.add(False, str(problem), 2, id="database.unreadable")
        return
    unknown = [revision for revision in current if revision not in revisions]
    if unknown:
        report.add(
            False,
            f"The database still records {unknown[0]}, an id no revision file has any more: Alembic cannot locate it. "
            "That revision changed nothing, so record the one before it, `alembic stamp --purge <its id>` "
            "(`--purge` empties alembic_version first), then `alembic upgrade head`.",
            2,
            id="database.unknown-revision",
        )
    else:
        probes.at_head(folder, script, report, 2)
