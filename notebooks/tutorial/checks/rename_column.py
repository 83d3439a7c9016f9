"""Notebook 11's exercise (11-rename-a-column-safely): a rename that keeps the values."""

from __future__ import annotations

from pathlib import Path

from .. import inspection
from . import probes
from .registry import exercise
from .report import Report


def _renames(script, revision: str, function: str, old: str, new: str) -> bool:
    """Whether ``function`` (``"upgrade"`` or ``"downgrade"``) of ``revision`` renames column ``old`` to ``new``."""
    return any(
        operation.name == "alter_column" and old in operation.strings and operation.keywords.get("new_column_name") == new
        for operation in inspection.operations(script, revision, function)
    )


@exercise(
    "11-rename-a-column-safely", "bills.description renamed to details, with its values", solutions="11_",
    steps=("the model", "autogenerate", "the revision rewritten as a rename", "the upgrade"),
    success="A rename, not a drop and an add: every description kept.",
)
def check_details(folder: Path, report: Report) -> None:
    """Notebook 11: rename ``bills.description`` to ``details``: model, a revision that renames, the values kept.

    Steps: 1 the model, 2 autogenerate, 3 the revision rewritten as a rename, 4 the upgrade.
    """
    metadata = probes.models(folder, report)
    if metadata is not None and "bills" in metadata.tables:
        columns = metadata.tables["bills"].columns
        if "details" in columns and "description" in columns:
            report.add(False, "Bill has both `details` and `description`: rename the attribute, do not add a second one.", 1,
                       id="model.details-and-description")
        elif "details" in columns:
            report.add(True, "The Bill model has `details`, and no `description`.", 1, id="model.has-details")
        else:
            report.add(False, "The Bill model has no `details` column yet: rename `description` in billtracker/data/bills.py.", 1,
                       id="model.details.missing")
    script = probes.revisions(folder, report, 2)
    if script is None:
        return
    renaming = [
        revision for revision in probes.revision_doing(script, "bills", "alter_column", "description")
        if _renames(script, revision, "upgrade", "description", "details")
    ]
    dropping = probes.revision_doing(script, "bills", "drop_column", "description")
    if renaming:
        report.add(True, f"Revision {renaming[0]} is about bills.details.", 2, id="revision.about-details")
        back = _renames(script, renaming[0], "downgrade", "details", "description") and not any(
            operation.name == "drop_column" for operation in inspection.operations(script, renaming[0], "downgrade")
        )
        report.add(
            back,
            f"Revision {renaming[0]} renames description to details, and its downgrade() renames it back."
            if back else
            f"Revision {renaming[0]}'s upgrade() renames, but its downgrade() does not rename back: rewrite it with "
            "`batch_op.alter_column('details', new_column_name='description')`.",
            3,
            id="revision.renames-back" if back else "revision.downgrade-not-a-rename",
        )
    elif dropping:
        report.add(True, f"Revision {dropping[0]} is about bills.details.", 2, id="revision.about-details")
        report.add(
            False,
            f"Revision {dropping[0]} drops bills.description and adds details, as autogenerate wrote it: the "
            "descriptions would be lost. Rewrite upgrade() and downgrade() as a rename (`rewrite.function`, as above).",
            3,
            id="revision.drops-and-adds",
        )
    else:
        empty = probes.newest_is_empty(script)
        report.add(
            False,
            f"The newest revision, {empty}, is empty: was bills.py saved? Delete that file and autogenerate again." if empty
            else "No revision is about bills.details yet: autogenerate one, then read it.",
            2,
            id="revision.empty" if empty else "revision.missing",
        )
    if probes.one_head(script, report, 4) and (renaming or dropping) and probes.current(folder, script, report, 4) is not None:
        probes.at_head(folder, script, report, 4)
    bills = probes.database_table(folder, report, "bills", 4)
    if bills and bills.column("details") is not None:
        count, kept = probes.rows(folder, "SELECT count(*), count(details) FROM bills")[0]
        report.add(
            count > 0 and count == kept,
            f"The database has bills.details, and its {count} bills kept their descriptions." if count and count == kept else
            f"The database has bills.details, but {count - kept} of {count} bills have none: a drop and an add ran, and "
            "the descriptions are gone. Run `alembic downgrade -1`, rewrite the revision as a rename, and run the "
            "notebook again from the top to get the bills back (your files are kept in a backup).",
            4,
            id="database.descriptions-kept" if count and count == kept else "database.descriptions-lost",
        )
    elif bills is not False:
        report.add(False, "The database's bills table has no details column yet: run `alembic upgrade head`.", 4,
                   id="database.details.missing")
