"""The "Your turn" checker of notebook 22 (the branch's old database): it passes on the solution, and fails with
the message a learner needs on each typical mistake.

The lesson (the notebook's code cells before ``## Your turn``) runs once, in an IPython shell as in a kernel;
each test then gets a fresh ``bookshelf/branch.sqlite`` (the lesson's own cell makes it again) and applies a
solution, or a mistake, as a learner would.
"""

from __future__ import annotations

import os
import re
import sys

import nbformat
import pytest

import tutorial
from support.paths import NOTEBOOKS
from tutorial import exercises

NOTEBOOK = "22-adopt-an-existing-database"
SOLUTIONS = NOTEBOOKS / "solutions"
LOAD = re.compile(r"%load \.\./\.\./notebooks/solutions/([\w.]+)")
SOLUTION_NAME = re.compile(r"`(\d\d_\w+\.(?:py|ipy))`")


def cells():
    return nbformat.read(NOTEBOOKS / f"{NOTEBOOK}.ipynb", as_version=4).cells


@pytest.fixture(scope="module")
def lesson(shell, tmp_path_factory):
    """The notebook's lesson, run once in a workspace of this module's own; its project."""
    saved_cwd = os.getcwd()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ALEMBIC_TUTORIAL_WORKSPACE", str(tmp_path_factory.mktemp("workspace21")))
        patch.delenv("BOOKSHELF_DATABASE_URL", raising=False)
        patch.syspath_prepend("")
        shell.reset(new_session=False)
        for cell in cells():
            if cell.cell_type == "markdown" and cell.source.startswith("## Your turn"):
                break
            if cell.cell_type != "code":
                continue
            result = shell.run_cell(cell.source)
            if "raises-exception" not in cell.metadata.get("tags", []):
                assert result.success, f"a cell failed: {cell.source[:200]!r}: {result.error_in_exec!r}"
        yield shell.user_ns["project"]
        os.chdir(saved_cwd)
        for name in [name for name in sys.modules if name == "bookshelf" or name.startswith("bookshelf.")]:
            del sys.modules[name]


@pytest.fixture
def branch(lesson, shell, monkeypatch):
    """A fresh branch database, as the cell under *A second old database* makes it; the app's URL unset."""
    monkeypatch.delenv("BOOKSHELF_DATABASE_URL", raising=False)
    os.chdir(lesson.folder)
    making = next(cell for cell in cells() if 'sqlite3.connect("bookshelf/branch.sqlite")' in cell.source)
    assert shell.run_cell(making.source).success
    yield lesson
    monkeypatch.delenv("BOOKSHELF_DATABASE_URL", raising=False)


def solve(shell, steps: int | None = None) -> None:
    files = sorted(SOLUTIONS.glob("22_*"))[:steps]
    assert files, "no solution file 21_*"
    for path in files:
        result = shell.run_cell(path.read_text(encoding="utf-8"))
        assert result.success, f"{path.name} failed: {result.error_in_exec or result.error_before_exec!r}"


def on_branch(project) -> None:
    os.environ["BOOKSHELF_DATABASE_URL"] = f"sqlite:///{project.path('bookshelf/branch.sqlite')}"


def alembic(project, command: str) -> None:
    tutorial.run(f"alembic {command}", project.folder, echo=False)


def messages(report) -> str:
    return "\n".join(finding.text for finding in report.to_do)


def test_untouched_is_not_started(branch):
    report = exercises.check_branch_adopted()
    first = [finding for finding in report.findings if finding.step == 1]
    assert first and not any(finding.ok for finding in first)
    assert messages(report) == (
        "bookshelf/branch.sqlite has no alembic_version table yet: Alembic has not touched it. Point "
        "`BOOKSHELF_DATABASE_URL` at it, then record (`alembic stamp`) the baseline its tables match."
    )


def test_the_solution_passes(branch, shell):
    solve(shell)
    report = exercises.check_branch_adopted()
    assert report.passed, report.text()
    assert "Its tables match the models" in report.text()


def test_the_solution_step_by_step(branch, shell):
    solve(shell, steps=2)  # stamped with release 1's baseline, not upgraded yet
    report = exercises.check_branch_adopted()
    assert report.up_to(1).passed
    assert "a revision of release 1 that release 2 squashed: upgrade it with release 1 first" in messages(report)


def test_upgrading_directly_fails_and_says_stamp(branch):
    on_branch(branch)
    with pytest.raises(tutorial.CommandFailed, match="table authors already exists"):
        alembic(branch, "upgrade head")
    text = messages(exercises.check_branch_adopted())
    assert "alembic_version table with no revision in it" in text and "`alembic stamp`" in text


def test_stamping_release_2s_head_is_found_out(branch):
    on_branch(branch)
    alembic(branch, "stamp head")
    text = messages(exercises.check_branch_adopted())
    assert "It says it is at the head, but its tables differ from the models (no authors.sort_name, " in text
    baseline = branch.path("release-1/alembic/versions").glob("*_baseline_the_schema_before_alembic.py")
    baseline_id = next(baseline).name.split("_")[0]
    assert "stamped past revisions that never ran on it" in text
    assert f"`alembic -c release-1/alembic.ini stamp --purge {baseline_id}`" in text


def test_release_1_only_is_not_at_the_head(branch, shell):
    solve(shell, steps=2)
    alembic(branch, "-c release-1/alembic.ini upgrade head")
    text = messages(exercises.check_branch_adopted())
    assert "not at the head" in text and "run `alembic upgrade head` on it" in text


def test_a_database_rebuilt_from_empty_has_lost_its_rows(branch):
    branch.path("bookshelf/branch.sqlite").unlink()
    on_branch(branch)
    alembic(branch, "upgrade head")
    report = exercises.check_branch_adopted()
    assert "has lost its authors or books table" not in messages(report)
    assert "Its rows are not the branch's any more" in messages(report)


def test_a_missing_database_says_which_cell_makes_it(branch):
    branch.path("bookshelf/branch.sqlite").unlink()
    assert "run the cell under *A second old database* to make it" in messages(exercises.check_branch_adopted())


def test_every_solution_file_is_offered_and_registered():
    text = "\n".join(cell.source for cell in cells())
    offered = set(LOAD.findall(text)) | set(SOLUTION_NAME.findall(text))
    assert offered == {path.name for path in SOLUTIONS.glob("22_*")}
    registered = exercises.EXERCISES[NOTEBOOK]
    assert registered.check is exercises.check_branch_adopted and registered.solutions == "22_"


def test_the_stored_notebook_leaves_the_exercise_unsolved():
    checking = [cell for cell in cells() if "check_branch_adopted" in cell.source]
    assert checking
    for cell in checking:
        text = "".join(output.get("data", {}).get("text/plain", "") for output in cell.outputs)
        assert text.startswith("Check my work:") and "Not done yet" in text, text
