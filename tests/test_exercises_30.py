"""Notebook 30's exercise, a table for the analytics database only: its checker passes the solution, and names
each typical mistake (the table on the wrong base, so in the wrong history and the wrong database; the wrong
database upgraded, so the analytics one left behind).

The project is brought where the exercise starts by the notebook's own lesson cells, run in an IPython shell on
the PostgreSQL server (without one these tests skip, saying why; TUTORIAL_REQUIRE_POSTGRES=1 makes them fail
instead). The first test checks what the lesson stands on: ``tutorial.start`` gives a notebook a second database,
afresh, that a reset of the workspace drops.
"""

from __future__ import annotations

import contextlib

import pytest
from sqlalchemy import inspect, text

import tutorial
from support import lessons, project_health
from support.servers import require
from tutorial import database, exercises, inspection, servers

pytestmark = pytest.mark.postgres

NOTEBOOK = "30-several-databases"
SEARCH_ON_THE_MAIN_BASE = '''

class Search(SqlAlchemyBase):
    __tablename__ = "searches"

    id: Mapped[int] = mapped_column(primary_key=True)
    term: Mapped[str] = mapped_column(String(200))
    searched_at: Mapped[datetime.datetime] = mapped_column(DateTime, default=datetime.datetime.now)
'''


def tables(url: str) -> list[str]:
    engine = inspection.engine(url=url)
    try:
        with engine.connect() as connection:
            return sorted(inspect(connection).get_table_names())
    finally:
        engine.dispose()


def test_start_gives_a_second_database_afresh_and_a_reset_drops_it(workspace, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", require("postgres"))
    project = tutorial.start("30-two", other_databases=["analytics"])
    url = project.other_database("analytics")
    assert url.endswith("/" + database.database_name("30-two") + "_analytics")
    assert database.database_name("30-two-analytics").startswith(database.workspace_prefix())
    engine = inspection.engine(url=url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE left_over (id INTEGER)"))
    engine.dispose()
    assert tables(url) == ["left_over"]
    again = tutorial.start("30-two", other_databases=["analytics"])
    assert again.other_database("analytics") == url and tables(url) == []  # created afresh
    dropped = servers.drop_workspace_databases()
    assert sorted(dropped) == [database.database_name("30-two"), database.database_name("30-two-analytics")]


@pytest.fixture(scope="module")
def lesson(tmp_path_factory, shell):
    """Notebook 30's project where its exercise starts (two environments, each database at its head), and a copy
    of its files. The lesson runs once; each test starts from the copy."""
    with lessons.lesson_on_postgres(tmp_path_factory, shell, NOTEBOOK) as (project, files):
        yield project, files


@pytest.fixture
def billing(lesson, monkeypatch):
    """The project as the exercise starts; afterwards both databases go back to where it started, and its files
    are restored."""
    project, files = lesson
    monkeypatch.chdir(project.folder)
    yield project
    for name, start in (("analytics", "a001"), ("main", "m001")):
        with contextlib.suppress(tutorial.CommandFailed):
            tutorial.run(f"alembic --name {name} downgrade {start}", project.folder, echo=False)
    lessons.restore_files(project, files)


def solve(shell, project, steps: slice = slice(None)) -> None:
    files = lessons.solution_files("30_")
    assert len(files) == 3, files
    lessons.solve_project(shell, project, *[path.name for path in files[steps]])


def test_not_started(billing):
    report = exercises.check_analytics_table()
    assert report.missing == ["30.model.searches.missing", "30.revision.missing", "30.step3.waiting"]
    assert report.verdict() == "Not done yet: 2 things to do (marked ✗), then 1 step to check (marked ○)."


def test_the_solution_passes_and_leaves_a_healthy_project(billing, shell):
    solve(shell, billing, slice(2))
    assert exercises.check_analytics_table().missing == ["30.database.analytics-behind"]  # one database left behind
    solve(shell, billing, slice(2, 3))
    report = exercises.check_analytics_table()
    assert report.passed, report.text()
    assert {"30.revision.in-analytics", "30.database.searches-in-analytics", "30.database.matches-models"} <= set(report.ids)
    assert "searches" in tables(billing.other_database("analytics")) and "searches" not in tables(billing.database_url)
    assert project_health.environments(billing.folder) == ["main", "analytics"]
    assert project_health.problems(billing.folder) == []  # each environment: check, and pytest-alembic's four tests


def test_upgrading_without_a_name_or_the_other_database_leaves_analytics_behind(billing, shell):
    solve(shell, billing, slice(2))
    with pytest.raises(tutorial.CommandFailed) as failed:
        tutorial.run("alembic upgrade head", billing.folder, echo=False)
    assert failed.value.message == "No 'script_location' key found in configuration."
    tutorial.run("alembic --name main upgrade head", billing.folder, echo=False)  # nothing to do there
    report = exercises.check_analytics_table()
    assert report.missing == ["30.database.analytics-behind"]
    assert "alembic --name analytics upgrade head" in lessons.messages(report)
    assert project_health.problems(billing.folder) == [  # the health check reads each environment too
        "`alembic --name analytics check` fails on its database: Target database is not up to date."
    ]


def test_the_model_on_the_main_base_lands_in_the_main_history_and_database(billing):
    lessons.replace(billing, "billtracker/data/bills.py", "\n\nclass Bill(", SEARCH_ON_THE_MAIN_BASE + "\n\nclass Bill(")
    lessons.alembic(billing, '--name main revision --autogenerate --rev-id m002 -m "searches"')
    lessons.alembic(billing, "--name main upgrade head")
    report = exercises.check_analytics_table()
    assert report.missing == ["30.model.searches.wrong-base", "30.revision.wrong-history", "30.database.searches-in-main"]
    assert "searches" in tables(billing.database_url) and "searches" not in tables(billing.other_database("analytics"))


def test_a_revision_typed_into_the_main_history_by_hand_is_named(billing, shell):
    solve(shell, billing, slice(1))
    lessons.alembic(billing, '--name main revision --rev-id m002 -m "searches"')
    revision = billing.path("histories/main/versions/m002_searches.py")
    lessons.replace(billing, revision, '    """Upgrade schema."""\n    pass\n',
                    '    """Upgrade schema."""\n    op.create_table("searches", sa.Column("id", sa.Integer(), primary_key=True))\n')
    report = exercises.check_analytics_table()
    assert report.missing == ["30.revision.wrong-history", "30.database.main-behind"]
