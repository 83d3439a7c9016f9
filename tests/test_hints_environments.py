"""The hint rules of tutorial/hints/environments.py, about projects that migrate several databases: each fires
for its mistake, made for real on PostgreSQL (a project with a second database beside its own), and stays
silent where the project says otherwise."""

from __future__ import annotations

import pytest

import tutorial
from support.hints import fires, message_silent, outcome, silent
from support.servers import require
from tutorial import servers, story

pytestmark = pytest.mark.postgres

ANALYTICS = '''\
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class AnalyticsBase(DeclarativeBase):
    pass


class PageView(AnalyticsBase):
    __tablename__ = "page_views"

    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(String(200))
'''
METADATA = 'target_metadata = {"main": SqlAlchemyBase.metadata, "analytics": AnalyticsBase.metadata}\n'


@pytest.fixture
def on_postgres(workspace, monkeypatch):
    """Projects made in this test live on the PostgreSQL server; their databases are dropped afterwards."""
    monkeypatch.setenv("DATABASE_URL", require("postgres"))
    yield
    servers.drop_workspace_databases()


def project_with_two_databases(name: str, *more: str):
    project = tutorial.start(name, stage="models", other_databases=["analytics", *more])
    project.path("billtracker/data/analytics.py").write_text(ANALYTICS, encoding="utf-8")
    return project


def multidb(name: str, *more: str):
    """The billtracker and an analytics database, as notebook 30's section 2 makes them (`alembic init -t multidb`);
    ``more`` databases are created beside them, not yet listed."""
    project = project_with_two_databases(name, *more)
    tutorial.run("alembic init -t multidb alembic", project.folder, echo=False)
    ini = project.path("alembic.ini")
    story.replace(ini, "databases = engine1, engine2", "databases = main, analytics")
    story.replace(ini, "[engine1]\nsqlalchemy.url = driver://user:pass@localhost/dbname\n",
                  f"[main]\nsqlalchemy.url = {project.database_url}\n")
    story.replace(ini, "[engine2]\nsqlalchemy.url = driver://user:pass@localhost/dbname2\n",
                  f"[analytics]\nsqlalchemy.url = {project.other_database('analytics')}\n")
    story.replace(project.path("alembic/env.py"), "target_metadata = {}\n",
                  "import billtracker.data.__all_models  # noqa: F401\n"
                  "from billtracker.data.analytics import AnalyticsBase\n"
                  "from billtracker.data.modelbase import SqlAlchemyBase\n" + METADATA)
    return project


def environments(name: str):
    """The same, as notebook 30's section 4 makes them: a [main] and an [analytics] environment in one alembic.ini."""
    project = project_with_two_databases(name)
    tutorial.run("alembic init histories/main", project.folder, echo=False)
    tutorial.run("alembic init histories/analytics", project.folder, echo=False)
    ini = project.path("alembic.ini")
    story.replace(ini, "[alembic]\n", "[main]\n")
    story.replace(ini, "sqlalchemy.url = driver://user:pass@localhost/dbname\n", f"sqlalchemy.url = {project.database_url}\n")
    story.replace(ini, "[post_write_hooks]\n",
                  "[analytics]\nscript_location = %(here)s/histories/analytics\nprepend_sys_path = .\npath_separator = os\n"
                  f"sqlalchemy.url = {project.other_database('analytics')}\n\n[post_write_hooks]\n")
    story.replace(project.path("histories/analytics/env.py"), "target_metadata = None\n",
                  "from billtracker.data.analytics import AnalyticsBase\ntarget_metadata = AnalyticsBase.metadata\n")
    return project


# --- no-such-environment ---------------------------------------------------------------------------------------


def test_a_mistyped_name_is_told_the_environments_and_the_closest(on_postgres):
    project = environments("h-envs-typo")
    seen = outcome("alembic --name analytcs upgrade head", project.folder)
    assert seen.message == "No 'script_location' key found in configuration."  # Alembic's own words
    hint = fires("no-such-environment", seen)
    assert hint == ("alembic.ini has no [analytcs] section; its environments are [main] and [analytics]: "
                    "did you mean `alembic --name analytics upgrade head`?")
    assert not outcome("alembic --name analytics upgrade head", project.folder).failed  # and it works


def test_no_name_where_alembic_ini_has_no_alembic_section(on_postgres):
    project = environments("h-envs-none")
    hint = fires("no-such-environment", "alembic upgrade head", project.folder)
    assert hint.startswith("alembic.ini has no [alembic] section, the one Alembic reads without `--name`")
    assert hint.endswith("name one, for example `alembic --name main upgrade head`.")


def test_a_section_that_is_not_an_environment(on_postgres):
    project = multidb("h-envs-section")  # [main] holds only the URL that the multidb env.py reads
    seen = outcome("alembic --name main upgrade head", project.folder)
    assert seen.message == "No 'script_location' key found in configuration."
    hint = fires("no-such-environment", seen)
    assert hint == ("[main] is a database of the multidb template's `databases =` list, not an environment: without "
                    "`--name`, Alembic reads [alembic], whose env.py migrates every listed database: leave `--name` "
                    "out, `alembic upgrade head`.")
    assert not outcome("alembic upgrade head", project.folder).failed  # and it works
    story.replace(project.path("alembic.ini"), "[post_write_hooks]\n", "[reports]\nsqlalchemy.url = sqlite://\n\n"
                                                                      "[post_write_hooks]\n")
    hint = fires("no-such-environment", 'alembic -n reports revision -m "two words"', project.folder)
    assert hint == ("alembic.ini's [reports] section has no script_location, so it is not an environment (its "
                    "environments are [alembic]): leave `--name` out, and Alembic reads [alembic]: "
                    "`alembic revision -m 'two words'`.")


