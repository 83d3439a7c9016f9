"""The "Your turn" checker of notebook 22 (the branch's old database): it passes on the solution, and fails with
the message a learner needs on each typical mistake.

The lesson (the notebook's code cells before ``## Your turn``) runs once, in an IPython shell as in a kernel;
each test then gets a fresh ``bookshelf/branch.sqlite`` (the lesson's own cell makes it again) and applies a
solution, or a mistake, as a learner would.
"""

from __future__ import annotations

import os
import sys

import nbformat
import pytest

import tutorial
from support import lessons
from support.lessons import alembic, messages
from support.paths import NOTEBOOKS
from tutorial import exercises, progress

NOTEBOOK = "22-adopt-an-existing-database"


def cells():
    return nbformat.read(NOTEBOOKS / f"{NOTEBOOK}.ipynb", as_version=4).cells


@pytest.fixture(scope="module")
def lesson(shell, tmp_path_factory):
    """The notebook's lesson, run once in a workspace of this module's own; its project."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ALEMBIC_TUTORIAL_WORKSPACE", str(tmp_path_factory.mktemp("workspace21")))
        patch.delenv("BOOKSHELF_DATABASE_URL", raising=False)
        patch.syspath_prepend("")
        yield lessons.run_lesson(shell, NOTEBOOK)
        for name in [name for name in sys.modules if name == "bookshelf" or name.startswith("bookshelf.")]:
            del sys.modules[name]


@pytest.fixture
def branch(lesson, shell, monkeypatch):
    """A fresh branch database, as the cell under *A second old database* makes it; the app's URL unset."""
    monkeypatch.delenv("BOOKSHELF_DATABASE_URL", raising=False)
    monkeypatch.chdir(lesson.folder)
    making = next(cell for cell in cells() if 'sqlite3.connect("bookshelf/branch.sqlite")' in cell.source)
    assert shell.run_cell(making.source).success
    yield lesson
    monkeypatch.delenv("BOOKSHELF_DATABASE_URL", raising=False)


def solve(shell, steps: int | None = None) -> None:
    lessons.solve(shell, "22_", steps=steps)


def on_branch(project) -> None:
    os.environ["BOOKSHELF_DATABASE_URL"] = f"sqlite:///{project.path('bookshelf/branch.sqlite')}"


def test_untouched_is_not_started(branch):
    report = exercises.check_branch_adopted()
    assert progress.not_started(report)  # every finding of its first checked step (the notebook's step 2) fails
    assert report.missing == ["22.branch.not-stamped", "22.step3.waiting"]  # nothing to upgrade before a stamp
    assert report.verdict() == "Not done yet: 1 thing to do (marked ✗), then 1 step to check (marked ○)."


def test_the_solution_passes(branch, shell):
    solve(shell)
    report = exercises.check_branch_adopted()
    assert report.passed, report.text()
    assert "Its tables match the models" in report.text()


def test_the_solution_step_by_step(branch, shell):
    solve(shell, steps=2)  # stamped with release 1's baseline, not upgraded yet
    report = exercises.check_branch_adopted()
    assert report.up_to(2).passed
    assert report.missing == ["22.branch.at-release-1"]


def test_upgrading_directly_fails_and_says_stamp(branch):
    on_branch(branch)
    with pytest.raises(tutorial.CommandFailed, match="table authors already exists"):
        alembic(branch, "upgrade head")
    assert exercises.check_branch_adopted().missing == ["22.branch.no-revision-recorded", "22.step3.waiting"]


def test_stamping_release_2s_head_is_found_out(branch):
    on_branch(branch)
    alembic(branch, "stamp head")
    report = exercises.check_branch_adopted()
    assert report.missing == ["22.branch.stamped-past-its-schema"]
    text = messages(report)  # the words name what differs, and the baseline to stamp instead
    assert "It says it is at the head, but its tables differ from the models (no authors.sort_name, " in text
    baseline = branch.path("release-1/alembic/versions").glob("*_baseline_the_schema_before_alembic.py")
    baseline_id = next(baseline).name.split("_")[0]
    assert "stamped past revisions that never ran on it" in text
    assert f"`alembic -c release-1/alembic.ini stamp --purge {baseline_id}`" in text


def test_release_1_only_is_not_at_the_head(branch, shell):
    solve(shell, steps=2)
    alembic(branch, "-c release-1/alembic.ini upgrade head")
    assert exercises.check_branch_adopted().missing == ["22.branch.not-at-head"]


def test_a_database_rebuilt_from_empty_has_lost_its_rows(branch):
    branch.path("bookshelf/branch.sqlite").unlink()
    on_branch(branch)
    alembic(branch, "upgrade head")
    report = exercises.check_branch_adopted()
    assert "22.branch.tables-lost" not in report.ids
    assert "22.branch.rows-lost" in report.missing


def test_a_missing_database_says_which_cell_makes_it(branch):
    branch.path("bookshelf/branch.sqlite").unlink()
    report = exercises.check_branch_adopted()
    assert report.missing == ["22.branch.missing", "22.step3.waiting"]
    assert "run the cell under *A second old database* to make it" in messages(report)  # it says which cell
