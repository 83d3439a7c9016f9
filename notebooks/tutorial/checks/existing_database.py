"""Notebook 22's exercise (22-adopt-an-existing-database): an old database stamped and upgraded."""

from __future__ import annotations

from pathlib import Path

from .. import inspection
from . import probes
from .registry import exercise
from .report import Report

# What the cell "A second old database" of notebook 22 puts in bookshelf/branch.sqlite.
BRANCH_ROWS = {
    "authors": [(1, "Octavia E. Butler"), (2, "Jorge Luis Borges")],
    "books": [(1, "Kindred", 1979, 1), (2, "Parable of the Sower", 1993, 1), (3, "Ficciones", 1944, 2)],
}
BRANCH_DATABASE = "bookshelf/branch.sqlite"
RELEASE_1 = "release-1"  # the copy of release 1's alembic.ini and alembic/ that notebook 22 keeps


@exercise(
    "22-adopt-an-existing-database", "the branch's old database, brought to release 2's head", solutions="22_",
    steps=(None, "the stamp", "the upgrade"),  # 1: the setting, which 2 needs
    success="The branch's database took release 1's baseline by stamp, then both releases' revisions, rows and all.",
)
def check_branch_adopted(folder: Path, report: Report) -> None:
    """Notebook 22: ``bookshelf/branch.sqlite`` (made before Alembic) stamped, upgraded to the head, rows kept.

    Steps, as the notebook numbers them: (1 points the app's setting at it, which the next steps need: nothing
    checks it alone), 2 a revision recorded in its ``alembic_version``, 3 at the head with the models' schema and
    its rows.
    """
    from sqlalchemy import inspect, text

    path = folder / BRANCH_DATABASE
    if not path.is_file():
        report.add(False, f"There is no {BRANCH_DATABASE}: run the cell under *A second old database* to make it.",
                   step=2, id="branch.missing")
        return
    engine = inspection.engine(folder, f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            tables = inspect(connection).get_table_names()
            recorded = (
                connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
                if "alembic_version" in tables else None
            )
            found = {
                "authors": connection.execute(text("SELECT id, name FROM authors ORDER BY id")).all(),
                "books": connection.execute(text("SELECT id, title, year, author_id FROM books ORDER BY id")).all(),
            } if {"authors", "books"} <= set(tables) else None
    finally:
        engine.dispose()

    if recorded is None:
        report.add(False, f"{BRANCH_DATABASE} has no alembic_version table yet: Alembic has not touched it. Point "
                          "`BOOKSHELF_DATABASE_URL` at it, then record (`alembic stamp`) the baseline its tables match.",
                   step=2, id="branch.not-stamped")
    elif not recorded:
        report.add(False, f"{BRANCH_DATABASE} has an alembic_version table with no revision in it (a failed `alembic "
                          "upgrade` or `stamp` leaves it so): record the baseline its tables match with `alembic stamp`. "
                          "Which release still has that baseline?", step=2, id="branch.no-revision-recorded")
    else:
        report.add(True, f"{BRANCH_DATABASE} records a revision ({', '.join(recorded)}).", step=2, id="branch.stamped")
    if found is None:
        report.add(False, f"{BRANCH_DATABASE} has lost its authors or books table: run the cell under *A second old "
                          "database* again (it makes the file afresh), then start over.", 3, id="branch.tables-lost")
        return
    rows_kept = {table: [tuple(row) for row in rows] for table, rows in found.items()} == BRANCH_ROWS
    if not recorded:
        return

    script = probes.revisions(folder, report, 3)
    if script is None or not probes.one_head(script, report, 3):
        return
    heads = sorted(script.get_heads())
    at_head = sorted(recorded) == heads
    if at_head:
        report.add(True, f"It is at the head of release 2 ({', '.join(heads)}).", 3, id="branch.at-head")
    else:
        in_release_2 = {revision.revision for revision in script.walk_revisions()}
        release_1 = set(_release_1_revisions(folder))
        where = recorded[0]
        if where in in_release_2:
            report.add(False, f"It is at {where}, not at the head ({', '.join(heads)}): run `alembic upgrade head` on it.", 3,
                       id="branch.not-at-head")
        elif where in release_1:
            report.add(False, f"It is at {where}, a revision of release 1 that release 2 squashed: upgrade it with release 1 "
                              f"first (`alembic -c {RELEASE_1}/alembic.ini upgrade head`), then `alembic upgrade head`.", 3,
                       id="branch.at-release-1")
        else:
            report.add(False, f"It records {where}, a revision neither release has: stamp it again, with the "
                              "baseline its tables match (`alembic stamp --purge <id>`).", 3,
                       id="branch.unknown-revision")
    if at_head:
        differences = _differences_from_models(folder, path)
        if differences is None:
            report.add(False, "Your models (bookshelf/models.py) do not import: run the lesson's %%writefile cells again.", 3,
                       id="models.do-not-import")
        elif differences:
            baseline = next((revision for revision, parent in _release_1_revisions(folder).items() if parent is None),
                            "<release 1's baseline>")
            report.add(False, f"It says it is at the head, but its tables differ from the models ({differences}): it was "
                              "stamped past revisions that never ran on it. Record what it really has, release 1's baseline "
                              f"(`alembic -c {RELEASE_1}/alembic.ini stamp --purge {baseline}`), then upgrade with release 1, "
                              "then with release 2.", 3, id="branch.stamped-past-its-schema")
        else:
            report.add(True, "Its tables match the models: `alembic check` would pass on it.", 3, id="branch.matches-models")
    report.add(
        rows_kept,
        "Its authors and books are all there, as the branch entered them." if rows_kept else
        "Its rows are not the branch's any more: a database you adopt keeps its rows. Run the cell under *A second old "
        "database* again (it makes the file afresh), then stamp and upgrade it.",
        3,
        id="branch.rows-kept" if rows_kept else "branch.rows-lost",
    )


def _release_1_revisions(folder: Path) -> dict[str, str | None]:
    """The revisions of the release 1 that notebook 22 keeps, each with its parent; empty if there is none."""
    try:
        script = inspection.script_directory(folder / RELEASE_1)
    except inspection.ProjectProblem:
        return {}
    return {revision.revision: revision.down_revision for revision in script.walk_revisions()}


def _differences_from_models(folder: Path, database: Path) -> str | None:
    """What autogenerate would change in ``database`` to match the bookshelf models, in words; None if they do not import."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    try:
        metadata = inspection.model_tables(folder, "bookshelf.models", "bookshelf.models:Base")
    except inspection.ProjectProblem:
        return None
    engine = inspection.engine(folder, f"sqlite:///{database}")
    try:
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), metadata)
    finally:
        engine.dispose()
    words = []
    for difference in differences:
        first = difference[0] if isinstance(difference, list) else difference
        operation = first[0]
        if operation == "add_column":
            words.append(f"no {first[2]}.{first[3].name}")
        elif operation == "add_index":
            words.append(f"no index {first[1].name}")
        else:
            words.append(operation.replace("_", " "))
    shown = ", ".join(words[:4]) + (f", and {len(words) - 4} more" if len(words) > 4 else "")
    return shown
