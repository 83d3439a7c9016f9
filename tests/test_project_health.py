"""The health check that every notebook's project must pass at its end: it tells a healthy project from sick ones.

Besides `alembic check` on the project's own database, it runs pytest-alembic's four built-in tests on an empty
database of the project's kind: these tests check that each of them fires, names the test, and leaves the
project's own database alone.
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

import tutorial
from support import project_health
from support.servers import require
from tutorial import database, servers, stages, story

FIRST_ONLY_AS_A_CONNECTION = '''\
    given = config.attributes.get("connection")
    if given is not None:  # only ever a Connection, as in the cookbook: wrong for pytest-alembic's Engine
        context.configure(connection=given, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
        return
    connectable = engine_from_config(
'''
BOTH_KINDS = '''\
    connectable = config.attributes.get("connection")
    if isinstance(connectable, Connection):  # the cookbook's: used as it is
        context.configure(connection=connectable, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
        return
    if connectable is None:
        connectable = engine_from_config(
'''


def test_a_project_with_everything_applied_is_healthy(workspace):
    project = tutorial.start("p-healthy", stage="last_login-applied")
    assert project_health.problems(project.folder) == []


def test_the_projects_own_database_is_left_as_it_was(workspace):
    project = tutorial.start("p-untouched", stage="last_login-applied")
    before = _state(project.engine())
    assert project_health.problems(project.folder) == []
    assert _state(project.engine()) == before and before["users"] == 2


def test_a_revision_not_applied(workspace):
    project = tutorial.start("p-pending", stage="last_login-revision")
    assert project_health.problems(project.folder) == [
        "`alembic check` fails on its database: Target database is not up to date."
    ]


def test_a_model_change_without_its_migration(workspace):
    project = tutorial.start("p-unmigrated", stage="tables")
    stages.replace(project.path("billtracker/data/users.py"), story.LAST_LOGIN_BEFORE, story.LAST_LOGIN_AFTER)
    found = project_health.problems(project.folder)
    assert len(found) == 2, found
    assert found[0].startswith("`alembic check` fails on its database: New upgrade operations detected")
    assert found[1].startswith(
        "pytest-alembic's `test_model_definitions_match_ddl` fails on an empty database: The models describing "
        "the DDL of your database are out of sync with the set of steps described in the revision history. | "
        "The upgrade which would have been generated would look like: op.add_column('users', sa.Column('last_login'"
    )


def test_two_heads(workspace):
    project = tutorial.start("p-heads", stage="last_login-applied")
    first = project.revision_files()[0].name[:12]
    tutorial.run(f'alembic revision -m "theirs" --head {first} --splice', project.folder, echo=False)
    found = project_health.problems(project.folder)
    assert ("pytest-alembic's `test_single_head_revision` fails on an empty database: Expected 1 head revision, "
            "found 2") in [problem.split(" | ")[0] for problem in found], found


def test_a_downgrade_that_fails(workspace):
    project = tutorial.start("p-downgrade", stage="last_login-applied")
    revision = project.newest_revision_file()
    stages.replace(revision, "op.drop_column('users', 'last_login')", "op.drop_column('users', 'no_such_column')")
    found = project_health.problems(project.folder)
    assert len(found) == 1, found
    assert found[0].startswith(
        "pytest-alembic's `test_up_down_consistency` fails on an empty database: Failed to downgrade through each "
        f"revision individually. | Failing Revision: {project.revision_files()[0].name[:12]} | Alembic Error: "
    )


def test_an_upgrade_that_fails(workspace):
    project = tutorial.start("p-upgrade", stage="last_login-applied")
    revision = project.newest_revision_file()
    stages.replace(revision, "op.add_column('users'", "op.add_column('no_such_table'")
    found = project_health.problems(project.folder)
    assert found[0] == ("pytest-alembic's `test_upgrade` fails on an empty database: sqlalchemy.exc.OperationalError: "
                        "(sqlite3.OperationalError) no such table: no_such_table"), found


def test_an_env_py_that_takes_only_a_connection_fails_under_pytest_alembics_engine(workspace):
    """The mistake notebook 26 warns of: pytest-alembic puts an Engine where the cookbook puts a Connection."""
    project = tutorial.start("p-connection-only", stage="last_login-applied")
    env = project.path("alembic/env.py")
    stages.replace(env, "    connectable = engine_from_config(\n", FIRST_ONLY_AS_A_CONNECTION)
    found = project_health.problems(project.folder)
    assert [problem.split(" fails on ")[0] for problem in found] == [
        "pytest-alembic's `test_upgrade`",
        "pytest-alembic's `test_model_definitions_match_ddl`",
        "pytest-alembic's `test_up_down_consistency`",
    ]
    assert all("'connection' argument to configure() is expected to be a sqlalchemy.engine.Connection instance, "
               "got Engine(sqlite:///" in problem for problem in found)


def test_an_env_py_that_takes_both_kinds_is_healthy(workspace):
    project = tutorial.start("p-both-kinds", stage="last_login-applied")
    env = project.path("alembic/env.py")
    stages.replace(env, "    connectable = engine_from_config(\n", BOTH_KINDS)
    stages.replace(env, "from sqlalchemy import pool\n", "from sqlalchemy import Connection, pool\n")
    text_of_env = env.read_text(encoding="utf-8")
    env.write_text(text_of_env.replace(  # the rest of the block moves under `if connectable is None:`
        '            config.get_section(config.config_ini_section, {}),\n            prefix="sqlalchemy.",\n'
        "            poolclass=pool.NullPool,\n        )\n",
        '                config.get_section(config.config_ini_section, {}),\n                prefix="sqlalchemy.",\n'
        "                poolclass=pool.NullPool,\n            )\n",
    ), encoding="utf-8")
    assert project_health.problems(project.folder) == []


def test_a_notebook_is_judged_against_what_it_says_of_itself(workspace):
    tutorial.start("03-change-a-model", stage="last_login-revision")
    assert project_health.unexpected("03-change-a-model", workspace) == []
    tutorial.start("04-upgrade-the-database", stage="last_login-revision")
    assert project_health.unexpected("04-upgrade-the-database", workspace) != []


def test_a_server_notebooks_app_is_checked_on_its_database_there(tmp_path, monkeypatch):
    """A notebook on a server sets its app's URL variable in its kernel; the checks set it to the same database."""
    monkeypatch.delenv("SHOP_DATABASE_URL", raising=False)
    app = tmp_path / "26-migrate-at-deploy-time" / "shop"
    app.mkdir(parents=True)
    (app / "settings.py").write_text('import os\nDATABASE_URL = os.environ.get("SHOP_DATABASE_URL")\n', encoding="utf-8")
    with project_health._app_urls_on_its_server("26-migrate-at-deploy-time", tmp_path):
        url = os.environ["SHOP_DATABASE_URL"]
    assert url.startswith("postgresql") and url.endswith("_26_migrate_at_deploy_time")
    assert "SHOP_DATABASE_URL" not in os.environ
    with project_health._app_urls_on_its_server("04-upgrade-the-database", tmp_path):  # on SQLite: nothing set
        assert "SHOP_DATABASE_URL" not in os.environ


