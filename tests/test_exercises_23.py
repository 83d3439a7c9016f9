"""The "Check my work" checker of notebook 23 (Book.rating with a server default): it passes on the solution,
and fails with the message a learner needs on each typical mistake.

Each test starts where the learner starts the exercise: the notebook's code cells before "Your turn" run in
an IPython shell, as in its kernel; then the solution files (or a mistake) run as cells, as ``%load`` puts them.
"""

from __future__ import annotations

import pytest

import tutorial
from support.lessons import messages, solve
from tutorial import exercises

NOTEBOOK = "23-tune-autogenerate"
RATING = '    rating: Mapped[int] = mapped_column(server_default="0")\n'
PAGES = "    pages: Mapped[int | None]\n"


@pytest.fixture
def project(workspace, your_turn):
    """The project as the learner finds it at "Your turn"."""
    return your_turn(NOTEBOOK)


def add_rating(line: str) -> None:
    tutorial.edit_file("bookshelf/models.py", PAGES, PAGES + line)


def test_not_started(project):
    report = exercises.check_rating()
    assert not report.passed
    assert [finding.ok for finding in report.findings if finding.step == 1] == [False]
    assert report.missing == ["23.model.rating.missing", "23.revision.missing", "23.step3.waiting"]  # no revision to apply
    assert report.verdict() == "Not done yet: 2 things to do (marked ✗), then 1 step to check (marked ○)."


def test_the_solution_passes(project, shell):
    solve(shell, "23_")
    report = exercises.check_rating()
    assert report.passed, report.text()
    assert "All 2 books have rating 0." in report.text()
    assert "23.revision.dated-name" in report.ids and "23.command.check-passes" in report.ids


def test_step_by_step(project, shell):
    solve(shell, "23_rating_1")
    assert exercises.check_rating().up_to(1).passed
    solve(shell, "23_rating_2")
    report = exercises.check_rating()
    assert report.up_to(2).passed, report.text()
    assert report.missing == ["23.database.not-at-head"]


def test_a_python_default_is_not_enough(project, shell):
    add_rating("    rating: Mapped[int] = mapped_column(default=0)\n")
    report = exercises.check_rating()
    assert "23.model.rating.wrong" in report.missing
    assert "it has `default=` only, which the database never sees" in messages(report)  # the words say which mistake
    solve(shell, "23_rating_2")
    # What the solution's note warns of: the rows already there get no value for a NOT NULL column.
    with pytest.raises(tutorial.CommandFailed, match="Cannot add a NOT NULL column with default value NULL"):
        tutorial.run("alembic upgrade head", echo=False)
    assert "23.revision.no-server-default" in exercises.check_rating().missing


def test_a_rating_that_may_be_empty(project):
    add_rating('    rating: Mapped[int | None] = mapped_column(server_default="0")\n')
    assert "it may be empty: write `Mapped[int]`" in messages(exercises.check_rating())


def test_no_default_at_all(project):
    add_rating("    rating: Mapped[int]\n")
    assert "it has no `server_default`" in messages(exercises.check_rating())


def test_the_hooks_were_removed(project, shell):
    text = (project.folder / "alembic.ini").read_text()
    start, end = text.index("hooks = ruff_fix"), text.index("# post_write_hooks defines")
    (project.folder / "alembic.ini").write_text(text[:start] + text[end:])
    solve(shell, "23_")
    assert exercises.check_rating().missing == ["23.revision.not-formatted"]


def test_in_the_browser_the_formatting_is_not_checked(project, shell, monkeypatch):
    """ruff cannot run there (the hooks were skipped): the checker cannot tell, so it says nothing of it."""
    from tutorial import inbrowser

    text = (project.folder / "alembic.ini").read_text()
    start, end = text.index("hooks = ruff_fix"), text.index("# post_write_hooks defines")
    (project.folder / "alembic.ini").write_text(text[:start] + text[end:])  # the file as Alembic writes it
    solve(shell, "23_")
    monkeypatch.setattr(inbrowser, "IN_BROWSER", True)
    report = exercises.check_rating()
    assert report.passed, report.text()
    assert "23.revision.dated-name" in report.ids and not [id for id in report.ids if "formatted" in id]


def test_the_file_template_was_removed(project, shell):
    tutorial.edit_file(
        "alembic.ini",
        "file_template = %%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s\n",
        "# (no file_template)\n",
    )
    solve(shell, "23_")
    assert exercises.check_rating().missing == ["23.revision.undated-name"]


def test_a_different_default(project, shell):
    add_rating('    rating: Mapped[int] = mapped_column(server_default="3")\n')
    solve(shell, "23_rating_2", "23_rating_3")
    report = exercises.check_rating()
    assert "23.model.rating.wrong" not in report.ids and "23.database.ratings-not-zero" in report.missing


def test_the_model_changed_after_the_upgrade(project, shell):
    solve(shell, "23_")
    tutorial.edit_file("bookshelf/models.py", 'server_default="0"', 'server_default="1"')
    assert exercises.check_rating().missing == ["23.command.check-fails"]
