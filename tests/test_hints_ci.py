"""The hint rules of tutorial/hints/ci.py, about what a project's CI checks: each fires for its mistake, on a
PostgreSQL database, and stays silent where the project says otherwise."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

import tutorial
from support.hints import add_phone, fires, first_revision, message_silent, outcome, project_on_server, silent

pytestmark = pytest.mark.postgres


def test_check_finds_a_model_change_that_no_revision_makes(workspace):
    with project_on_server("postgres", "h-ci-check", stage="last_login-applied") as (project, url):
        tutorial.run("alembic upgrade head", project.folder, echo=False)
        silent("check-passes-with-several-heads", "alembic check", project.folder)  # one head: nothing to say
        add_phone(project)
        seen = outcome("alembic check", project.folder)
        assert seen.message.startswith("New upgrade operations detected: [('add_column', None, 'users', Column('phone'")
        hint = fires("check-found-changes", seen)
        assert hint.startswith("the database is at the head, yet your models differ from it (added column 'users.phone')")
        assert "`alembic revision --autogenerate" in hint
        tutorial.run('alembic revision --autogenerate -m "add phone"', project.folder, echo=False)
        message_silent("check-found-changes", seen.message, project.folder, "alembic check")  # a revision waits


def test_check_stays_silent_when_what_it_found_is_not_in_the_models(workspace):
    with project_on_server("postgres", "h-ci-other", stage="tables") as (project, url):
        tutorial.run("alembic upgrade head", project.folder, echo=False)
        with create_engine(url, poolclass=NullPool).begin() as connection:
            connection.execute(text("CREATE TABLE audit_log (id integer PRIMARY KEY)"))  # another tool's table
        seen = outcome("alembic check", project.folder)
        assert seen.message.startswith("New upgrade operations detected: [('remove_table'")
        silent("check-found-changes", seen)


def test_check_passes_while_the_history_has_two_heads(workspace):
    with project_on_server("postgres", "h-ci-heads", stage="last_login-applied") as (project, url):
        tutorial.run('alembic revision -m "mine"', project.folder, echo=False)
        tutorial.run(f'alembic revision -m "theirs" --head {first_revision(project)} --splice', project.folder, echo=False)
        tutorial.run("alembic upgrade heads", project.folder, echo=False)
        seen = outcome("alembic check", project.folder)
        assert not seen.failed and "No new upgrade operations detected." in seen.output
        hint = fires("check-passes-with-several-heads", seen)
        assert "the history has 2 heads" in hint and "alembic merge heads" in hint


def test_check_behind_two_heads_does_not_say_upgrade_head(workspace):
    with project_on_server("postgres", "h-ci-behind", stage="last_login-applied") as (project, url):
        tutorial.run("alembic upgrade head", project.folder, echo=False)
        tutorial.run('alembic revision -m "mine"', project.folder, echo=False)
        tutorial.run(f'alembic revision -m "theirs" --head {first_revision(project)} --splice', project.folder, echo=False)
        seen = outcome("alembic check", project.folder)
        assert seen.message == "Target database is not up to date."
        silent("check-behind", seen)  # `alembic upgrade head` would fail: two heads
        silent("check-found-changes", seen)
        seen = outcome('alembic revision --autogenerate -m "more"', project.folder)  # the same guard, before writing
        assert seen.message == "Target database is not up to date."
        silent("autogenerate-behind", seen)
