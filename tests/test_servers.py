"""tutorial.servers: which server, a clear line without one, and databases that never outlive their cell."""

from __future__ import annotations

import os
import sys

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.pool import NullPool

import tutorial
from support.servers import require
from tutorial import database, servers

CLOSED_PORT = "postgresql+psycopg://postgres@127.0.0.1:1/postgres"


@pytest.fixture
def project(workspace):
    return tutorial.start(f"test-servers-{os.getpid()}", stage="tables")


def databases_on(kind: str) -> set[str]:
    query = "SELECT datname FROM pg_database" if kind == "postgres" else "SHOW DATABASES"
    engine = create_engine(servers.server_url(kind), poolclass=NullPool)
    with engine.connect() as connection:
        names = set(connection.execute(text(query)).scalars())
    engine.dispose()
    return names


def test_server_url_prefers_the_tutorial_variable_then_database_url(monkeypatch):
    monkeypatch.delenv("TUTORIAL_POSTGRES_URL", raising=False)
    monkeypatch.delenv("TUTORIAL_MARIADB_URL", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert servers.server_url("postgres").render_as_string() == servers.SERVERS["postgres"][2]
    monkeypatch.setenv("DATABASE_URL", "mysql+pymysql://me@db.example:3306/x")
    assert servers.server_url("postgres").host == "127.0.0.1"  # a MySQL URL says nothing about PostgreSQL
    assert servers.server_url("mariadb").host == "db.example"
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://me@db.example:5433/x")
    assert servers.server_url("postgres").port == 5433
    monkeypatch.setenv("TUTORIAL_POSTGRES_URL", "postgresql+psycopg://me@elsewhere:5434/y")
    assert servers.server_url("postgres").host == "elsewhere"


def test_without_a_server_one_line_says_so_and_the_block_gets_none(monkeypatch, capsys, project):
    monkeypatch.setenv("TUTORIAL_POSTGRES_URL", CLOSED_PORT)
    capsys.readouterr()
    with servers.database_on("postgres", project) as database:
        assert database is None
    printed = capsys.readouterr().out.strip().splitlines()
    assert len(printed) == 1
    assert "No PostgreSQL server answers at 127.0.0.1:1" in printed[0] and "TUTORIAL_POSTGRES_URL" in printed[0]
    assert not project.path("alembic-postgres.ini").exists()


@pytest.mark.parametrize("how", ["unknown driver", "import fails"])
def test_a_missing_driver_is_named_with_how_to_install_it(how, monkeypatch, capsys, project):
    if how == "unknown driver":
        monkeypatch.setenv("TUTORIAL_POSTGRES_URL", "postgresql+nosuchdriver://postgres@127.0.0.1:5432/postgres")
    else:
        monkeypatch.setenv("TUTORIAL_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
        monkeypatch.setitem(sys.modules, "psycopg", None)  # `import psycopg` now fails, as without the package
    reason = servers.unreachable("postgres")
    assert "No PostgreSQL server answers" not in reason
    assert reason.startswith("The PostgreSQL driver nosuchdriver is not installed" if how == "unknown driver"
                             else "The PostgreSQL driver psycopg is not installed")
    assert "make lab SERVERS=1" in reason and "pip install -r requirements-servers.txt" in reason
    assert ("postgresql+psycopg://" in reason) == (how == "unknown driver")  # a driver the file does not install
    capsys.readouterr()
    with servers.database_on("postgres", project) as database:
        assert database is None
    printed = capsys.readouterr().out.strip().splitlines()
    assert printed == [f"{reason}. Skipping the PostgreSQL part of this cell."]


def test_write_config_changes_only_the_url(monkeypatch, project):
    monkeypatch.setenv("TUTORIAL_POSTGRES_URL", "postgresql+psycopg://me:50%off@db.example:5432/postgres")
    name = servers.write_config(project, "postgres")
    original = project.path("alembic.ini").read_text().splitlines()
    written = project.path(name).read_text().splitlines()
    changed = [(old, new) for old, new in zip(original, written) if old != new]
    assert len(original) == len(written) and len(changed) == 1
    assert changed[0][1] == (
        "sqlalchemy.url = postgresql+psycopg://me:50%%25off@db.example:5432/"
        + database.database_name(f"{project.name}-on-postgres")
    )


def test_attempt_prints_a_failure_instead_of_raising(capsys, project):
    failure = servers.attempt("alembic upgrade no-such-revision", project.folder)
    assert failure is not None
    assert "`alembic upgrade no-such-revision` failed:" in capsys.readouterr().out
    assert servers.attempt("alembic current", project.folder) is None


@pytest.mark.postgres
def test_a_postgresql_database_for_the_block_only(project):
    require("postgres")
    with servers.database_on("postgres", project, upgrade_to="head") as database:
        assert database.name in databases_on("postgres")
        assert {"users", "bills"} <= set(inspect(database.engine()).get_table_names())
        assert project.path(database.config).exists()
    assert database.name not in databases_on("postgres")
    assert not project.path(database.config).exists()


@pytest.mark.mariadb
def test_a_mariadb_database_stamped_with_a_bills_table(project):
    require("mariadb")
    first = project.newest_revision_file().name.split("_")[0]
    with servers.database_on("mariadb", project, start_at=first) as database:
        engine = database.engine()
        assert [column["name"] for column in inspect(engine).get_columns("bills")] == ["id", "description"]
        with engine.connect() as connection:
            assert connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [first]
        engine.dispose()
    assert database.name not in databases_on("mariadb")


@pytest.mark.postgres
def test_the_database_is_dropped_even_when_the_block_fails(project):
    require("postgres")
    with pytest.raises(AssertionError):
        with servers.database_on("postgres", project) as database:
            raise AssertionError("a failing check inside the cell")
    assert database.name not in databases_on("postgres")
