"""The first cell of each notebook: its own project folder, brought to the right stage, never losing work."""

from __future__ import annotations

import os
import sys

import pytest
from sqlalchemy import inspect

import tutorial
from tutorial import story


def test_start_builds_the_stage_and_enters_the_folder(workspace, capsys):
    project = tutorial.start("t-start", stage="last_login-applied")
    assert os.getcwd() == str(project.folder)
    assert project.folder == workspace / "t-start"
    columns = [column["name"] for column in inspect(project.engine()).get_columns("users")]
    assert "last_login" in columns
    assert tutorial.browse("/").status_code == 200
    out = capsys.readouterr().out
    assert "Project folder: workspace/t-start (now the working directory)" in out
    assert "moved" not in out


def test_the_projects_engine_is_the_one_inspection_opens_from_another_folder_too(workspace, tmp_path):
    from tutorial import inspection

    project = tutorial.start("t-engine", stage="models")
    os.chdir(tmp_path)  # a relative SQLite file is the project's, wherever the kernel stands
    with pytest.raises(inspection.NoDatabaseYet):  # looking creates no empty database file
        project.engine()
    assert not (project.folder / "billtracker.sqlite").exists()
    tutorial.start("t-engine", stage="last_login-applied")
    os.chdir(tmp_path)
    assert str(project.engine().url) == str(inspection.engine(project.folder).url)
    assert str(project.engine().url) == f"sqlite:///{project.folder / 'billtracker.sqlite'}"


def test_start_twice_backs_up_the_learners_work_and_says_where(workspace, capsys):
    first = tutorial.start("t-again", stage="models")
    (first.folder / "my_notes.txt").write_text("mine")
    capsys.readouterr()
    second = tutorial.start("t-again", stage="models")
    out = capsys.readouterr().out
    backups = list((workspace / ".backups" / "t-again").iterdir())
    assert len(backups) == 1
    assert (backups[0] / "my_notes.txt").read_text() == "mine"
    assert f"were moved to workspace/.backups/t-again/{backups[0].name}" in out
    assert not (second.folder / "my_notes.txt").exists()
    assert (second.folder / "billtracker" / "app.py").exists()


def test_start_is_idempotent(workspace):
    for _ in range(2):
        project = tutorial.start("t-idempotent", stage="last_login-revision")
        assert len(project.revision_files()) == 2
        assert tutorial.browse("/").status_code == 500


def test_an_unknown_stage_is_refused_with_the_choices(workspace):
    with pytest.raises(ValueError, match="choose one of: empty, models"):
        tutorial.start("t-unknown", stage="tabels")


def test_edit_file_twice_says_it_is_already_done(workspace, capsys):
    project = tutorial.start("t-edit-twice", stage="tables")
    path = project.path("billtracker/data/users.py")
    tutorial.edit_file(path, story.LAST_LOGIN_BEFORE, story.LAST_LOGIN_AFTER)
    capsys.readouterr()
    tutorial.edit_file(path, story.LAST_LOGIN_BEFORE, story.LAST_LOGIN_AFTER)
    assert "already has this edit" in capsys.readouterr().out
    assert path.read_text().count("last_login") == 1


def test_edit_file_on_a_changed_file_explains(workspace):
    project = tutorial.start("t-edit-changed", stage="models")
    with pytest.raises(ValueError, match="Was the file changed by hand"):
        tutorial.edit_file(project.path("billtracker/app.py"), "not there", "new")


def test_newest_revision_file_before_any_revision_explains(workspace):
    project = tutorial.start("t-no-revision", stage="alembic")
    with pytest.raises(FileNotFoundError, match="run the `alembic revision --autogenerate` cell first"):
        project.newest_revision_file()


def test_a_package_of_another_project_is_forgotten_too(workspace):
    """Modules a lesson imported from one project must not shadow another project's (tables defined twice)."""
    from tutorial import fresh

    first = tutorial.start("t-first", stage="models").folder
    fresh.import_fresh("billtracker.data.__all_models", first)  # left in sys.modules, as a lesson's import is
    second = tutorial.start("t-second", stage="tables")  # would fail: "Table 'bills' is already defined"
    assert (second.folder / "alembic" / "versions").is_dir()
    assert all(not name.startswith("billtracker") or str(second.folder) in (getattr(module, "__file__", "") or "")
               for name, module in sys.modules.items())
