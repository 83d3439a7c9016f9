"""Notebook 31's exercise, CI green again: its checker passes the solution, and names each typical mistake.

The project is brought where the exercise starts by the notebook's own lesson cells, run in an IPython
shell on the PostgreSQL server (without one these tests skip, saying why; TUTORIAL_REQUIRE_POSTGRES=1
makes them fail instead).
"""

from __future__ import annotations

import contextlib

import pytest

import tutorial
from support import lessons, project_health
from tutorial import exercises

pytestmark = pytest.mark.postgres

NOTEBOOK = "31-check-migrations-in-ci"


@pytest.fixture(scope="module")
def lesson(tmp_path_factory, shell):
    """Notebook 31's project where its exercise starts (the teammate's branch merged in git), and a copy of its files."""
    with lessons.lesson_on_postgres(tmp_path_factory, shell, NOTEBOOK, unset=("BILLTRACKER_TEST_DATABASE_URL",)) as (project, files):
        yield project, files


@pytest.fixture
def billtracker(lesson, monkeypatch):
    """The project as the exercise starts; afterwards its database is taken back to 0006 and its files restored."""
    project, files = lesson
    monkeypatch.chdir(project.folder)
    yield project
    with contextlib.suppress(tutorial.CommandFailed):  # a test that upgraded leaves the database further on
        tutorial.run("alembic downgrade 0006", project.folder, echo=False)
    lessons.restore_files(project, files)


def solve(shell, project, steps: slice = slice(None)) -> None:
    """Run the solution files of notebook 31 (the ``steps`` of them) as cells, in order."""
    files = lessons.solution_files("31_")
    assert len(files) == 4, files
    lessons.solve_project(shell, project, *[path.name for path in files[steps]])


def test_not_started_names_the_two_heads_the_downgrade_and_the_missing_revision(billtracker):
    report = exercises.check_ci_green()
    assert report.missing == ["31.heads.several", "31.revision.downgrade-keeps-due_date", "31.revision.last_login.missing"]
    assert "2 heads (0006, 0007)" in lessons.messages(report)


def test_deleting_the_teammates_revision_is_not_a_merge(billtracker):
    billtracker.path("alembic/versions/0007_add_a_due_date_to_bills.py").unlink()
    report = exercises.check_ci_green()
    assert report.missing[0] == "31.heads.revision-deleted"
    assert "merge the heads rather than delete one" in lessons.messages(report)


def test_a_merge_not_applied_leaves_the_database_behind(billtracker, shell):
    tutorial.run('alembic merge heads --rev-id 0008 -m "merge due dates"', billtracker.folder, echo=False)
    report = exercises.check_ci_green()
    assert "31.heads.one" in report.ids
    assert report.missing == ["31.revision.downgrade-keeps-due_date", "31.revision.last_login.missing",
                              "31.database.not-at-head"]


def test_merged_and_fixed_but_without_the_missing_revision_alembic_check_fails(billtracker, shell):
    solve(shell, billtracker, slice(2))
    report = exercises.check_ci_green()
    assert report.missing == ["31.revision.last_login.missing", "31.check.differences"]
    assert "last_login" in lessons.messages(report)


def test_another_downgrade_that_undoes_nothing_is_named(billtracker, shell):
    solve(shell, billtracker)
    revision = "alembic/versions/0009_add_a_last_login_to_users.py"
    lessons.replace(billtracker, revision, "op.drop_column('users', 'last_login')", "pass")
    try:
        assert exercises.check_ci_green().missing == ["31.revision.downgrade-incomplete"]
    finally:  # the fixture's downgrade must drop the column again, for the next test
        lessons.replace(billtracker, revision, "    pass\n    # ### end", "    op.drop_column('users', 'last_login')\n    # ### end")


def test_the_solution_passes_and_leaves_a_healthy_project(billtracker, shell):
    solve(shell, billtracker, slice(3))
    report = exercises.check_ci_green()
    assert report.passed, report.text()
    assert {"31.heads.one", "31.revision.downgrade-undoes", "31.database.at-head", "31.check.passes"} <= set(report.ids)
    solve(shell, billtracker, slice(3, 4))  # the CI tests, in a %%terminal cell: they pass
    for command in ("alembic check", "alembic downgrade base", "alembic upgrade head", "alembic check"):
        tutorial.run(command, billtracker.folder, echo=False)
    assert tutorial.run("alembic heads", billtracker.folder, echo=False).output.strip() == "0009 (head)"
    assert exercises.check_ci_green().passed
    assert project_health.problems(billtracker.folder) == []
