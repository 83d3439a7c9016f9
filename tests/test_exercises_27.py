"""Notebook 27's exercise, a bill can be disputed: its checker passes the solution, and names each typical mistake.

The project is brought where the exercise starts by the notebook's own lesson cells, run in an IPython
shell on the PostgreSQL server (without one these tests skip, saying why; TUTORIAL_REQUIRE_POSTGRES=1
makes them fail instead).
"""

from __future__ import annotations

import contextlib

import pytest
from sqlalchemy import text

import tutorial
from support import lessons, project_health
from tutorial import exercises

pytestmark = pytest.mark.postgres

NOTEBOOK = "27-enums-and-type-changes"
REVISION = "alembic/versions/0007_bills_can_be_disputed.py"


@pytest.fixture(scope="module")
def lesson(tmp_path_factory, shell):
    """Notebook 27's project where its exercise starts (at 0006, on PostgreSQL), and a copy of its files."""
    with lessons.lesson_on_postgres(tmp_path_factory, shell, NOTEBOOK) as (project, files):
        yield project, files


@pytest.fixture
def bills(lesson, monkeypatch):
    """The project as the exercise starts; afterwards its database is taken back to 0006 and its files restored."""
    project, files = lesson
    monkeypatch.chdir(project.folder)
    yield project
    with contextlib.suppress(tutorial.CommandFailed):  # a test that applied 0007 leaves the database there
        tutorial.run("alembic downgrade 0006", project.folder, echo=False)
    lessons.restore_files(project, files)


def solve(shell, project, steps: slice = slice(None)) -> None:
    """Run the solution files of notebook 27 (the ``steps`` of them) as cells, in order."""
    files = lessons.solution_files("27_")
    assert len(files) == 4, files
    lessons.solve_project(shell, project, *[path.name for path in files[steps]])


def edit(project, path: str, old: str, new: str) -> None:
    file = project.path(path)
    text = file.read_text(encoding="utf-8")
    assert old in text, text
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def failure(command: str, folder) -> str:
    with pytest.raises(tutorial.CommandFailed) as failed:
        tutorial.run(command, folder, echo=False)
    return failed.value.message


def test_not_started_names_the_model_and_the_revision(bills):
    report = exercises.check_disputed_bills()
    assert report.missing == ["27.model.no-disputed", "27.revision.missing"]
    assert "27.database.at-head" in report.ids


def test_a_value_added_and_used_in_one_transaction_fails_and_is_named(bills, shell):
    solve(shell, bills, slice(2))
    edit(bills, REVISION, "    # ### end Alembic commands ###\n\n\ndef downgrade",
         "    op.execute(\"UPDATE bills SET status = 'disputed' WHERE description = 'Rent'\")\n"
         "    # ### end Alembic commands ###\n\n\ndef downgrade")
    assert 'unsafe use of new value "disputed" of enum type billstatus' in failure("alembic upgrade head", bills.folder)
    missing = exercises.check_disputed_bills().missing
    assert "27.revision.used-before-commit" in missing and "27.database.not-at-head" in missing


def test_a_value_added_by_hand_counts_only_when_committed_before_it_is_used(bills, shell):
    solve(shell, bills, slice(1))
    tutorial.run("alembic revision --rev-id 0007 -m \"bills can be disputed\"", bills.folder, echo=False)
    add = "op.execute(\"ALTER TYPE billstatus ADD VALUE IF NOT EXISTS 'disputed'\")"
    use = "op.execute(\"UPDATE bills SET status = 'disputed' WHERE description = 'Rent'\")"
    edit(bills, REVISION, '    """Upgrade schema."""\n    pass\n', f'    """Upgrade schema."""\n    {add}\n    {use}\n')
    assert "27.revision.used-before-commit" in exercises.check_disputed_bills().missing
    edit(bills, REVISION, f"    {add}\n", f"    with op.get_context().autocommit_block():\n        {add}\n")
    report = exercises.check_disputed_bills()
    assert "27.revision.adds-disputed" in report.ids and "27.revision.downgrade-keeps-value" in report.missing


def test_a_revision_that_only_uses_the_value_is_named(bills, shell):
    tutorial.run("alembic revision --rev-id 0007 -m \"bills can be disputed\"", bills.folder, echo=False)
    edit(bills, REVISION, '    """Upgrade schema."""\n    pass\n',
         '    """Upgrade schema."""\n    op.execute("UPDATE bills SET status = \'disputed\' WHERE description = \'Rent\'")\n')
    message = failure("alembic upgrade head", bills.folder)
    assert 'invalid input value for enum billstatus: "disputed"' in message
    assert "27.revision.no-value-added" in exercises.check_disputed_bills().missing


def test_a_downgrade_that_keeps_the_value_or_the_rows_is_named(bills, shell):
    solve(shell, bills, slice(3))
    edit(bills, REVISION, "    op.execute(\"UPDATE bills SET status = 'unpaid' WHERE status = 'disputed'\")  # first, the rows\n", "")
    assert "27.revision.downgrade-keeps-rows" in exercises.check_disputed_bills().missing
    tutorial.run("alembic upgrade head", bills.folder, echo=False)
    assert "New enum values can not be set" in failure("alembic downgrade -1", bills.folder)  # for real
    engine = bills.engine()
    with engine.begin() as connection:  # the rows by hand, so that the downgrade can take the value away
        connection.execute(text("UPDATE bills SET status = 'unpaid' WHERE status = 'disputed'"))
    engine.dispose()
    tutorial.run("alembic downgrade -1", bills.folder, echo=False)
    source = bills.path(REVISION).read_text(encoding="utf-8")
    downgrade = source.split("def downgrade() -> None:\n", 1)[1]
    bills.path(REVISION).write_text(source.replace(downgrade, '    """Downgrade schema."""\n    pass\n'), encoding="utf-8")
    assert "27.revision.downgrade-keeps-value" in exercises.check_disputed_bills().missing


def test_the_solution_passes_and_leaves_a_healthy_project(bills, shell):
    solve(shell, bills, slice(3))
    assert exercises.check_disputed_bills().missing == ["27.database.not-at-head"]
    solve(shell, bills, slice(3, 4))
    report = exercises.check_disputed_bills()
    assert report.passed, report.text()
    assert "27.database.rent-disputed" in report.ids and "27.revision.adds-disputed" in report.ids
    for command in ("alembic check", "alembic downgrade base", "alembic upgrade head", "alembic check"):
        tutorial.run(command, bills.folder, echo=False)
    assert tutorial.run("alembic heads", bills.folder, echo=False).output.strip() == "0007 (head)"
    assert exercises.check_disputed_bills().missing == ["27.database.no-rent-bill"]  # base dropped the sample data
    assert project_health.problems(bills.folder) == []
