"""Notebook 17's exercise (17-survive-a-failed-migration): a half-applied revision, repaired and stamped."""

from __future__ import annotations

from pathlib import Path

from .. import inspection
from . import probes
from .registry import exercise
from .report import Report


@exercise(
    "17-survive-a-failed-migration", "bills.reminder: repaired by hand, then stamped", solutions="17_",
    steps=("the revision", "the database repaired and recorded", "the model"),
    success="Schema, alembic_version, revision and model agree again, and every other database will run the fixed revision.",
)
def check_stamp_repair(folder: Path, report: Report) -> None:
    """Notebook 17: a revision adding ``bills.reminder`` and its index fails halfway; the index is made by hand,
    the revision stamped, the typo fixed, the model brought along.

    Steps: 1 the revision, 2 the database repaired and recorded, 3 the model.
    """
    from sqlalchemy import Date

    script = probes.revisions(folder, report, 1)
    adding = None
    if script is not None:
        adding = probes.revision_step(
            script, report, "bills", "reminder", "billtracker/data/bills.py", 1,
            empty="The newest revision, {revision}, does nothing yet: fill in its `upgrade()` and `downgrade()`.",
            missing='No revision adds bills.reminder yet: write one, `alembic revision -m "add a reminder to bills"`, '
                    "and fill it in.",
        )
    if adding:
        indexing = [
            operation for operation in inspection.operations(script, adding)
            if operation.name == "create_index" and "ix_bills_reminder" in operation.strings
        ]
        if not indexing:
            report.add(False, f"Revision {adding} adds bills.reminder but creates no index `ix_bills_reminder`.", 1,
                       id="revision.no-index")
        elif any("reminder" in operation.strings for operation in indexing):
            report.add(True, f"Revision {adding} adds bills.reminder, then its index on `reminder`.", 1, id="revision.adds-index")
        else:
            columns = [word for word in indexing[0].strings if word not in ("ix_bills_reminder", "bills")]
            report.add(
                False,
                f"Revision {adding} still creates its index on a column that does not exist "
                f"({', '.join(f'`{column}`' for column in columns)}): fix the typo, so that every other database runs it right.",
                1,
                id="revision.index-typo",
            )
    found = probes.database_answer(folder, report, 2, lambda inspector: (
        [column["name"] for column in inspector.get_columns("bills")],
        {index["name"]: index["column_names"] for index in inspector.get_indexes("bills")},
    ))
    if found is not None and script is not None and adding:
        columns, indexes = found
        try:
            current = inspection.current_revisions(folder)
        except inspection.ProjectProblem as problem:
            current = ()
            report.add(False, str(problem), 2, id="database.unreadable")
        recorded = adding in current
        if "reminder" not in columns:
            report.add(
                False,
                "The database has no bills.reminder column: "
                + ("`alembic_version` says the revision ran, yet nothing of it is there. Stamp back "
                   "(`alembic stamp -1`) and upgrade." if recorded else
                   "upgrade once, with the typo in, to see it fail halfway (SQLite keeps the column)."),
                2,
                id="database.reminder.missing-but-recorded" if recorded else "database.reminder.missing",
            )
        elif indexes.get("ix_bills_reminder") != ["reminder"]:
            report.add(
                False,
                "The database has bills.reminder but no index ix_bills_reminder on it"
                + (": `alembic stamp` records a revision and runs nothing, so create the index by hand first "
                   "(`CREATE INDEX ix_bills_reminder ON bills (reminder)`)." if recorded else
                   ", and `alembic_version` does not name the revision: the failed upgrade left the column behind. "
                   "Finish by hand (`CREATE INDEX ix_bills_reminder ON bills (reminder)`), then `alembic stamp head`."),
                2,
                id="database.stamped-without-index" if recorded else "database.index.missing",
            )
        else:
            report.add(True, "The database has bills.reminder and its index ix_bills_reminder.", 2, id="database.repaired")
            if probes.one_head(script, report, 2):
                if recorded:
                    probes.at_head(folder, script, report, 2)
                else:
                    report.add(
                        False,
                        f"The database has everything revision {adding} makes, but `alembic_version` does not name it: "
                        "record it, running nothing, with `alembic stamp head`.",
                        2,
                        id="database.not-stamped",
                    )
    metadata = probes.models(folder, report, step=3)
    if metadata is not None and probes.check_column(
        report, metadata, "bills", "Bill", "reminder", Date, "a Date", "billtracker/data/bills.py", index=True, step=3
    ):
        try:
            left = inspection.differences(folder)
        except inspection.ProjectProblem as problem:
            report.add(False, str(problem), 3, id="check.cannot-compare")
        else:
            report.add(
                not left,
                "`alembic check` finds nothing to do: models and database agree." if not left else
                f"`alembic check` would still find: {'; '.join(inspection.describe(diff) for diff in left)}.",
                3,
                id="check.passes" if not left else "check.differences",
            )
