"""Notebook 28's exercise (28-views-functions-and-triggers): bills' money as Numeric, under a view that reads it.

The revision is read as the SQL it runs (``alembic upgrade <down>:<rev> --sql``, and the same for the downgrade):
whichever way the learner writes the view's drop and creation (``op.execute``, ``alembic_utils``' ``drop_entity``
and ``create_entity``, the cookbook's ``drop_view``), what counts is the order of the statements PostgreSQL gets.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import Float, Numeric

from .. import terminal
from . import probes
from .registry import exercise
from .report import Report

VIEW = "unpaid_bills"
MONEY = ("total", "paid")
BILLS_FILE = "billtracker/data/bills.py"
REVISION_COMMAND = 'alembic revision --autogenerate --rev-id 2804 -m "money as numeric"'
# The statements of a rendered script, as Alembic's --sql writes them: each ends with ";" at the end of a line.
STATEMENT_END = re.compile(r";\s*$", re.MULTILINE)
DROPS_VIEW = re.compile(rf'\bDROP\s+VIEW\s+(?:IF\s+EXISTS\s+)?(?:"?public"?\.)?"?{VIEW}"?', re.IGNORECASE)
CREATES_VIEW = re.compile(rf'\bCREATE\s+(?:OR\s+REPLACE\s+)?VIEW\s+(?:"?public"?\.)?"?{VIEW}"?', re.IGNORECASE)
ALTERS_MONEY = re.compile(r'\bALTER\s+TABLE\s+"?bills"?\s+ALTER\s+COLUMN\s+"?(?:total|paid)"?\s+TYPE\b', re.IGNORECASE)
CASCADE = re.compile(r"\bCASCADE\b", re.IGNORECASE)


def statements(script_sql: str) -> list[str]:
    """The SQL statements of an offline script, in order, each on one line (comments left out)."""
    found = []
    for chunk in STATEMENT_END.split(script_sql):
        lines = [line for line in chunk.splitlines() if line.strip() and not line.strip().startswith("--")]
        if lines:
            found.append(" ".join(" ".join(lines).split()))
    return found


def rendered(folder: Path, command: str) -> list[str] | str:
    """The statements ``command`` (an ``alembic ... --sql``) would run; or Alembic's error, as a string."""
    try:
        return statements(terminal.run(command, folder, echo=False).output)
    except terminal.CommandFailed as failure:
        return failure.message.strip().splitlines()[0]


def order_findings(report: Report, sql: list[str], function: str, step: int) -> None:
    """Whether ``function``'s SQL drops the view before the type changes and creates it after them."""
    prefix = "" if function == "upgrade" else "downgrade-"
    alters = [index for index, statement in enumerate(sql) if ALTERS_MONEY.search(statement)]
    if not alters:
        if function == "downgrade":
            report.add(False, "Its downgrade() does not change bills.total and bills.paid back: keep the `alter_column` "
                              "calls autogenerate wrote there.", step, id="revision.downgrade-keeps-numeric")
        return
    dropped = any(DROPS_VIEW.search(statement) for statement in sql[:alters[0]])
    created = any(CREATES_VIEW.search(statement) for statement in sql[alters[-1] + 1:])
    if not dropped:
        report.add(False, f"Its {function}() changes the columns' type while `{VIEW}` still reads them: PostgreSQL "
                          "refuses (`cannot alter type of a column used by a view or rule`). Drop the view before the "
                          "`alter_column` calls.", step, id=f"revision.{prefix}view-not-dropped")
    elif not created:
        report.add(False, f"Its {function}() drops `{VIEW}` but does not create it again after the `alter_column` "
                          "calls: the view would be gone.", step, id=f"revision.{prefix}view-not-recreated")
    else:
        report.add(True, f"Its {function}() drops `{VIEW}`, changes the columns, then creates the view again.", step,
                   id=f"revision.{prefix}view-around-the-change")


