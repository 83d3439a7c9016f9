"""The "Your turn" checker of notebook 25 (Note.body optional, in batch mode): it passes on the solution, and
fails with the message a learner needs on each typical mistake.

The notebook's code cells before ``## Your turn`` run once, in an IPython shell as in a kernel; each test then
works on a copy of the project folder they left, applying solution files as cells (``%load`` puts each in one).
"""

from __future__ import annotations

import os
import shutil

import pytest

import tutorial
from support import lessons
from tutorial import exercises, fresh, magics

NOTEBOOK = "25-flask-migrate-and-sqlmodel"


@pytest.fixture(scope="module")
def lesson_left(tmp_path_factory):
    """The project folder as the lesson leaves it (run once for the module), in a workspace of its own."""
    from IPython.core.interactiveshell import InteractiveShell

    workspace = tmp_path_factory.mktemp("lesson") / "workspace"
    shell = InteractiveShell.instance()
    magics.register()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ALEMBIC_TUTORIAL_WORKSPACE", str(workspace))
        patch.delenv("FLASK_APP", raising=False)
        try:
            folder = lessons.run_lesson(shell, NOTEBOOK).folder
        finally:
            for setting in ("FLASK_APP", "SHELF_DATABASE_URL", "NOTES_DATABASE_URL"):
                os.environ.pop(setting, None)
    yield folder
    fresh.forget_project_modules(folder)


@pytest.fixture
def project(lesson_left, tmp_path, monkeypatch):
    """A copy of the lesson's project folder, the working directory, as the learner's kernel stands in it."""
    monkeypatch.setenv("ALEMBIC_TUTORIAL_WORKSPACE", str(tmp_path / "workspace"))
    folder = tmp_path / "workspace" / NOTEBOOK
    shutil.copytree(lesson_left, folder, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.chdir(folder)
    yield folder
    fresh.forget_project_modules(folder)


def solve(*steps: int) -> None:
    """Run the solution files of these steps (1 to 4) as cells, in order."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.user_ns["tutorial"] = tutorial
    files = lessons.solution_files("25_")
    assert len(files) == 4, files
    lessons.solve(shell, *[files[step - 1].name for step in steps])


def alembic(command: str) -> None:
    tutorial.run(f"alembic {command}", ".", echo=False)


def messages(report) -> list[str]:
    return [finding.text for finding in report.to_do]


def test_the_lesson_leaves_the_exercise_not_started(project):
    report = exercises.check_optional_note_body(project)
    assert [finding.ok for finding in report.findings if finding.step == 1] == [False]  # the progress table's rule
    assert report.missing == ["25.model.body-required", "25.env.no-batch-mode", "25.revision.missing", "25.step4.waiting"]
    assert report.verdict() == "Not done yet: 3 things to do (marked ✗), then 1 step to check (marked ○)."


def test_the_solution_passes_step_by_step(project):
    solve(1)
    assert exercises.check_optional_note_body(project).up_to(1).passed
    solve(2)
    assert exercises.check_optional_note_body(project).up_to(2).passed
    solve(3, 4)
    report = exercises.check_optional_note_body(project)
    assert report.passed, report.text()
    assert "The notes table kept its 2 notes." in report.text()
    assert "25.revision.alters-body-in-batch" in report.ids


def test_a_revision_without_batch_mode_is_refused_by_sqlite_and_by_the_check(project):
    solve(1, 3)  # the model changed, batch mode forgotten
    with pytest.raises(tutorial.CommandFailed, match="near \"ALTER\": syntax error"):
        alembic("upgrade head")
    report = exercises.check_optional_note_body(project)
    assert report.missing == ["25.env.no-batch-mode", "25.revision.not-in-batch", "25.step4.waiting"]
    assert f"Revision {newest_revision(project)} changes notes.body with a plain `op.alter_column`" in messages(report)[1]


def test_a_commented_out_render_as_batch_does_not_count(project):
    solve(1, 2)
    env = project / "alembic" / "env.py"
    env.write_text(env.read_text().replace("            render_as_batch=True,\n", "            # render_as_batch=True,\n"))
    assert exercises.check_optional_note_body(project).missing[0] == "25.env.no-batch-mode"


def test_a_model_not_saved_gives_an_empty_revision(project):
    solve(2, 3)
    report = exercises.check_optional_note_body(project)
    assert report.missing == ["25.model.body-required", "25.revision.empty", "25.step4.waiting"]
    assert f"The newest revision, {newest_revision(project)}, is empty" in messages(report)[1]  # it names the file


def test_a_revision_not_applied_yet(project):
    solve(1, 2, 3)
    head = newest_revision(project)
    report = exercises.check_optional_note_body(project)
    assert messages(report) == [
        f"The database is at {previous_revision(project, head)}, not at the head ({head}): run `alembic upgrade head`."
    ]


def test_a_models_file_that_does_not_import(project):
    (project / "notes" / "models.py").write_text("from sqlmodel import Field, SQLModel\n\nclass Note(SQLModel, table=True:\n")
    report = exercises.check_optional_note_body(project)
    assert report.missing == ["25.app.does-not-import", "25.step2.waiting", "25.step3.waiting", "25.step4.waiting"]
    assert "notes/models.py" in report.to_do[0].text


def newest_revision(project) -> str:
    files = sorted((project / "alembic" / "versions").glob("*.py"), key=lambda path: path.stat().st_mtime_ns)
    return files[-1].name.split("_")[0]


def previous_revision(project, head: str) -> str:
    others = [path.name.split("_")[0] for path in (project / "alembic" / "versions").glob("*.py")]
    return next(revision for revision in others if revision != head)


def test_the_lesson_leaves_a_healthy_notes_project(project):
    from support import project_health

    assert project_health.problems(project) == []  # one head, models match, up from empty and down to base
