"""Notebook 06's exercise (06-go-back-with-downgrade): change an applied revision, down, edit, up."""

from __future__ import annotations

from pathlib import Path

from . import probes
from .registry import exercise
from .report import Report


@exercise(
    "06-go-back-with-downgrade", "no index on bills.last_payment: step back, change, step forward", solutions="06_",
    steps=("the downgrade", "the model", "the revision", "the upgrade"),
    success="You changed a revision that was applied: down, edit, up.",
)
def check_no_index(folder: Path, report: Report) -> None:
    """Notebook 06: change an applied revision: downgrade it, drop its index from model and revision, upgrade.

    Steps: 1 the downgrade (the database loses the index), 2 the model, 3 the revision, 4 the upgrade.
    """
    script = probes.revisions(folder, report, 1)
    if script is None:
        return
    adding = probes.revision_doing(script, "bills", "add_column", "last_payment")
    indexing = probes.revision_doing(script, "bills", "create_index", "last_payment")
    bills = probes.database_table(folder, report, "bills", 1)
    if bills is not False:
        indexes = bills.indexes_on("last_payment") if bills else []
        if not indexes:
            report.add(True, "The database has no index on bills.last_payment: the downgrade dropped it.", 1, id="database.index-dropped")
        elif adding and not indexing:
            report.add(
                False,
                f"The database still has {indexes[0]}: you changed the revision while it was applied, and Alembic "
                "never runs an applied revision again. Put the index lines back in the revision, run "
                "`alembic downgrade -1`, then remove them again.",
                1,
                id="database.index-kept-by-applied-revision",
            )
        else:
            report.add(
                False,
                f"The database still has {indexes[0]} on bills.last_payment: step back first with "
                "`alembic downgrade -1`, which runs the revision's downgrade() and drops it.",
                1,
                id="database.index-still-there",
            )
    metadata = probes.models(folder, report, step=2)
    if metadata is not None and "bills" not in metadata.tables:
        report.add(False, "There is no `bills` table in your models any more: was billtracker/data/bills.py changed?", 2,
                   id="model.last_payment.no-table")
    elif metadata is not None:
        column = metadata.tables["bills"].columns.get("last_payment")
        if column is None:
            report.add(False, "The Bill model has no `last_payment` column any more: keep the column, remove only `index=True`.", 2,
                       id="model.last_payment.missing")
        elif column.index or any("last_payment" in index.columns for index in metadata.tables["bills"].indexes):
            report.add(False, "Bill.last_payment still has `index=True` (billtracker/data/bills.py): remove it.", 2,
                       id="model.last_payment.indexed")
        else:
            report.add(True, "Bill.last_payment has no index in the model.", 2, id="model.last_payment.no-index")
    if not adding:
        report.add(False, "No revision adds bills.last_payment any more: keep the revision, remove only its index lines.", 3,
                   id="revision.missing")
    else:
        dropping_later = [
            revision.revision for revision in script.walk_revisions()
            if revision.revision not in adding and probes.calls(script, revision.revision, "drop_index", "ix_bills_last_payment")
        ]
        if indexing and dropping_later:
            report.add(True, f"Revision {dropping_later[0]} drops the index again: that works too (and is the way once others have applied {adding[0]}).", 3,
                       id="revision.drops-index-later")
        elif indexing:
            report.add(
                False,
                f"Revision {adding[0]} still creates the index: remove `op.create_index(...)` from its upgrade() and "
                "`op.drop_index(...)` from its downgrade() (or delete the file and autogenerate again).",
                3,
                id="revision.still-creates-index",
            )
        elif probes.calls(script, adding[0], "drop_index", function="downgrade"):
            report.add(
                False,
                f"Revision {adding[0]}'s downgrade() still drops the index its upgrade() no longer creates: remove "
                "the `op.drop_index(...)` line too, or the next downgrade fails.",
                3,
                id="revision.downgrade-still-drops-index",
            )
        else:
            report.add(True, f"Revision {adding[0]} adds bills.last_payment, with no index.", 3, id="revision.no-index")
    if probes.one_head(script, report, 3) and probes.current(folder, script, report, 4) is not None:
        probes.at_head(folder, script, report, 4)
    if bills:
        report.add(
            bills.column("last_payment") is not None,
            "The database has bills.last_payment." if bills.column("last_payment") else
            "The database's bills table has no last_payment column: run `alembic upgrade head`.",
            4,
            id="database.last_payment" if bills.column("last_payment") else "database.last_payment.missing",
        )
