"""The hint rules of tutorial/hints/configuration.py, about what env.py, alembic.ini and the environment
say: each fires for its mistake, and stays silent where the project says otherwise."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url

import tutorial
from support.hints import edit_env, fires, message_fires, message_silent, outcome, point_at, silent
from tutorial import story

# --- env.py and the models ----------------------------------------------------------------------------


def test_no_target_metadata(workspace):
    project = tutorial.start("h-none", stage="tables")
    edit_env(project, "target_metadata = SqlAlchemyBase.metadata\n", "target_metadata = None\n")
    hint = fires("no-target-metadata", 'alembic revision --autogenerate -m "x"', project.folder)
    assert "`target_metadata = SqlAlchemyBase.metadata`" in hint


def test_no_target_metadata_stays_silent_when_env_py_sets_something_else(workspace):
    project = tutorial.start("h-none-other", stage="tables")
    edit_env(project, "target_metadata = SqlAlchemyBase.metadata\n", "target_metadata = {}.get('x')\n")
    silent("no-target-metadata", 'alembic revision --autogenerate -m "x"', project.folder)


# --- where the URL comes from (notebook 21) -----------------------------------------------------------


def test_a_percent_in_a_config_value_is_explained(workspace):
    project = tutorial.start("h-percent", stage="tables")
    story.replace(project.path("alembic.ini"), "sqlite:///billtracker.sqlite", "postgresql+psycopg://u:p%40ss@127.0.0.1/db")
    hint = fires("percent-in-config", "alembic current", project.folder)
    assert "must be written `%%`" in hint and "create_engine()" in hint


def test_other_value_errors_get_no_percent_hint(tmp_path):
    message_silent("percent-in-config", "ValueError: invalid literal for int() with base 10: 'x'", tmp_path)


def test_a_misspelled_database_variable_is_named(workspace, monkeypatch):
    project = tutorial.start("h-misspelled", stage="tables")
    monkeypatch.setenv("BILLTRACKER_DATABSE_URL", "sqlite:///elsewhere.sqlite")
    hint = fires("misspelled-database-variable", "alembic current", project.folder)
    assert hint.startswith("your environment sets BILLTRACKER_DATABSE_URL, but billtracker/data/db_session.py reads "
                           "BILLTRACKER_DATABASE_URL, which is not set")


def test_a_variable_set_under_its_own_name_or_none_like_it_gets_no_hint(workspace, monkeypatch):
    project = tutorial.start("h-spelled", stage="tables")
    silent("misspelled-database-variable", "alembic current", project.folder)  # nothing like it set
    monkeypatch.setenv("HOVERSHARE_DATABASE_URL", "sqlite:///other.sqlite")  # another app's: not close enough
    silent("misspelled-database-variable", "alembic current", project.folder)
    monkeypatch.setenv("BILLTRACKER_DATABSE_URL", "sqlite:///elsewhere.sqlite")
    monkeypatch.setenv("BILLTRACKER_DATABASE_URL", f"sqlite:///{project.path('billtracker.sqlite')}")  # set too
    silent("misspelled-database-variable", "alembic current", project.folder)


def test_a_refused_password_is_named_with_its_user(tmp_path):
    hint = message_fires("wrong-password", 'sqlalchemy.exc.OperationalError: (psycopg.OperationalError) connection failed: '
                         'FATAL:  password authentication failed for user "billtracker"', tmp_path)
    assert hint.startswith("the server refused the password of its user billtracker")
    message_silent("wrong-password", "(pymysql.err.OperationalError) (1045, \"Access denied for user 'root'@'127.0.0.1' "
                   "(using password: NO)\")", tmp_path)  # no password given: not a wrong one
    message_silent("wrong-password", 'FATAL:  role "billtracker" does not exist', tmp_path)


@pytest.mark.mariadb
def test_a_wrong_password_on_a_real_server_gets_the_hint(workspace):
    """MariaDB refuses a wrong password for real (this machine's PostgreSQL trusts every local connection)."""
    from support.servers import require


    server = make_url(require("mariadb")).set(password="certainly-not-the-password")
    project = tutorial.start("h-password", stage="tables")
    story.replace(project.path("alembic.ini"), "sqlite:///billtracker.sqlite", server.render_as_string(hide_password=False))
    hint = fires("wrong-password", "alembic current", project.folder)
    assert hint.startswith(f"the server refused the password of its user {server.username}")


# --- the database the URL names -----------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.mariadb
def test_a_database_the_server_does_not_have(workspace):
    """The servers, for real: PostgreSQL refuses the connection, MariaDB answers error 1049."""
    from support.servers import require

    for kind in ("postgres", "mariadb"):
        server = make_url(require(kind))
        project = tutorial.start(f"h-no-database-{kind}", stage="tables")
        point_at(project, server.set(database="h_no_such_database").render_as_string(hide_password=False))
        seen = outcome("alembic current", project.folder)
        assert ('database "h_no_such_database" does not exist' if kind == "postgres"
                else "(1049, \"Unknown database 'h_no_such_database'\")") in seen.message
        assert "`CREATE DATABASE h_no_such_database;`" in fires("no-such-database", seen)
    project = tutorial.start("h-no-database-case", stage="tables")
    point_at(project, make_url(require("postgres")).set(database="H-No-Such").render_as_string(hide_password=False))
    seen = outcome("alembic current", project.folder)
    assert '`CREATE DATABASE "H-No-Such";`' in fires("no-such-database", seen)  # unquoted, it would be h and a syntax error
    project = tutorial.start("h-no-role", stage="tables")
    point_at(project, make_url(require("postgres")).set(username="h_no_such_role").render_as_string(hide_password=False))
    seen = outcome("alembic current", project.folder)
    assert 'role "h_no_such_role" does not exist' in seen.message
    silent("no-such-database", seen)  # a role, not a database: the message names it


def test_a_sqlite_file_in_a_folder_that_does_not_exist(workspace):
    project = tutorial.start("h-sqlite-folder", stage="tables")
    point_at(project, "sqlite:///data/billtracker.sqlite")
    seen = outcome("alembic current", project.folder)
    assert "(sqlite3.OperationalError) unable to open database file" in seen.message
    assert "its folder, and the URL's folder `data` does not exist" in fires("sqlite-folder-missing", seen)
    story.replace(project.path("alembic.ini"), "sqlite:///data/billtracker.sqlite", "sqlite:///alembic")
    seen = outcome("alembic current", project.folder)  # a folder where the file should be: another cause
    assert "(sqlite3.OperationalError) unable to open database file" in seen.message
    silent("sqlite-folder-missing", seen)
