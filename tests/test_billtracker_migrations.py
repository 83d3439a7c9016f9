"""The tutorial's own billtracker migrations pass pytest-alembic's standard tests (notebook 15's tests).

The project is the one the story builds up to ``last_login-applied``, as notebook 04 leaves it: two
revisions, the tables then ``users.last_login``. pytest-alembic migrates an empty SQLite database of
its own; the project's database is never touched. The last two tests check that the tests catch the
mistakes notebooks 14 and 15 show: two heads, and a model changed without a migration.
"""

from __future__ import annotations

import pytest
from pytest_alembic import runner, tests
from pytest_alembic.config import Config
from pytest_alembic.plugin.error import AlembicTestFailure
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

import tutorial
from tutorial import fresh, sandbox, stages


@pytest.fixture
def project(workspace):
    """The billtracker project at the end of the core series; the process is left as it was found.

    Running env.py imports the project's models, prepends the project to sys.path (alembic.ini's
    prepend_sys_path) and calls logging.config.fileConfig: the runner's isolation undoes all three.
    """
    project = tutorial.start("t-billtracker-migrations", stage="last_login-applied")
    with sandbox.as_in_a_terminal(project.folder):
        yield project


@pytest.fixture
def test_database_url(tmp_path):
    """An empty SQLite database for pytest-alembic to migrate, outside the project folder."""
    return f"sqlite:///{tmp_path / 'migration-tests.sqlite'}"


@pytest.fixture
def alembic_config(project, test_database_url):
    """The project's alembic.ini, its database URL replaced by the test database's (env.py reads it)."""
    return {"file": str(project.path("alembic.ini")), "sqlalchemy.url": test_database_url}


@pytest.fixture
def alembic_engine(test_database_url):
    engine = create_engine(test_database_url, poolclass=NullPool)
    yield engine
    engine.dispose()


def test_single_head_revision(alembic_runner):
    tests.test_single_head_revision(alembic_runner)


def test_upgrade(alembic_runner):
    tests.test_upgrade(alembic_runner)


def test_model_definitions_match_ddl(alembic_runner):
    tests.test_model_definitions_match_ddl(alembic_runner)


def test_up_down_consistency(alembic_runner):
    tests.test_up_down_consistency(alembic_runner)


def test_the_history_is_the_storys_and_the_projects_database_is_left_alone(project, alembic_runner, alembic_engine):
    first, second = (path.name.split("_")[0] for path in project.revision_files())
    assert alembic_runner.history.revisions == ["base", first, second, "heads"]
    before = _database_state(project.engine())

    tests.test_up_down_consistency(alembic_runner)
    alembic_runner.migrate_up_to("heads")

    assert alembic_runner.current == second
    assert _database_state(alembic_engine)["revision"] == second
    assert _database_state(project.engine()) == before == {"revision": second, "users": 2, "bills": 3}


def test_two_heads_fail_the_single_head_test(project, alembic_config, alembic_engine):
    first, second = (path.name.split("_")[0] for path in project.revision_files())
    tutorial.run(f'alembic revision -m "a teammate\'s change" --head {first} --splice', project.folder, echo=False)

    with runner(config=Config.from_raw_config(dict(alembic_config)), engine=alembic_engine) as alembic_runner:
        with pytest.raises(AlembicTestFailure, match="Expected 1 head revision, found 2"):
            tests.test_single_head_revision(alembic_runner)


def test_a_model_change_without_its_migration_fails_the_model_definitions_test(project, alembic_runner):
    stages.replace(
        project.path("billtracker/data/bills.py"),
        "    total: Mapped[float] = mapped_column(Float)\n",
        "    total: Mapped[float] = mapped_column(Float)\n"
        "    due_date: Mapped[datetime.datetime | None] = mapped_column(DateTime)\n",
    )
    fresh.forget_project_modules(project.folder)  # the models were imported before the edit

    with pytest.raises(AlembicTestFailure, match="out of sync") as failure:
        tests.test_model_definitions_match_ddl(alembic_runner)
    assert "op.add_column('bills', sa.Column('due_date', sa.DateTime(), nullable=True))" in str(failure.value)


def _database_state(engine) -> dict:
    with engine.connect() as connection:
        state = {"revision": connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()}
        tables = set(connection.dialect.get_table_names(connection))
        for table in ("users", "bills"):
            if table in tables:
                state[table] = connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
    engine.dispose()
    return state
