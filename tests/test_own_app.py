"""An app the learner writes (from notebook 21 on): ``tutorial.start(..., app="bookshelf")`` gives an empty
folder and names the app's database; the terminal cells run ``ruff`` (the environment's own) as a real process."""

from __future__ import annotations

import os

import pytest

import tutorial
from tutorial import database, terminal


def test_start_gives_an_empty_folder_and_names_the_bookshelf_database(workspace, capsys, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("BOOKSHELF_DATABASE_URL", "sqlite:///another-notebooks.sqlite")
    monkeypatch.setenv("SHOP_DATABASE_URL", "sqlite:///another-apps.sqlite")
    project = tutorial.start("t-bookshelf", app="bookshelf")
    assert "SHOP_DATABASE_URL" not in os.environ  # no app's URL from before reaches this notebook
    assert os.getcwd() == str(project.folder)
    assert list(project.folder.iterdir()) == []
    assert project.database_url == "sqlite:///bookshelf/bookshelf.sqlite"
    assert "BOOKSHELF_DATABASE_URL" not in os.environ  # on SQLite the app falls back to its own file
    out = capsys.readouterr().out
    assert "It holds: an empty folder: you write the bookshelf app below" in out
    assert "Database: sqlite:///bookshelf/bookshelf.sqlite" in out


def test_an_app_of_ones_own_starts_empty_and_has_a_package_name(workspace):
    with pytest.raises(ValueError, match='starts at stage="empty"'):
        tutorial.start("t-bookshelf-stage", stage="tables", app="bookshelf")
    with pytest.raises(ValueError, match="lower-case package name"):
        tutorial.start("t-bookshelf-name", app="book-shelf")


def test_on_a_server_start_hands_the_url_to_the_apps_setting(workspace, monkeypatch):
    """What start() sets when DATABASE_URL names a server (the server itself is not asked here)."""
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    monkeypatch.setattr(database, "recreate", lambda name: None)
    monkeypatch.delenv("BOOKSHELF_DATABASE_URL", raising=False)  # so that the test's end removes what start() sets
    project = tutorial.start("t-bookshelf-server", app="bookshelf")
    assert os.environ["BOOKSHELF_DATABASE_URL"] == project.database_url
    assert project.database_url.startswith("postgresql+psycopg://postgres@127.0.0.1:5432/alembic_tutorial_")
    monkeypatch.delenv("NOTES_DATABASE_URL", raising=False)
    tutorial.start("t-notes-server", app="notes")  # the next notebook's app: the last one's URL is gone
    assert "BOOKSHELF_DATABASE_URL" not in os.environ and "NOTES_DATABASE_URL" in os.environ


def test_a_terminal_cell_runs_the_environments_ruff(workspace):
    folder = workspace / "t-ruff"
    folder.mkdir(parents=True)
    (folder / "messy.py").write_text("x = {'a':1}\n")
    with pytest.raises(terminal.CommandFailed, match="exit status 1"):
        terminal.run("ruff format --check messy.py", folder, echo=False)
    result = terminal.run("ruff format messy.py", folder, echo=False)
    assert result.output == "1 file reformatted\n"
    assert (folder / "messy.py").read_text() == 'x = {"a": 1}\n'
