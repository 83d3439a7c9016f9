"""Notebook 10's exercise (10-use-batch-mode-on-sqlite): a type change, in batch mode."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import String, Text

from .. import inspection
from . import probes
from .registry import exercise
from .report import Report


def _in_batch(script, revision: str) -> bool:
    """Whether ``revision``'s ``upgrade()`` alters bills.description in batch mode (``batch_op.alter_column``)."""
    return any(
        operation.name == "alter_column" and operation.batch_table == "bills" and "description" in operation.strings
        for operation in inspection.operations(script, revision)
    )


@exercise(
    "10-use-batch-mode-on-sqlite", "bills.description as Text, in batch mode", solutions="10_",
    steps=("the model", "the revision, in batch mode", "the upgrade, with the bills kept"),
    success="Batch mode rebuilt the table, and the bills came along.",
)
def check_description_text(folder: Path, report: Report) -> None:
    """Notebook 10: ``Bill.description`` becomes ``Text``: a type change SQLite makes in batch mode.

    Steps: 1 the model, 2 the revision (batch mode), 3 the upgrade, with the bills kept.
    """
    metadata = probes.models(folder, report)
    if metadata is not None:
        column = metadata.tables["bills"].columns.get("description") if "bills" in metadata.tables else None
        if column is not None and column.nullable and isinstance(column.type, String) and not isinstance(column.type, Text):
            report.add(False, "Bill.description is still a String: make it `mapped_column(Text)` (import Text from sqlalchemy).", 1,
                       id="model.description.still-string")
        else:
            probes.check_column(report, metadata, "bills", "Bill", "description", Text, "a Text", "billtracker/data/bills.py")
    script = probes.revisions(folder, report, 2)
    if script is None:
        return
    changing = [  # its new type is a call inside the operation: `sa.Text()`
        revision for revision in probes.revision_doing(script, "bills", "alter_column", "description")
        if any("Text" in call.called for call in probes.calls(script, revision, "alter_column", "bills", "description"))
    ]
    empty = probes.newest_is_empty(script)
    if changing and not _in_batch(script, changing[0]):
        report.add(
            False,
            f"Revision {changing[0]} calls `op.alter_column` outside batch mode: SQLite cannot ALTER a column, so the "
            "upgrade fails. Delete the file and autogenerate again: env.py's `render_as_batch=True` writes "
            "`with op.batch_alter_table('bills') as batch_op:`.",
            2,
            id="revision.not-in-batch",
        )
    elif changing:
        report.add(True, f"Revision {changing[0]} changes bills.description to Text, in batch mode.", 2, id="revision.changes-type")
    elif empty:
        report.add(False, f"The newest revision, {empty}, is empty: was bills.py saved with `Text`? Delete that file and autogenerate again.", 2,
                   id="revision.empty")
    else:
        report.add(False, "No revision changes bills.description to Text yet: autogenerate one.", 2, id="revision.missing")
    if probes.one_head(script, report, 2) and changing and probes.current(folder, script, report, 3) is not None:
        probes.at_head(folder, script, report, 3)
    bills = probes.database_table(folder, report, "bills", 3)
    if bills:
        column = bills.column("description")
        report.add(
            column is not None and column[1] == "TEXT",
            f"The database's bills.description is {column[1] if column else 'missing'}"
            + (": the table was rebuilt." if column and column[1] == "TEXT" else ", not TEXT yet: upgrade."),
            3,
            id="database.description-text" if column and column[1] == "TEXT" else "database.description-not-text",
        )
        count, described = probes.rows(folder, "SELECT count(*), count(description) FROM bills")[0]
        report.add(
            count > 0 and count == described,
            f"The {count} bills kept their descriptions." if count and count == described else
            f"Of {count} bills, {count - described} lost their description.",
            3,
            id="database.descriptions-kept" if count and count == described else "database.descriptions-lost",
        )
