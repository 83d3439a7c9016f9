"""Notebook 21's "Your turn" checker: it passes on the solution, and fails with the message a learner needs
on each typical mistake.

The lesson runs as a learner runs it (the notebook's code cells before ``## Your turn``, in an IPython shell
as in a kernel), then the solution files of ``notebooks/solutions``, or a mistake, in the project folder.
"""

from __future__ import annotations

import os

import pytest

import tutorial
from support.lessons import messages, replace, solve
from tutorial import exercises
from tutorial.progress import not_started

NOTEBOOK = "21-configure-the-database-url"
NOTES = "alembic -c notes/pyproject.toml -c notes/alembic.ini"
SETTINGS = '''\
import os
from pathlib import Path

DATABASE_URL = os.environ.get("NOTES_DATABASE_URL") or f"sqlite:///{Path(__file__).resolve().parent / 'notes.sqlite'}"
'''


@pytest.fixture
def project(workspace, clean_modules, monkeypatch, your_turn):
    monkeypatch.delenv("NOTES_DATABASE_URL", raising=False)
    return your_turn(NOTEBOOK)


def check(project):
    return exercises.check_notes_settings(project.folder)


def test_the_solution_passes(project, shell):
    solve(shell, "21_")
    report = check(project)
    assert report.passed, report.text()
    assert report.verdict().startswith("All done!")


def test_the_lesson_alone_is_not_started(project):
    report = check(project)
    assert not_started(report)
    assert "There is no notes/settings.py yet" in messages(report)
    assert "notes/alembic.ini still has a sqlalchemy.url" in messages(report)
    assert "wrote SQL for another database" in messages(report)  # env.py still reads alembic.ini's URL


def test_a_relative_default_path_is_named(project):
    project.path("notes/settings.py").write_text(SETTINGS.replace(
        "f\"sqlite:///{Path(__file__).resolve().parent / 'notes.sqlite'}\"", '"sqlite:///notes.sqlite"'
    ))
    report = check(project)
    assert "a relative path, which depends on the folder" in messages(report)
    assert "With NOTES_DATABASE_URL set, DATABASE_URL is its value." in report.text()


def test_a_setting_that_ignores_the_variable_is_named(project):
    project.path("notes/settings.py").write_text(SETTINGS.replace('os.environ.get("NOTES_DATABASE_URL") or ', ""))
    report = check(project)
    assert "With NOTES_DATABASE_URL set, DATABASE_URL is still" in messages(report)
    assert "✓ Without NOTES_DATABASE_URL, DATABASE_URL is notes.sqlite beside settings.py" in report.text()


def test_the_url_through_set_main_option_fails_on_the_percent(project, shell):
    solve(shell, "21_", steps=1)
    replace(project, "notes/alembic/env.py", "from alembic import context\n", "from alembic import context\nfrom settings import DATABASE_URL\n")
    replace(project, "notes/alembic/env.py", "config = context.config\n",
            'config = context.config\nconfig.set_main_option("sqlalchemy.url", DATABASE_URL)\n')
    replace(project, "notes/alembic.ini", "sqlalchemy.url = sqlite:///%(here)s/notes.sqlite\n", "")
    replace(project, "notes/pyproject.toml", '    "."\n', '    "%(here)s"\n')
    report = check(project)
    assert messages(report).startswith("With a `%` in the URL's password, env.py fails in configparser")


def test_a_relative_prepend_sys_path_is_named(project, shell):
    solve(shell, "21_")
    replace(project, "notes/pyproject.toml", '    "%(here)s"\n', '    "."\n')
    report = check(project)
    assert "cannot import settings from this folder" in messages(report)


def test_a_url_left_in_alembic_ini_is_named(project, shell):
    solve(shell, "21_")
    replace(project, "notes/alembic.ini", "[alembic]\n", "[alembic]\nsqlalchemy.url = sqlite:///%(here)s/notes.sqlite\n")
    assert messages(check(project)) == (
        "notes/alembic.ini still has a sqlalchemy.url: delete it, so that the setting is the only copy."
    )


def test_a_stray_database_is_named(project, shell):
    solve(shell, "21_")
    project.path("deploy/notes.sqlite").write_bytes(b"")
    assert "A stray database deploy/notes.sqlite appeared" in messages(check(project))


def test_a_database_below_the_head_is_named(project, shell):
    solve(shell, "21_")
    tutorial.run(f"{NOTES} downgrade base", project.folder, echo=False)
    assert "notes.sqlite is not at the head" in messages(check(project))


def test_the_checker_leaves_the_variable_as_it_found_it(project, shell, monkeypatch):
    solve(shell, "21_")
    monkeypatch.setenv("NOTES_DATABASE_URL", "sqlite:///kept.sqlite")
    check(project)
    assert os.environ["NOTES_DATABASE_URL"] == "sqlite:///kept.sqlite"
