"""Notebook 27's exercise (27-enums-and-type-changes): a new value of a PostgreSQL enum, shipped and used."""

from __future__ import annotations

import re
from pathlib import Path

from .. import inspection
from . import probes
from .registry import exercise
from .report import Report

VALUE = "disputed"
ADD_VALUE = re.compile(rf"\bADD\s+VALUE\b.*'{VALUE}'", re.IGNORECASE | re.DOTALL)
USES_VALUE = re.compile(rf"^\s*(?:UPDATE|INSERT)\b.*'{VALUE}'", re.IGNORECASE | re.DOTALL)
RECREATES_TYPE = re.compile(r"\b(?:CREATE|DROP)\s+TYPE\b", re.IGNORECASE)
ENUM_LABELS = ("SELECT e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid "
               "WHERE t.typname = 'billstatus' ORDER BY e.enumsortorder")


def _sql(call: inspection.Operation) -> str:
    """The SQL an ``op.execute(...)`` runs (its strings, joined); empty for any other operation."""
    return " ".join(call.strings) if call.name == "execute" else ""


def _revision_of_the_value(script) -> str | None:
    """The revision whose ``upgrade()`` names the new value, newest first."""
    for revision in script.walk_revisions():
        if any(VALUE in string for call in inspection.operations(script, revision.revision) for string in call.strings):
            return revision.revision
    return None


def _check_model(folder: Path, report: Report) -> None:
    metadata = probes.models(folder, report)
    if metadata is None:
        return
    bills = metadata.tables.get("bills")
    column = bills.columns.get("status") if bills is not None else None
    values = list(getattr(column.type, "enums", [])) if column is not None else []
    if column is None or not values:
        report.add(False, "The Bill model has no `status` enum column any more: run the notebook's cells from the top "
                          "first.", 1, id="model.no-status")
    elif VALUE not in values:
        report.add(False, f"`BillStatus` has no `{VALUE}` yet (billtracker/data/bills.py): add "
                          f'`{VALUE} = "{VALUE}"`.', 1, id="model.no-disputed")
    else:
        report.add(True, f"`BillStatus` has `{VALUE}`.", 1, id="model.disputed")


def _check_revision(script, revision: str, report: Report) -> None:
    upgrade = inspection.operations(script, revision)
    synced = [call for call in upgrade if call.name == "sync_enum_values" and VALUE in call.strings]
    added = [call for call in upgrade if ADD_VALUE.search(_sql(call))
             or (call.name == "add_enum_value" and VALUE in call.strings)]
    used = [call for call in upgrade if USES_VALUE.search(_sql(call))]
    if not (synced or added):
        report.add(False, f"Revision {revision} names `{VALUE}` but does not add it to the type `billstatus`: "
                          f"`ALTER TYPE billstatus ADD VALUE IF NOT EXISTS '{VALUE}'` in an autocommit block, or "
                          "`op.add_enum_value(...)` (autogenerate writes it).", 2, id="revision.no-value-added")
    elif added and used and not all(call.in_autocommit_block for call in added):
        report.add(False, f"Revision {revision} adds `{VALUE}` and uses it in the same transaction: PostgreSQL refuses "
                          "('unsafe use of new value'). Put the `ADD VALUE` (or `op.add_enum_value(...)`) in "
                          "`with op.get_context().autocommit_block():`.", 2, id="revision.used-before-commit")
    else:
        report.add(True, f"Revision {revision} adds `{VALUE}` to `billstatus`"
                         + (" and commits it before using it." if added else " (`sync_enum_values`)."), 2,
                   id="revision.adds-disputed")
    if not used:
        report.add(False, f"Revision {revision}'s upgrade() does not mark the Rent bill: "
                          f"`op.execute(\"UPDATE bills SET status = '{VALUE}' WHERE description = 'Rent'\")`.", 2,
                   id="revision.rent-not-marked")
    downgrade = inspection.operations(script, revision, "downgrade")
    removes = any(call.name == "sync_enum_values" or RECREATES_TYPE.search(_sql(call)) for call in downgrade)
    resets = any(USES_VALUE.search(_sql(call)) for call in downgrade) or re.search(
        rf"enum_values_to_rename\s*=\s*\[[^\]]*'{VALUE}'", probes.downgrade_source(script, revision).replace('"', "'"))
    if not removes:
        report.add(False, f"Revision {revision}'s downgrade() leaves `{VALUE}` in the type: remove it as section 3 "
                          "does (or with `op.sync_enum_values(...)`).", 2, id="revision.downgrade-keeps-value")
    elif not resets:
        report.add(False, f"Revision {revision}'s downgrade() removes `{VALUE}` but leaves the Rent bill holding it: "
                          "the conversion then fails ('invalid input value for enum'). First "
                          f"`UPDATE bills SET status = 'unpaid' WHERE status = '{VALUE}'`.", 2,
                   id="revision.downgrade-keeps-rows")


@exercise(
    "27-enums-and-type-changes", "a bill can be disputed", solutions="27_",
    steps=("the model", "the revision", "the database"),
    success="Bills can be disputed, and the Rent bill is.",
)
def check_disputed_bills(folder: Path, report: Report) -> None:
    """Notebook 27: ``disputed`` in ``BillStatus``, a revision adding it (committed before use) and marking the Rent
    bill, whose downgrade removes it again; the database at the head, its type holding the value.

    Steps: 1 the model, 2 the revision, 3 the database (``pg_enum``, the Rent bill).
    """
    _check_model(folder, report)
    script = probes.revisions(folder, report, 2)
    if script is None:
        return
    revision = _revision_of_the_value(script)
    if revision is None:
        report.add(False, f"No revision adds `{VALUE}` yet: `alembic revision --autogenerate --rev-id 0007 -m "
                          "\"bills can be disputed\"`, then add the Rent bill's UPDATE.", 2, id="revision.missing")
    else:
        _check_revision(script, revision, report)
    if not probes.one_head(script, report, 2) or not probes.at_head(folder, script, report, 3):
        return
    if revision is None:  # nothing can have added the value yet: the revision's finding says what comes next
        return
    try:
        labels = [label for (label,) in probes.rows(folder, ENUM_LABELS)]
        rent = probes.rows(folder, "SELECT status::text FROM bills WHERE description = 'Rent'")
    except Exception as error:
        report.add(False, f"The database does not answer: {error}", 3, id="database.not-answering")
        return
    if VALUE not in labels:
        report.add(False, f"The database is at the head, yet its type `billstatus` has no `{VALUE}` (pg_enum holds "
                          f"{', '.join(labels) or 'nothing'}): the app would fail with 'invalid input value for enum'. "
                          "Autogenerate without alembic-postgresql-enum does not see new values: add it in a revision.",
                   3, id="database.value-missing")
    elif not rent:
        report.add(False, "The database has no Rent bill (a downgrade to base drops the tables, sample data with "
                          "them): run the notebook's first cell to start again.", 3, id="database.no-rent-bill")
    elif rent != [(VALUE,)]:
        report.add(False, f"`billstatus` has `{VALUE}`, but the Rent bill is not disputed: was the revision changed "
                          "after it ran? Downgrade it, then upgrade again.", 3, id="database.rent-not-disputed")
    else:
        report.add(True, f"The type `billstatus` has `{VALUE}` ({', '.join(labels)}), and the Rent bill holds it.", 3,
                   id="database.rent-disputed")
