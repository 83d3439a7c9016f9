"""Notebook 31's exercise (31-check-migrations-in-ci): the CI tests green again after a teammate's branch."""

from __future__ import annotations

from pathlib import Path

from .. import inspection
from . import probes
from .registry import exercise
from .report import Report

# What each kind of operation must meet in the same revision's downgrade(), to be undone.
UNDOES = {"add_column": "drop_column", "create_table": "drop_table", "create_index": "drop_index",
          "create_check_constraint": "drop_constraint", "create_unique_constraint": "drop_constraint",
          "create_foreign_key": "drop_constraint"}


def _left_behind(script, revision: str) -> list[str]:
    """What ``revision``'s ``upgrade()`` makes that its ``downgrade()`` does not undo, read from the operations."""
    down = inspection.operations(script, revision, "downgrade")
    left = []
    for call in inspection.operations(script, revision):
        undo = UNDOES.get(call.name)
        if undo is None or not call.strings:
            continue
        names = call.strings[:2] if call.name == "add_column" and not call.batch_table else call.strings[:1]
        if not any(other.name == undo and other.names(*names) for other in down):
            left.append(".".join(names))
    return left


@exercise(
    "31-check-migrations-in-ci", "make CI green again", solutions="31_",
    steps=(None, "the heads", "the downgrade", "the missing revision", None),
    success="One head, every downgrade undoes its upgrade, and `alembic check` finds nothing: CI is green.",
)
def check_ci_green(folder: Path, report: Report) -> None:
    """Notebook 31: the teammate's two heads merged, revision 0007's downgrade fixed, a revision for
    ``users.last_login``, the database at the head, and models and database in agreement.

    Steps: 1 run the tests (nothing to check), 2 one head, 3 the downgrade, 4 the missing revision and the
    database, 5 run the tests again (nothing more to check).
    """
    script = probes.revisions(folder, report, 2)
    if script is None:
        return
    heads = script.get_heads()
    if len(heads) > 1:  # probes.one_head would offer to delete one: here, both are work to keep
        report.add(False, f"There are {len(heads)} heads ({', '.join(sorted(heads))}): the history forks, and "
                          '`alembic upgrade head` fails. Merge them: `alembic merge heads --rev-id 0008 -m "merge due '
                          'dates"`, then `alembic upgrade head`.', 2, id="heads.several")
    else:
        lost = [revision for revision in ("0006", "0007") if revision not in {r.revision for r in script.walk_revisions()}]
        if lost:
            report.add(False, f"Revision {', '.join(lost)} is gone: merge the heads rather than delete one "
                              "(its change is in the models, and in databases that ran it).", 2,
                       id="heads.revision-deleted")
        else:
            report.add(True, f"One head ({heads[0]}): the two branches are merged.", 2, id="heads.one")
    if "0007" in {revision.revision for revision in script.walk_revisions()}:
        left = _left_behind(script, "0007")
        if left:
            report.add(False, f"Revision 0007's downgrade() leaves {', '.join(left)} behind: the stairway fails on "
                              'its second upgrade. Add `op.drop_column("bills", "due_date")`.', 3,
                       id="revision.downgrade-keeps-due_date")
        else:
            report.add(True, "Revision 0007's downgrade() undoes its upgrade().", 3, id="revision.downgrade-undoes")
    others = [revision.revision for revision in script.walk_revisions()
              if revision.revision != "0007" and _left_behind(script, revision.revision)]
    if others:
        report.add(False, f"The downgrade() of {', '.join(others)} leaves behind what its upgrade() made: the "
                          "stairway fails there.", 3, id="revision.downgrade-incomplete")
    if not probes.revision_doing(script, "users", "add_column", "last_login"):
        report.add(False, "No revision adds users.last_login yet: `alembic revision --autogenerate --rev-id 0009 "
                          '-m "add a last login to users"` (once the database is at the head).', 4,
                   id="revision.last_login.missing")
    if len(heads) != 1 or not probes.at_head(folder, script, report, 4):
        return
    probes.alembic_check(folder, report, 4, then="Autogenerate the revision that is missing, and upgrade.")
