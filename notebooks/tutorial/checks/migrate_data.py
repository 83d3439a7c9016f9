"""Notebook 13's exercise (13-migrate-data): a column added, filled from the rows, then made NOT NULL."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import Float

from .. import inspection
from . import probes
from .registry import exercise
from .report import Report


@exercise(
    "13-migrate-data", "bills.amount_due: add, fill, constrain", solutions="13_",
    steps=("the model", "the revision", "the revision's add, fill and constrain", "the database and its rows"),
    success="Every bill got what is left to pay, and the column refuses NULL: a data migration of your own.",
)
def check_amount_due(folder: Path, report: Report) -> None:
    """Notebook 13: ``bills.amount_due`` (NOT NULL), filled with ``total - paid`` by the revision that adds it.

    Steps: 1 the model, 2 the revision, 3 its add, fill, constrain, 4 the database and its rows.
    """
    metadata = probes.models(folder, report)
    if metadata is not None:
        column = metadata.tables["bills"].columns.get("amount_due") if "bills" in metadata.tables else None
        if column is not None and isinstance(column.type, Float) and column.nullable:
            report.add(False, "Bill.amount_due may be empty: every bill has an amount due, so make it NOT NULL (`Mapped[float]`).",
                       id="model.amount-due.nullable")
        else:
            probes.check_column(
                report, metadata, "bills", "Bill", "amount_due", Float, "a Float", "billtracker/data/bills.py", nullable=False
            )
    script = probes.revisions(folder, report, 2)
    adding = None
    if script is not None:
        adding = probes.revision_step(script, report, "bills", "amount_due", "billtracker/data/bills.py", 2)
        if adding:
            report.add(True, f"Revision {adding} adds bills.amount_due.", 2, id="revision.adds-amount-due")
            probes.one_head(script, report, 2)
            text = inspection.revision_source(script, adding)
            operations = inspection.operations(script, adding)
            adds_not_null = any(  # `nullable=False` is a keyword of the `sa.Column(...)` inside the operation
                operation.name == "add_column" and operation.names("bills", "amount_due")
                and operation.inner_keywords.get("nullable") is False
                for operation in operations
            )
            if re.search(r"^\s*(from|import) billtracker", text, re.MULTILINE):
                report.add(
                    False,
                    f"Revision {adding} imports your models: it must run unchanged when they change. Describe the "
                    "columns it uses with `sa.table('bills', sa.column(...), ...)` instead.",
                    3,
                    id="revision.imports-models",
                )
            if adds_not_null:
                report.add(
                    False,
                    f"Revision {adding} still adds amount_due NOT NULL at once, as autogenerate wrote it: on a table with "
                    "rows the upgrade fails. Add it with `nullable=True`, fill it, then make it NOT NULL.",
                    3,
                    id="revision.adds-not-null",
                )
            else:
                report.add(True, "It adds the column allowing NULL first.", 3, id="revision.adds-nullable")
            fills = any(operation.name == "execute" for operation in operations)
            report.add(
                fills,
                "It fills the column from the rows (`op.execute(...)`)." if fills else
                "It does not fill the column: add `op.execute(bills.update().values(amount_due=...))` between the two steps.",
                3,
                id="revision.fills" if fills else "revision.no-fill",
            )
            constrains = any(
                operation.name == "alter_column" and operation.names("bills", "amount_due")
                and operation.keywords.get("nullable") is False
                for operation in operations
            )
            report.add(
                constrains,
                "Then it makes the column NOT NULL (`alter_column(..., nullable=False)`)." if constrains else
                "It never makes the column NOT NULL: end `upgrade()` with `batch_op.alter_column('amount_due', "
                "existing_type=sa.Float(), nullable=False)`.",
                3,
                id="revision.constrains" if constrains else "revision.never-constrains",
            )
            probes.at_head(folder, script, report, 4)
    found = probes.database_answer(folder, report, 4, lambda inspector: {column["name"]: column for column in inspector.get_columns("bills")})
    if found is not None:
        if "amount_due" not in found:
            report.add(False, "The database's bills table has no amount_due column yet.", 4, id="database.amount-due.missing")
        else:
            report.add(
                not found["amount_due"]["nullable"],
                "The database's bills.amount_due is NOT NULL." if not found["amount_due"]["nullable"] else
                "The database's bills.amount_due still accepts NULL.",
                4,
                id="database.amount-due-not-null" if not found["amount_due"]["nullable"] else "database.amount-due-nullable",
            )
            rows = probes.database_answer(folder, report, 4, lambda inspector: probes.engine_rows(
                inspector.bind, "SELECT description, total, paid, amount_due FROM bills ORDER BY id"
            ))
            if rows is not None:
                wrong = [
                    f"{description}: {amount_due}, not {total - paid:g}" for description, total, paid, amount_due in rows
                    if amount_due is None or abs(amount_due - (total - paid)) > 0.005
                ]
                report.add(
                    not wrong and bool(rows),
                    f"Each of the {len(rows)} bills has amount_due = total - paid." if not wrong else
                    f"Some bills have the wrong amount_due ({'; '.join(wrong)}): fill it with `bills.c.total - bills.c.paid`.",
                    4,
                    id="database.amounts-right" if not wrong and rows else "database.amounts-wrong",
                )
