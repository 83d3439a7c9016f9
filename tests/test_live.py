"""Other sessions on a live PostgreSQL database: bounded, and always ended, even when the cell fails."""

from __future__ import annotations

import pytest

import tutorial
from support.servers import require
from tutorial import database, live, servers

pytestmark = pytest.mark.postgres

OWN_SESSIONS = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"


@pytest.fixture
def project(workspace, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", require("postgres"))
    project = tutorial.start("x-live", stage="tables")
    try:
        yield project
    finally:
        database.drop(project.name)


def test_a_failing_block_ends_every_session_and_process(project):
    with pytest.raises(ZeroDivisionError):
        with live.sessions(project) as site:
            report = site.client("report")
            report.run("BEGIN")
            report.run("SELECT count(*) FROM bills")
            upgrade = site.alembic("alembic downgrade base")  # waits for the report's lock on bills
            site.wait_for_lock("alembic")
            page = site.client("site")
            waiting = page.execute("SELECT count(*) FROM bills")  # waits behind alembic
            site.wait_for_lock("site")
            1 / 0  # the cell fails (or is interrupted) here
    assert not upgrade.running()
    assert waiting.done()  # answered once the others were gone, or ended: not left waiting
    with live.sessions(project) as site:
        assert site.sql(OWN_SESSIONS) == [(0,)]
        assert site.sql("SELECT count(*) FROM bills") == [(3,)]  # the downgrade never ran


def test_the_notebook_reads_the_server_on_one_connection_of_its_own(project):
    with live.sessions(project) as site:
        first, second = site.sql("SELECT pg_backend_pid()"), site.sql("SELECT pg_backend_pid()")
        named = site.sql("SELECT application_name FROM pg_stat_activity WHERE pid = pg_backend_pid()")
    assert first == second  # no closed connection left behind to linger in pg_stat_activity
    assert named == [("notebook",)]


def test_a_lock_timeout_that_ended_the_wait_before_a_look_counts_as_a_wait(project, monkeypatch):
    monkeypatch.setenv("PGOPTIONS", "-c lock_timeout=1ms")  # alembic's session gives up at once
    with live.sessions(project) as site:
        report = site.client("report")
        report.run("BEGIN")
        report.run("SELECT count(*) FROM bills")
        downgrade = site.alembic("alembic downgrade base")
        outcome = downgrade.wait()  # over before any look at pg_stat_activity
        site.wait_for_lock("alembic")  # does not raise: the process's output shows it waited
        report.run("COMMIT")
    assert "lock timeout" in outcome.error


def test_a_process_that_ended_without_waiting_is_reported(project):
    with live.sessions(project) as site:
        site.alembic("alembic downgrade base").wait()  # nothing holds bills: it runs through
        with pytest.raises(RuntimeError, match="ended before waiting for a lock"):
            site.wait_for_lock("alembic")


def test_a_statement_error_is_postgresql_s_own_message(project):
    with live.sessions(project) as site:
        outcome = site.client("site").run("SELECT nothing FROM bills")
    assert outcome.error == 'column "nothing" does not exist' and outcome.rows == []


def test_the_notebook_stops_at_once_without_a_server(monkeypatch):
    monkeypatch.setenv("TUTORIAL_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:9/postgres")
    with pytest.raises(live.NoServer, match="(?s)needs a PostgreSQL server.*No PostgreSQL server answers at 127.0.0.1:9"):
        live.use_postgres()


def test_a_project_on_sqlite_is_refused(workspace):
    project = tutorial.start("x-live-sqlite", stage="tables")
    with pytest.raises(live.NoServer, match="not on PostgreSQL"):
        live.sessions(project).__enter__()


def test_the_tools_drop_the_databases_a_workspace_left_on_the_server(workspace, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", require("postgres"))
    tutorial.start("x-left-behind", stage="empty")
    assert servers.drop_workspace_databases() == [database.database_name("x-left-behind")]
    assert servers.drop_workspace_databases() == []


def test_a_release_script_runs_in_a_process_of_its_own_and_gives_its_exit_status(project):
    project.path("release.py").write_text("import sys\nprint('release FAILED: one line')\nsys.exit(3)\n", encoding="utf-8")
    with live.sessions(project) as site:
        failed = site.alembic("python release.py").wait()
        upgraded = site.alembic("alembic current").wait()
    assert failed.rows == ["release FAILED: one line"] and failed.status == 3 and failed.error == "exit status 3"
    assert upgraded.status == 0 and upgraded.error is None


def test_only_alembic_and_python_run_as_processes(project):
    with live.sessions(project) as site, pytest.raises(ValueError, match="not an Alembic command nor a Python script: ls"):
        site.alembic("ls")
