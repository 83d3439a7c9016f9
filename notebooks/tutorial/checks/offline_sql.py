"""Notebook 08's exercise (08-write-offline-sql): the SQL of a downgrade, for the DBA."""

from __future__ import annotations

from pathlib import Path

from . import probes
from .registry import exercise
from .report import Report


@exercise(
    "08-write-offline-sql", "downgrade.sql, for the DBA", solutions="08_", steps=("the script", "the database, unchanged"),
    success="A DBA can run downgrade.sql; your database did not change.",
)
def check_downgrade_sql(folder: Path, report: Report) -> None:
    """Notebook 08: the SQL that undoes the newest revision, saved in ``downgrade.sql``; the database untouched.

    Steps: 1 the script, 2 the database (not changed).
    """
    script = probes.revisions(folder, report, 1)
    if script is None:
        return
    head = script.get_current_head() if probes.one_head(script, report, 1) else None
    if head is None:
        return
    previous = script.get_revision(head).down_revision
    file = folder / "downgrade.sql"
    if not file.is_file():
        report.add(False, "There is no downgrade.sql in the project folder yet.", 1, id="sql.missing")
    else:
        sql = file.read_text(encoding="utf-8")
        back = f"UPDATE alembic_version SET version_num='{previous}' WHERE alembic_version.version_num = '{head}'"
        forward = f"UPDATE alembic_version SET version_num='{head}' WHERE alembic_version.version_num = '{previous}'"
        if "INFO  [" in sql:
            report.add(
                False,
                "downgrade.sql has Alembic's `INFO  [...]` log lines: leave them out, as the notebook did for "
                "upgrade.sql; they are not SQL, and the DBA's tool stops at the first one.",
                1,
                id="sql.log-lines",
            )
        elif back in sql and "DELETE FROM alembic_version" not in sql and "Running downgrade" in sql and sql.count("-- Running downgrade") == 1:
            report.add(True, f"downgrade.sql undoes {probes.revision_words(script, head)} and sets alembic_version back to {previous}.", 1,
                       id="sql.downgrades-newest")
        elif forward in sql or "-- Running upgrade" in sql:
            report.add(
                False,
                f"downgrade.sql is an upgrade script: it moves alembic_version forward. Write the downgrade: "
                f"`alembic downgrade {head}:{previous} --sql` (from the head back to the revision before it).",
                1,
                id="sql.upgrades",
            )
        elif "-- Running downgrade" in sql:
            report.add(
                False,
                f"downgrade.sql undoes more than the newest revision. Give the range `{head}:{previous}`: from the "
                "head back to the revision before it only.",
                1,
                id="sql.downgrades-too-far",
            )
        else:
            report.add(False, f"downgrade.sql is not the SQL of `alembic downgrade {head}:{previous} --sql`.", 1,
                       id="sql.not-the-downgrade")
    current = probes.current(folder, script, report, 2)
    if current is not None:
        if current == (head,):
            report.add(True, f"The database is still at the head, {head}: writing SQL changed nothing.", 2,
                       id="database.still-at-head")
        else:
            where = ", ".join(current) if current else "base"
            report.add(
                False,
                f"The database is at {where}, not at the head {head}: a downgrade ran on it. `--sql` only writes "
                "the SQL, for the DBA's database; bring yours back with `alembic upgrade head`.",
                2,
                id="database.downgraded",
            )