@pytest.mark.postgres
def test_a_project_on_postgresql_is_tested_on_an_empty_database_there_dropped_afterwards(workspace, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", require("postgres"))
    project = tutorial.start("p-on-postgres", stage="last_login-applied")
    try:
        before = _state(project.engine())
        assert project_health.problems(project.folder) == []
        assert _state(project.engine()) == before and before["users"] == 2

        stages.replace(project.path("billtracker/data/bills.py"),
                      "    total: Mapped[float] = mapped_column(Float)\n",
                      "    total: Mapped[float] = mapped_column(Float)\n"
                      "    due_date: Mapped[datetime.datetime | None] = mapped_column(DateTime)\n")
        found = project_health.problems(project.folder)
        assert found[-1].startswith("pytest-alembic's `test_model_definitions_match_ddl` fails on an empty "
                                    "PostgreSQL database: "), found
        assert "op.add_column('bills', sa.Column('due_date', sa.DateTime(), nullable=True))" in found[-1]
        assert _leftovers() == []
    finally:
        database.drop("p-on-postgres")


def _leftovers() -> list[str]:
    """The health check's databases of this workspace still on the PostgreSQL server."""
    engine = create_engine(servers.server_url("postgres"), poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return connection.execute(
                text("SELECT datname FROM pg_database WHERE starts_with(datname, :prefix) AND datname LIKE '%health'"),
                {"prefix": database.workspace_prefix()},
            ).scalars().all()
    finally:
        engine.dispose()


def _state(engine) -> dict:
    """The revision of a billtracker database, and how many users and bills it holds."""
    try:
        with engine.connect() as connection:
            return {
                "revision": connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one(),
                "users": connection.execute(text("SELECT count(*) FROM users")).scalar_one(),
                "bills": connection.execute(text("SELECT count(*) FROM bills")).scalar_one(),
            }
    finally:
        engine.dispose()
