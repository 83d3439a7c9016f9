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
    assert "21.settings.missing" in report.missing
    assert "21.config.has-url" in report.missing
    assert "21.env.ignores-setting" in report.missing  # env.py still reads alembic.ini's URL


def test_without_the_notes_project_the_later_steps_wait(project):
    project.path("notes/pyproject.toml").unlink()
    report = check(project)
    assert report.missing == ["21.project.missing", "21.step2.waiting", "21.step3.waiting"]
    assert report.verdict() == "Not done yet: 1 thing to do (marked ✗), then 2 steps to check (marked ○)."


def test_a_relative_default_path_is_named(project):
    project.path("notes/settings.py").write_text(SETTINGS.replace(
        "f\"sqlite:///{Path(__file__).resolve().parent / 'notes.sqlite'}\"", '"sqlite:///notes.sqlite"'
    ))
    report = check(project)
    assert "21.settings.relative-path" in report.missing
    assert "21.settings.reads-variable" in report.ids and "21.settings.reads-variable" not in report.missing


def test_a_setting_that_ignores_the_variable_is_named(project):
    project.path("notes/settings.py").write_text(SETTINGS.replace('os.environ.get("NOTES_DATABASE_URL") or ', ""))
    report = check(project)
    assert "21.settings.ignores-variable" in report.missing
    assert "21.settings.absolute-default" in report.ids and "21.settings.absolute-default" not in report.missing


def test_the_url_through_set_main_option_fails_on_the_percent(project, shell):
    solve(shell, "21_", steps=1)
    replace(project, "notes/alembic/env.py", "from alembic import context\n", "from alembic import context\nfrom settings import DATABASE_URL\n")
    replace(project, "notes/alembic/env.py", "config = context.config\n",
            'config = context.config\nconfig.set_main_option("sqlalchemy.url", DATABASE_URL)\n')
    replace(project, "notes/alembic.ini", "sqlalchemy.url = sqlite:///%(here)s/notes.sqlite\n", "")
    replace(project, "notes/pyproject.toml", '    "."\n', '    "%(here)s"\n')
    report = check(project)
    assert report.missing[0] == "21.env.url-through-configparser"


def test_a_relative_prepend_sys_path_is_named(project, shell):
    solve(shell, "21_")
    replace(project, "notes/pyproject.toml", '    "%(here)s"\n', '    "."\n')
    report = check(project)
    assert "21.env.cannot-import-settings" in report.missing


def test_a_url_left_in_alembic_ini_is_named(project, shell):
    solve(shell, "21_")
    replace(project, "notes/alembic.ini", "[alembic]\n", "[alembic]\nsqlalchemy.url = sqlite:///%(here)s/notes.sqlite\n")
    assert check(project).missing == ["21.config.has-url"]


def test_a_stray_database_is_named(project, shell):
    solve(shell, "21_")
    project.path("deploy/notes.sqlite").write_bytes(b"")
    report = check(project)
    assert report.missing == ["21.database.stray"]
    assert "A stray database deploy/notes.sqlite appeared" in messages(report)  # it names the file


def test_a_database_below_the_head_is_named(project, shell):
    solve(shell, "21_")
    tutorial.run(f"{NOTES} downgrade base", project.folder, echo=False)
    assert check(project).missing == ["21.database.not-at-head"]


def test_the_checker_leaves_the_variable_as_it_found_it(project, shell, monkeypatch):
    solve(shell, "21_")
    monkeypatch.setenv("NOTES_DATABASE_URL", "sqlite:///kept.sqlite")
    check(project)
    assert os.environ["NOTES_DATABASE_URL"] == "sqlite:///kept.sqlite"
