"""Notebook 19's exercise (19-migrate-a-live-database): a column added under env.py's lock_timeout."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import DateTime

from .. import terminal
from . import probes
from .registry import exercise
from .report import Report


@exercise(
    "19-migrate-a-live-database", "bills.due_date, deployed while a report reads bills", solutions="19_",
    steps=("the model and the revision", "the lock timeout of env.py, in the revision's SQL", "the database"),
    success="The revision is applied, and env.py's lock_timeout holds for it: a blocked deploy fails fast.",
)
def check_due_date_on_a_busy_table(folder: Path, report: Report) -> None:
    """Notebook 19: ``bills.due_date`` added by a revision that runs under env.py's ``lock_timeout``, then applied.

    Steps: 1 the model and the revision, 2 the revision's SQL sets the lock_timeout before its ALTER TABLE
    (as ``alembic upgrade --sql`` writes it), 3 the database has the column (the retry went through).
    """
    metadata = probes.models(folder, report)
    if metadata is not None:
        probes.check_column(report, metadata, "bills", "Bill", "due_date", DateTime, "a DateTime", "billtracker/data/bills.py")
    script = probes.revisions(folder, report, 1)
    if script is None:
        return
    revision = probes.revision_step(script, report, "bills", "due_date", "billtracker/data/bills.py", 1)
    if revision is not None:
        report.add(True, f"Revision {revision} adds bills.due_date.", 1, id="revision.adds-due-date")
        parent = script.get_revision(revision).down_revision or "base"
        try:
            sql = terminal.run(f"alembic upgrade {parent}:{revision} --sql", folder, echo=False).output
        except terminal.CommandFailed as failure:
            report.add(False, f"`alembic upgrade {parent}:{revision} --sql` fails: {failure.message.splitlines()[0]}", 2,
                       id="revision.sql-fails")
        else:
            timeout = sql.find("SET lock_timeout")
            if 0 <= timeout < sql.find("ALTER TABLE bills ADD COLUMN due_date"):
                report.add(True, "Its SQL sets a lock_timeout before the ALTER TABLE: a blocked deploy fails fast.", 2,
                           id="revision.sets-lock-timeout")
            else:
                report.add(False, "Its SQL sets no lock_timeout before the ALTER TABLE: env.py must still call "
                                  "`set_timeouts()` in `begin_transaction()`, as section 2 made it.", 2, id="revision.no-lock-timeout")
        if probes.one_head(script, report, 3):
            probes.at_head(folder, script, report, 3)
    bills = probes.database_table(folder, report, "bills", 3)
    if bills is not False and bills is not None:
        if bills.column("due_date") is not None:
            report.add(True, "The database has bills.due_date.", 3, id="database.has-due-date")
        else:
            report.add(False, "The database has no bills.due_date yet: when the report has ended, run `alembic upgrade head`.", 3,
                       id="database.no-due-date")
