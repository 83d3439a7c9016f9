"""The whole series on a real PostgreSQL server: every cell runs, every assertion in the notebooks holds.

The stored outputs are SQLite's, so outputs are not compared here; what is
checked is that each notebook runs top to bottom (cells tagged
``raises-exception`` may fail, no other) with ``DATABASE_URL`` pointing at the
server, each notebook in its own database.
"""

from __future__ import annotations

import os

import nbformat
import pytest
from nbclient import NotebookClient
from sqlalchemy import create_engine, text

from conftest import NOTEBOOKS, all_notebooks
from servers import require
from tutorial.database import database_name

pytestmark = pytest.mark.postgres

NOTEBOOK_PATHS = all_notebooks()


@pytest.fixture(scope="module")
def postgres_url():
    return require("postgres")


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=[path.name for path in NOTEBOOK_PATHS])
def test_notebook_runs_on_postgresql(path, postgres_url, tmp_path):
    notebook = nbformat.read(path, as_version=4)
    env = {**os.environ, "DATABASE_URL": postgres_url, "ALEMBIC_TUTORIAL_WORKSPACE": str(tmp_path / "workspace")}
    client = NotebookClient(notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}})
    try:
        client.execute(env=env)
        if path.stem != "00-start-here":
            first_code_cell = next(cell for cell in notebook.cells if cell.cell_type == "code")
            printed = "".join(output.get("text", "") for output in first_code_cell.outputs)
            assert "Database: postgresql+psycopg://" in printed, "the notebook's project did not use PostgreSQL"
    finally:
        _drop(postgres_url, database_name(path.stem))


def _drop(server: str, name: str) -> None:
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()
