"""One setting switches the database: DATABASE_URL. Without it, SQLite."""

from __future__ import annotations

import re
import sys

import pytest
from sqlalchemy import inspect

import tutorial
from support.servers import require
from tutorial import database


def test_without_database_url_each_project_uses_a_sqlite_file(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert database.url_for("03-change-a-model") == "sqlite:///billtracker.sqlite"


def test_with_database_url_each_notebook_gets_its_own_database(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://me:secret@db.example:5432/postgres")
    monkeypatch.setenv("JUPYTERHUB_USER", "ada")
    tag = database.workspace_tag()
    url = database.url_for("03-change-a-model")
    assert url == f"postgresql+psycopg://me:secret@db.example:5432/alembic_tutorial_ada_{tag}_03_change_a_model"
    assert database.shown_url(url) == (
        f"postgresql+psycopg://me:***@db.example:5432/alembic_tutorial_ada_{tag}_03_change_a_model"
    )


def test_each_workspace_and_each_learner_gets_databases_of_its_own(monkeypatch, tmp_path):
    names = set()
    for learner, folder in [("ada", "a"), ("ada", "b"), ("grace", "a")]:
        monkeypatch.setenv("JUPYTERHUB_USER", learner)
        monkeypatch.setenv("ALEMBIC_TUTORIAL_WORKSPACE", str(tmp_path / folder))
        name = database.database_name("17-survive-a-failed-migration")
        assert name == database.database_name("17-survive-a-failed-migration")  # the same, every time
        assert name.startswith(f"alembic_tutorial_{learner}_")
        names.add(name)
    assert len(names) == 3


def test_without_a_hub_the_operating_system_user_names_the_databases(monkeypatch):
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    monkeypatch.setattr(database.getpass, "getuser", lambda: "Ada Lovelace")
    assert database.database_name("x").startswith("alembic_tutorial_ada_lovelace_")


def test_long_names_fit_the_servers_limit_and_stay_distinct(monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_USER", "a-learner-with-a-very-long-name@example.org")
    first = database.database_name("17-survive-a-failed-migration-on-postgres")
    second = database.database_name("17-survive-a-failed-migration-on-mariadb")
    assert len(first) <= 63 and len(second) <= 63 and first != second
    assert re.fullmatch(r"\w+", first)


def test_a_server_that_does_not_answer_gets_a_clear_message(workspace, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5999/postgres")
    with pytest.raises(database.DatabaseUnavailable, match="(?s)does not answer.*unset it to use SQLite"):
        tutorial.start("t-no-server", stage="models")


@pytest.mark.parametrize("how", ["unknown driver", "import fails"])
def test_a_server_whose_driver_is_missing_says_how_to_install_it(how, workspace, monkeypatch):
    if how == "unknown driver":
        monkeypatch.setenv("DATABASE_URL", "postgresql+nosuchdriver://postgres@127.0.0.1:5999/postgres")
    else:
        monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5999/postgres")
        monkeypatch.setitem(sys.modules, "psycopg", None)  # `import psycopg` now fails, as without the package
    with pytest.raises(database.DatabaseUnavailable) as raised:
        tutorial.start("t-no-driver", stage="models")
    message = str(raised.value)
    assert "does not answer" not in message
    assert re.search(r"The PostgreSQL driver (nosuchdriver|psycopg) is not installed here", message)
    assert "make lab SERVERS=1" in message and "pip install -r requirements-servers.txt" in message
    assert message.endswith("Or unset DATABASE_URL to use SQLite.")
    assert raised.value._render_traceback_() == [f"DatabaseUnavailable: {message}"]


def test_a_url_without_a_driver_names_sqlalchemys_default(monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(database.DriverMissing) as raised:
        database.server_engine(database.make_url("postgresql://postgres@127.0.0.1:5999/postgres"), "DATABASE_URL")
    assert raised.value.line.startswith("The PostgreSQL driver psycopg is not installed here")
    assert "name one in the URL" not in raised.value.line  # requirements-servers.txt installs that one


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
