"""Notebook 20's exercise (20-change-a-live-schema-safely): an index built concurrently."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import String

from .. import inspection
from . import probes
from .registry import exercise
from .report import Report


@exercise(
    "20-change-a-live-schema-safely", "an index on users.phone, built without blocking writes", solutions="20_",
    steps=("the model and the revision", None, "a concurrent build", "the database"),  # 2: squawk, the test above
    success="The revision builds and drops the index concurrently, and the database has it.",
)
def check_phone_index(folder: Path, report: Report) -> None:
    """Notebook 20: an index on ``users.phone``, built concurrently: model, revision, and database.

    Steps, as the notebook numbers them: 1 the model and the revision, (2 runs the linter, which nothing checks),
    3 the revision builds (and drops) the index concurrently, 4 the database has it.
    """
    metadata = probes.models(folder, report)
    if metadata is not None:
        probes.check_column(report, metadata, "users", "User", "phone", String, "a String", "billtracker/data/users.py", index=True)
    script = probes.revisions(folder, report, 1)
    if script is None:
        return
    indexing = probes.revision_doing(script, "users", "create_index", "phone")
    if not indexing:
        report.add(False, "No revision creates an index on users.phone yet: autogenerate one.", 1, id="revision.no-phone-index")
    else:
        report.add(True, f"Revision {indexing[0]} creates the index on users.phone.", 1, id="revision.creates-phone-index")
        for function, operation in (("upgrade", "create_index"), ("downgrade", "drop_index")):
            calls = [call for call in inspection.operations(script, indexing[0], function)
                     if call.name == operation and any("phone" in text for text in call.strings)]
            if not any(call.keywords.get("postgresql_concurrently") is True for call in calls):
                report.add(False, f"Its {function}() calls `op.{operation}` without `postgresql_concurrently=True`: "
                                  "a plain index build blocks every write to users.", 3,
                           id=f"revision.{function}-not-concurrent")
            elif not any(call.in_autocommit_block for call in calls if call.keywords.get("postgresql_concurrently") is True):
                report.add(False, f"Its {function}() builds concurrently, but outside `op.get_context().autocommit_block()`: "
                                  "PostgreSQL refuses CONCURRENTLY inside a transaction.", 3,
                           id=f"revision.{function}-outside-autocommit-block")
            else:
                report.add(True, f"Its {function}() runs `op.{operation}(..., postgresql_concurrently=True)` in an autocommit block.", 3,
                           id=f"revision.{function}-concurrent")
        if probes.one_head(script, report, 4):
            probes.at_head(folder, script, report, 4)
    users = probes.database_table(folder, report, "users", 4)
    if users is not False and users is not None:
        if users.indexes_on("phone"):
            report.add(True, f"The database has the index {users.indexes_on('phone')[0]} on users.phone.", 4,
                       id="database.has-phone-index")
        else:
            report.add(False, "The database has no index on users.phone yet.", 4, id="database.no-phone-index")
