"""The whole series on one shared PostgreSQL server, two learners at the same time.

Each notebook runs top to bottom in two workspaces at once, as two learners of a
class would run it: *ada* connects as the server's superuser, *grace* as a role
that may only create databases (``CREATEDB``), which is all a learner needs.
Both runs must pass (cells tagged ``raises-exception`` may fail, no other), each
on databases of its own; notebook 17 also uses the MariaDB server, again one
database per workspace.

The stored outputs are SQLite's, so outputs are not compared here; what is
checked is that every cell runs and every assertion in the notebooks holds.
"""

from __future__ import annotations

import asyncio
import os

import nbformat
import pytest
from nbclient import NotebookClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from support.paths import NOTEBOOKS, all_notebooks
from support.servers import require
from tutorial import database

pytestmark = pytest.mark.postgres

# 00 opens no database at all (it only checks the installed packages, which tests/test_requirements.py
# covers with and without DATABASE_URL): running it twice on the server would prove nothing nbval's run does not.
NEVER_OPENS_A_DATABASE = {"00-start-here"}
NOTEBOOK_PATHS = [path for path in all_notebooks() if path.stem not in NEVER_OPENS_A_DATABASE]
# Notebooks about SQLite files themselves: their first cell unsets DATABASE_URL, and they run on SQLite.
ON_SQLITE_WHATEVER_THE_SERVER = {"21-configure-the-database-url"}
LEARNER_ROLE = "tutorial_learner"  # CREATEDB, nothing else


@pytest.fixture(scope="module")
def postgres_url():
    return require("postgres")


@pytest.fixture(scope="module")
def learner_url(postgres_url):
    """The same server, as a role that may create databases and nothing more."""
    create_role(postgres_url, f"{LEARNER_ROLE} LOGIN CREATEDB NOSUPERUSER NOCREATEROLE")
    return make_url(postgres_url).set(username=LEARNER_ROLE).render_as_string(hide_password=False)


def create_role(server: str, definition: str) -> None:
    """``CREATE ROLE <definition>``, unless the role exists (another worker may create it at the same time)."""
    engine = create_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with engine.connect() as connection:
        connection.execute(text(
            f"DO $$ BEGIN CREATE ROLE {definition}; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        ))
    engine.dispose()


def learner_environment(learner: str, server_url: str, workspace) -> dict[str, str]:
    return {
        **os.environ,
        "JUPYTERHUB_USER": learner,
        "DATABASE_URL": server_url,
        "TUTORIAL_POSTGRES_URL": server_url,
        "ALEMBIC_TUTORIAL_WORKSPACE": str(workspace),
    }


def names_of(learner: str, workspace, project: str, monkeypatch) -> tuple[str, str]:
    """The start of every database name of ``learner``'s ``workspace``, and the name of ``project``'s own."""
    with monkeypatch.context() as patch:
        patch.setenv("JUPYTERHUB_USER", learner)
        patch.setenv("ALEMBIC_TUTORIAL_WORKSPACE", str(workspace))
        return database.workspace_prefix(), database.database_name(project)


async def run_both(notebooks, environments) -> None:
    clients = [
        NotebookClient(notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}})
        for notebook in notebooks
    ]
    await asyncio.gather(*(client.async_execute(env=env) for client, env in zip(clients, environments)))


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=[path.name for path in NOTEBOOK_PATHS])
def test_two_learners_run_the_notebook_at_once_on_one_server(path, postgres_url, learner_url, tmp_path, monkeypatch):
    learners = [("ada", postgres_url, tmp_path / "ada"), ("grace", learner_url, tmp_path / "grace")]
    notebooks = [nbformat.read(path, as_version=4) for _ in learners]
    names = [names_of(name, workspace, path.stem, monkeypatch) for name, _, workspace in learners]
    prefixes = [prefix for prefix, _ in names]
    try:
        asyncio.run(run_both(notebooks, [learner_environment(*learner) for learner in learners]))
        for (name, _, _), notebook, prefix in zip(learners, notebooks, prefixes):
            printed = "\n".join(output.get("text", "") for cell in notebook.cells for output in cell.get("outputs", []))
            if path.stem in ON_SQLITE_WHATEVER_THE_SERVER:
                assert "Database: sqlite:///" in printed, f"{name}'s project did not stay on SQLite"
            else:
                assert "Database: postgresql+psycopg://" in printed, f"{name}'s project did not use PostgreSQL"
                assert f"/{prefix}" in printed, f"{name}'s project is not on a database of {name}'s workspace"
            if path.stem.startswith("17-") and os.environ.get("TUTORIAL_REQUIRE_MARIADB") == "1":
                assert f"Database {prefix}" in printed and "created on the MariaDB server" in printed
    finally:
        leftovers = [name for prefix in prefixes for name in _databases(postgres_url, prefix)]
        for name in leftovers:
            database.reset_on(make_url(postgres_url), name, create=False, setting="TUTORIAL_POSTGRES_URL")
    # A learner's project keeps its databases: its own, and those a notebook makes beside it (30's `_analytics`).
    own = [name for _, name in names]
    strays = [name for name in leftovers if not any(name == kept or name.startswith(f"{kept}_") for kept in own)]
    assert not strays, f"databases left behind on the server: {strays}"


def _databases(server: str, prefix: str) -> list[str]:
    engine = create_engine(server, poolclass=NullPool)
    with engine.connect() as connection:
        names = connection.scalars(
            text("SELECT datname FROM pg_database WHERE starts_with(datname, :prefix)"), {"prefix": prefix}
        ).all()
    engine.dispose()
    return list(names)


def test_a_learners_database_is_closed_to_other_learners(learner_url, postgres_url, workspace, monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_USER", "ada")
    name = database.database_name("closed")
    database.reset_on(make_url(postgres_url), name, create=True, setting="DATABASE_URL")
    try:
        engine = create_engine(make_url(learner_url).set(database=name), poolclass=NullPool)
        with pytest.raises(Exception, match="permission denied for database"):
            engine.connect().close()
        engine.dispose()
    finally:
        database.reset_on(make_url(postgres_url), name, create=False, setting="DATABASE_URL")


def test_a_user_without_createdb_is_told_which_right_is_missing(postgres_url, workspace, monkeypatch):
    create_role(postgres_url, "tutorial_no_createdb LOGIN NOCREATEDB")
    monkeypatch.setenv("DATABASE_URL", make_url(postgres_url).set(username="tutorial_no_createdb").render_as_string())
    with pytest.raises(database.DatabaseUnavailable, match="(?s)refused to create.*ALTER ROLE tutorial_no_createdb CREATEDB"):
        database.recreate("no-right")