def test_silent_when_the_environment_exists_or_there_is_no_project(on_postgres):
    project = environments("h-envs-silent")
    message = "No 'script_location' key found in configuration."
    message_silent("no-such-environment", message, project.folder, "alembic --name main upgrade head")
    project.path("alembic.ini").unlink()
    message_silent("no-such-environment", message, project.folder, "alembic upgrade head")  # not-a-project's to say
    assert fires("not-a-project", "alembic upgrade head", project.folder).startswith("this folder has no alembic.ini")


# --- multidb-database-missing-from-list ------------------------------------------------------------------------------


def test_a_listed_database_without_a_section(on_postgres):
    project = multidb("h-multidb-url")
    story.replace(project.path("alembic.ini"), "databases = main, analytics", "databases = main, analytics, audit")
    seen = outcome("alembic upgrade head", project.folder)
    assert seen.message.startswith("KeyError: 'url'\n  (raised in alembic/env.py, line ")  # engine_from_config's
    hint = fires("multidb-database-missing-from-list", seen)
    assert hint.startswith("alembic.ini lists `audit` in `databases =`, but there is no [audit] section")


def test_a_metadata_key_missing_from_env_py(on_postgres):
    project = multidb("h-multidb-key")
    story.replace(project.path("alembic/env.py"), '"analytics": AnalyticsBase', '"analytic": AnalyticsBase')
    seen = outcome('alembic revision --autogenerate -m "first"', project.folder)
    assert seen.message.startswith("Can't proceed with --autogenerate option; environment script alembic/env.py")
    hint = fires("multidb-database-missing-from-list", seen)
    assert hint.startswith("`databases =` lists `analytics`, but env.py's target_metadata has no key 'analytics' "
                           "(its keys: 'main', 'analytic')")


def test_silent_for_one_database_and_for_a_complete_list(on_postgres):
    project = multidb("h-multidb-silent")
    message = "KeyError: 'url'\n  (raised in alembic/env.py, line 99)"
    message_silent("multidb-database-missing-from-list", message, project.folder)  # each listed one has its URL
    plain = tutorial.start("h-multidb-plain", stage="alembic")  # one database: no `databases =` at all
    message_silent("multidb-database-missing-from-list", message, plain.folder)
    story.replace(plain.path("alembic/env.py"), "target_metadata = SqlAlchemyBase.metadata\n", "target_metadata = None\n")
    seen = outcome('alembic revision --autogenerate -m "first"', plain.folder)
    silent("multidb-database-missing-from-list", seen)
    assert fires("no-target-metadata", seen)


# --- multidb-revision-misses-a-database ----------------------------------------------------------------------


def test_a_revision_written_before_a_database_joined_the_list(on_postgres):
    project = multidb("h-multidb-late", "audit")
    tutorial.run('alembic revision --autogenerate --rev-id 0001 -m "first tables"', project.folder, echo=False)
    tutorial.run("alembic upgrade head", project.folder, echo=False)
    ini = project.path("alembic.ini")
    story.replace(ini, "databases = main, analytics", "databases = main, analytics, audit")
    story.replace(ini, "[post_write_hooks]\n", f"[audit]\nsqlalchemy.url = {project.other_database('audit')}\n\n"
                                               "[post_write_hooks]\n")
    seen = outcome("alembic upgrade head", project.folder)  # main and analytics are at 0001, audit is empty
    assert seen.message.startswith("KeyError: 'upgrade_audit'\n  (raised in alembic/versions/0001_first_tables.py")
    hint = fires("multidb-revision-misses-a-database", seen)
    assert hint.startswith("alembic/versions/0001_first_tables.py has no `upgrade_audit()`: it was written before")
    revision = project.path("alembic/versions/0001_first_tables.py")
    revision.write_text(revision.read_text() + "\n\ndef upgrade_audit():\n    pass\n\n\ndef downgrade_audit():\n    pass\n")
    message_silent("multidb-revision-misses-a-database", seen.message, project.folder)
    assert not outcome("alembic upgrade head", project.folder).failed
    assert not outcome("alembic downgrade base", project.folder).failed


# --- the rules about a revision just written, on a multidb project ------------------------------------------------


def test_a_multidb_autogenerate_is_not_taken_for_one_that_drops_tables(on_postgres):
    project = multidb("h-multidb-drops")
    seen = outcome('alembic revision --autogenerate --rev-id 0001 -m "first tables"', project.folder)
    assert "op.drop_table('users')" in project.path("alembic/versions/0001_first_tables.py").read_text()  # downgrade_main
    silent("autogenerate-drops-a-modelled-table", seen)
    silent("autogenerate-drops-a-foreign-table", seen)
    tutorial.run("alembic upgrade head", project.folder, echo=False)
    later = outcome('alembic revision --rev-id 0002 -m "by hand"', project.folder)
    silent("plain-revision-models-differ", later)  # it would compare every model with one database
