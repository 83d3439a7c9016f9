"""One setting switches the database: DATABASE_URL. Without it, SQLite."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

import tutorial
from servers import require
from tutorial import database


def test_without_database_url_each_project_uses_a_sqlite_file(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert database.url_for("03-change-a-model") == "sqlite:///billtracker.sqlite"


def test_with_database_url_each_notebook_gets_its_own_database(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://me:secret@db.example:5432/postgres")
    url = database.url_for("03-change-a-model")
    assert url == "postgresql+psycopg://me:secret@db.example:5432/alembic_tutorial_03_change_a_model"
    assert database.shown_url(url) == "postgresql+psycopg://me:***@db.example:5432/alembic_tutorial_03_change_a_model"


def test_a_server_that_does_not_answer_gets_a_clear_message(workspace, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5999/postgres")
    with pytest.raises(database.DatabaseUnavailable, match="(?s)does not answer.*unset it to use SQLite"):
        tutorial.start("t-no-server", stage="models")


@pytest.mark.postgres
def test_start_on_postgresql_recreates_the_notebooks_database(workspace, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", require("postgres"))
    monkeypatch.delenv("BILLTRACKER_DATABASE_URL", raising=False)
    for _ in range(2):  # the second start drops what the first created
        project = tutorial.start("t-postgres", stage="last_login-applied")
        assert project.engine().dialect.name == "postgresql"
        columns = [column["name"] for column in inspect(project.engine()).get_columns("users")]
        assert "last_login" in columns
        assert tutorial.browse("/").status_code == 200
    assert "Database: postgresql+psycopg://" in capsys.readouterr().out
    database.drop("t-postgres")
