"""The hint rules of tutorial/hints/commands.py, about the command itself: each fires for its mistake, and
stays silent where the project says otherwise."""

from __future__ import annotations

import pytest

import tutorial
from support.hints import fires, message_silent, silent


def test_mistyped_command(workspace, capsys):
    project = tutorial.start("h-typo-command", stage="tables")
    assert fires("mistyped-command", "alembic upgrad head", project.folder) == (
        "`upgrad` is not an Alembic command. Did you mean `alembic upgrade head`?"
    )
    silent("mistyped-command", "alembic frobnicate", project.folder)  # nothing close: no guess
    capsys.readouterr()
    with pytest.raises(tutorial.CommandFailed) as failure:
        tutorial.run("alembic upgrad head", project.folder)
    printed = capsys.readouterr().out + "\n".join(failure.value._render_traceback_())
    assert printed.count("usage: alembic") == 1 and printed.count("invalid choice") == 1


def test_missing_argument(workspace):
    project = tutorial.start("h-no-target", stage="tables")
    assert "`alembic upgrade head`" in fires("missing-argument", "alembic upgrade", project.folder)
    silent("missing-argument", "alembic upgrade head extra", project.folder)  # another usage error


def test_not_a_project(tmp_path, workspace):
    hint = fires("not-a-project", "alembic current", tmp_path)
    assert "first code cell" in hint and "alembic init alembic" in hint
    assert "no file alembic-x.ini" in fires("not-a-project", "alembic -c alembic-x.ini current", tmp_path)
    project = tutorial.start("h-no-script-folder", stage="tables")
    (project.folder / "alembic").rename(project.folder / "migrations")
    assert "`%(here)s/alembic` (script_location)" in fires("not-a-project", "alembic current", project.folder)
    (project.folder / "migrations").rename(project.folder / "alembic")
    message_silent("not-a-project", "Path doesn't exist: alembic.", project.folder, "alembic current")


def test_init_twice(workspace):
    project = tutorial.start("h-init-twice", stage="alembic")
    assert "has Alembic already" in fires("init-twice", "alembic init alembic", project.folder)
    (project.folder / "elsewhere").mkdir()
    (project.folder / "elsewhere" / "notes.txt").write_text("mine")
    silent("init-twice", "alembic init elsewhere", project.folder)  # a folder of the learner's, not Alembic's
