"""Notebook 17's failed migration, on each database: what stays, what `alembic_version` says, and the repairs.

SQLite always runs. PostgreSQL and MariaDB run when their server answers
(markers ``postgres`` and ``mariadb``); without one they skip with one line, or
fail when ``TUTORIAL_REQUIRE_POSTGRES=1`` / ``TUTORIAL_REQUIRE_MARIADB=1``.
"""

from __future__ import annotations

import os

import nbformat
import pytest
from sqlalchemy import inspect, text

import tutorial
from support.paths import NOTEBOOKS
from support.servers import require
from tutorial import servers, stages
from tutorial.terminal import CommandFailed, run

NOTEBOOK = NOTEBOOKS / "17-survive-a-failed-migration.ipynb"
MESSAGE = "add a due date to bills"
ADD_COLUMN = 'op.add_column("bills", sa.Column("due_date", sa.Date(), nullable=True))'
TYPO_INDEX = 'op.create_index("ix_bills_due_date", "bills", ["due_dat"])'
DOWNGRADE_STEPS = ('op.drop_index("ix_bills_due_date", table_name="bills")', 'op.drop_column("bills", "due_date")')
TYPO, FIXED = '["due_dat"]', '["due_date"]'


@pytest.fixture
def postgres_server():
    return require("postgres")


@pytest.fixture
def mariadb_server():
    return require("mariadb")


@pytest.fixture
def scenario(workspace):
    """A project at its first revision, with notebook 17's two-step revision (typo included) not yet run."""
    project = tutorial.start(f"test-failed-migration-{os.getpid()}", stage="tables")
    first = project.newest_revision_file().name.split("_")[0]
    run(f'alembic revision -m "{MESSAGE}"', project.folder, echo=False)
    revision_file = project.newest_revision_file()
    stages.replace(
        revision_file,
        '    """Upgrade schema."""\n    pass\n',
        f'    """Upgrade schema."""\n    {ADD_COLUMN}\n    {TYPO_INDEX}\n',
    )
    stages.replace(
        revision_file,
        '    """Downgrade schema."""\n    pass\n',
        '    """Downgrade schema."""\n' + "".join(f"    {step}\n" for step in DOWNGRADE_STEPS),
    )
    second = revision_file.name.split("_")[0]
    return project, first, second, revision_file


def state(engine):
    """The columns of ``bills``, its indexes, and the rows of ``alembic_version``."""
    inspector = inspect(engine)
    columns = [column["name"] for column in inspector.get_columns("bills")]
    indexes = {index["name"]: index["column_names"] for index in inspector.get_indexes("bills")}
    with engine.connect() as connection:
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    engine.dispose()
    return columns, indexes, version


def test_the_notebook_writes_this_revision():
    code = "\n".join(cell.source for cell in nbformat.read(NOTEBOOK, as_version=4).cells if cell.cell_type == "code")
    for expected in (f'alembic revision -m "{MESSAGE}"', ADD_COLUMN, TYPO_INDEX, *DOWNGRADE_STEPS, TYPO, FIXED):
        assert expected in code, f"notebook 17 no longer contains {expected}: update this test with it"


def test_on_sqlite_the_first_step_stays_and_the_retry_fails(scenario):
    project, first, second, revision_file = scenario
    engine = project.engine()

    with pytest.raises(CommandFailed, match="no such column: due_dat"):
        run("alembic upgrade head", project.folder, echo=False)
    columns, indexes, version = state(engine)
    assert "due_date" in columns and "ix_bills_due_date" not in indexes and version == [first]

    stages.replace(revision_file, TYPO, FIXED)
    with pytest.raises(CommandFailed, match="duplicate column name: due_date"):
        run("alembic upgrade head", project.folder, echo=False)
    assert state(engine)[2] == [first]

    with engine.begin() as connection:  # repair 1: undo the leftover, run the revision from the start
        connection.execute(text("ALTER TABLE bills DROP COLUMN due_date"))
    run("alembic upgrade head", project.folder, echo=False)
    columns, indexes, version = state(engine)
    assert "due_date" in columns and indexes["ix_bills_due_date"] == ["due_date"] and version == [second]


def test_on_sqlite_finishing_by_hand_and_stamping_matches_the_revision(scenario):
    project, first, second, revision_file = scenario
    engine = project.engine()
    with pytest.raises(CommandFailed):
        run("alembic upgrade head", project.folder, echo=False)
    stages.replace(revision_file, TYPO, FIXED)

    with engine.begin() as connection:  # repair 2: run the missing step by hand, then record the revision
        connection.execute(text("CREATE INDEX ix_bills_due_date ON bills (due_date)"))
    run("alembic stamp head", project.folder, echo=False)
    columns, indexes, version = state(engine)
    assert "due_date" in columns and indexes["ix_bills_due_date"] == ["due_date"] and version == [second]

    run("alembic downgrade -1", project.folder, echo=False)  # the revision's downgrade fits the hand-made schema
    columns, indexes, version = state(engine)
    assert "due_date" not in columns and "ix_bills_due_date" not in indexes and version == [first]


def test_stamp_writes_alembic_version_and_runs_nothing(scenario):
    project, first, second, revision_file = scenario
    run("alembic stamp head", project.folder, echo=False)
    columns, indexes, version = state(project.engine())
    assert version == [second] and "due_date" not in columns  # Alembic trusts you: nothing ran


@pytest.mark.postgres
def test_on_postgresql_nothing_happens_and_the_fixed_revision_runs(postgres_server, scenario):
    project, first, second, revision_file = scenario
    with servers.database_on("postgres", project, start_at=first) as database:
        assert database is not None
        command = f"alembic -c {database.config} upgrade head"
        failure = servers.attempt(command, project.folder)
        assert failure is not None and "UndefinedColumn" in failure.message
        columns, indexes, version = state(database.engine())
        assert "due_date" not in columns and version == [first]

        stages.replace(revision_file, TYPO, FIXED)
        assert servers.attempt(command, project.folder) is None
        columns, indexes, version = state(database.engine())
        assert indexes["ix_bills_due_date"] == ["due_date"] and version == [second]


@pytest.mark.mariadb
def test_on_mariadb_the_first_step_stays_and_the_retry_fails(mariadb_server, scenario):
    project, first, second, revision_file = scenario
    with servers.database_on("mariadb", project, start_at=first) as database:
        assert database is not None
        command = f"alembic -c {database.config} upgrade head"
        failure = servers.attempt(command, project.folder)
        assert failure is not None and "Key column 'due_dat' doesn't exist" in failure.message
        columns, indexes, version = state(database.engine())
        assert "due_date" in columns and version == [first]

        stages.replace(revision_file, TYPO, FIXED)
        failure = servers.attempt(command, project.folder)
        assert failure is not None and "Duplicate column name 'due_date'" in failure.message

        with database.engine().begin() as connection:
            connection.execute(text("ALTER TABLE bills DROP COLUMN due_date"))
        assert servers.attempt(command, project.folder) is None
        columns, indexes, version = state(database.engine())
        assert indexes["ix_bills_due_date"] == ["due_date"] and version == [second]
