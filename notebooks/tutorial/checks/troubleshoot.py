"""Notebook 16's exercise (16-troubleshoot-common-errors): a change to an applied revision, in a new one."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import String

from .. import inspection
from . import probes
from .registry import exercise
from .report import Report

NICKNAME_REVISION = "5eed1e55f00d"  # notebook 16's teammate's "add nickname to users", applied in case 7


@exercise(
    "16-troubleshoot-common-errors", "an index on users.nickname, in a new revision", solutions="16_",
    steps=("the model", "the revision", "the database"),
    success="A change to an applied revision goes in a new one: every database that ran the old one gets it too.",
)
def check_nickname_index(folder: Path, report: Report) -> None:
    """Notebook 16: ``users.nickname`` gets an index: in the model, in a new revision (not the applied one), applied.

    Steps: 1 the model, 2 the revision, 3 the database.
    """
    metadata = probes.models(folder, report)
    if metadata is not None:
        probes.check_column(report, metadata, "users", "User", "nickname", String, "a String", "billtracker/data/users.py", index=True)
    script = probes.revisions(folder, report, 2)
    if script is not None:
        indexing = [
            revision for revision in probes.revision_doing(script, "users", "create_index", "ix_users_nickname")
            if revision != NICKNAME_REVISION
        ]
        edited = NICKNAME_REVISION in {revision.revision for revision in script.walk_revisions()} and any(
            operation.name == "create_index" for operation in inspection.operations(script, NICKNAME_REVISION)
        )
        if edited:
            report.add(
                False,
                f"Revision {NICKNAME_REVISION} (add nickname to users) creates an index now, but it ran already: Alembic "
                "will never run it again, here or anywhere. Put it back as it was, and make the index in a new revision.",
                2,
                id="revision.applied-one-edited",
            )
        empty = probes.newest_is_empty(script)
        if indexing:
            report.add(True, f"Revision {indexing[0]} creates the index ix_users_nickname.", 2, id="revision.creates-index")
        elif empty:
            report.add(False, f"The newest revision, {empty}, is empty: was users.py saved with `index=True` on nickname? Delete that file and autogenerate again.", 2,
                       id="revision.empty")
        elif not edited:
            report.add(False, "No new revision creates an index on users.nickname yet: autogenerate one.", 2, id="revision.missing")
        if probes.one_head(script, report, 2) and indexing:
            probes.at_head(folder, script, report, 3)
    users = probes.database_table(folder, report, "users", 3)
    if users:
        indexes = users.indexes_on("nickname")
        report.add(
            bool(indexes),
            f"The database has an index on users.nickname ({indexes[0]})." if indexes else
            "The database has no index on users.nickname yet.",
            3,
            id="database.nickname-indexed" if indexes else "database.nickname.no-index",
        )