@exercise(
    "28-views-functions-and-triggers", "money as numbers, under a view", solutions="28_",
    steps=("the model", "the revision", "the revision's order", "the database"),
    success="bills.total and bills.paid are Numeric(10, 2), and unpaid_bills is still there.",
)
def check_money_as_numeric(folder: Path, report: Report) -> None:
    """Notebook 28: ``bills.total`` and ``bills.paid`` as ``Numeric(10, 2)``, in a revision that drops the view
    ``unpaid_bills`` before the change and creates it after (and the reverse in ``downgrade()``), applied.

    Steps: 1 the model, 2 a revision changing the type, 3 the order of its SQL (and no CASCADE), 4 the database.
    """
    metadata = probes.models(folder, report)
    if metadata is not None and "bills" in metadata.tables:
        columns = metadata.tables["bills"].columns
        wrong = [name for name in MONEY if name not in columns or isinstance(columns[name].type, Float)
                 or not isinstance(columns[name].type, Numeric)
                 or (columns[name].type.precision, columns[name].type.scale) != (10, 2)]
        if wrong:
            report.add(False, f"In {BILLS_FILE}, {' and '.join(wrong)} should be `Mapped[Decimal]` with "
                              "`mapped_column(Numeric(10, 2))` (a Float is a binary fraction).", 1,
                       id="model.money-not-numeric")
        else:
            report.add(True, "Bill.total and Bill.paid are Numeric(10, 2).", 1, id="model.money-numeric")
    script = probes.revisions(folder, report, 2)
    if script is None:
        return
    revision = probes.revision_step(
        script, report, "bills", "total", BILLS_FILE, 2, operation="alter_column",
        missing=f"No revision changes the type of bills.total yet: `{REVISION_COMMAND}`.",
    )
    if revision is None:
        return
    report.add(True, f"Revision {revision} changes bills.total.", 2, id="revision.alters-money")
    down = script.get_revision(revision).down_revision or "base"
    upgrade_sql = rendered(folder, f"alembic upgrade {down}:{revision} --sql")
    downgrade_sql = rendered(folder, f"alembic downgrade {revision}:{down} --sql")
    for function, sql in (("upgrade", upgrade_sql), ("downgrade", downgrade_sql)):
        if isinstance(sql, str):
            report.add(False, f"Alembic cannot write the SQL of its {function}() (`--sql`, which this check reads): {sql}. "
                              "Drop and create the view with operations (`op.drop_entity`, `op.execute`), not with "
                              "code that reads the database while the upgrade runs.", 3,
                       id=f"revision.{function}-sql-fails")
            continue
        order_findings(report, sql, function, 3)
        if any(CASCADE.search(statement) for statement in sql):
            report.add(False, f"Its {function}() uses CASCADE: that drops, without a word, whatever depends on what "
                              "it drops. Name each object you drop, and create it again.", 3,
                       id=f"revision.{function}-cascade")
    if not probes.one_head(script, report, 4) or not probes.at_head(folder, script, report, 4):
        return
    found = probes.database_answer(folder, report, 4, lambda inspector: (
        inspector.get_view_names(),
        {column["name"]: column["type"] for column in inspector.get_columns("bills")},
    ))
    if found is None:
        return
    views, types = found
    if VIEW not in views:
        report.add(False, f"The database has no `{VIEW}` view any more: the revision dropped it and never created it "
                          "again, and a downgrade that drops the view would now fail. Run the notebook's cells from the "
                          "top (its first cell makes the project and the database afresh), then do the exercise again, "
                          "creating the view after the change.", 4, id="database.no-view")
        return
    if any(isinstance(types.get(name), Float) or not isinstance(types.get(name), Numeric) for name in MONEY):
        report.add(False, "The database's bills.total or bills.paid is not numeric yet.", 4, id="database.money-not-numeric")
        return
    try:
        terminal.run("alembic check", folder, echo=False)
    except terminal.CommandFailed as failure:
        report.add(False, f"`alembic check` still finds differences: {failure.message.strip().splitlines()[0]}", 4,
                   id="database.differs")
        return
    report.add(True, f"The database has numeric money and the `{VIEW}` view, and `alembic check` passes.", 4,
               id="database.money-numeric-with-view")
