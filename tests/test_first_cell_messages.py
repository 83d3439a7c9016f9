"""A class's usual faults, seen where a learner sees them: one clear message in a notebook's first cell.

A hub hands every learner a ``DATABASE_URL``; when the role behind it may not
create databases, when the server is down, or when the URL itself is wrong, the
first cell (``tutorial.start``) must say what happened and what to do in one
message, not a Python traceback. Each case runs the first cell of notebook 01 in
a real kernel.
"""

from __future__ import annotations

import os
import socket

import nbformat
import pytest
from nbclient import NotebookClient
from sqlalchemy.engine import make_url
from test_notebooks_on_postgresql import create_role

from support.paths import NOTEBOOKS
from support.servers import require

NO_RIGHT = "tutorial_no_createdb"  # a role that may log in, and no more


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (it was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def first_cell_output(database_url: str, tmp_path) -> dict:
    """Run notebook 01's first code cell with ``database_url``; return its one output."""
    notebook = nbformat.read(NOTEBOOKS / "01-build-the-models.ipynb", as_version=4)
    notebook.cells = [cell for cell in notebook.cells if cell.cell_type == "code"][:1]
    environment = {
        **os.environ, "DATABASE_URL": database_url, "JUPYTERHUB_USER": "ada", "ALEMBIC_TUTORIAL_WORKSPACE": str(tmp_path / "workspace"),
    }
    client = NotebookClient(notebook, timeout=60, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute(env=environment)
    outputs = notebook.cells[0].outputs
    assert len(outputs) == 1, f"the first cell showed {len(outputs)} outputs: {outputs}"
    return outputs[0]


def assert_one_clear_message(output: dict, *phrases: str) -> None:
    assert output["output_type"] == "error", f"the first cell did not stop: {output}"
    assert len(output["traceback"]) == 1, "the first cell showed a Python traceback:\n" + "\n".join(output["traceback"])
    message = output["traceback"][0]
    assert message.startswith("DatabaseUnavailable: "), message
    for phrase in phrases:
        assert phrase in message, f"{phrase!r} is not in the message:\n{message}"


def test_a_server_that_is_down(tmp_path):
    output = first_cell_output(f"postgresql+psycopg://ada@127.0.0.1:{closed_port()}/postgres", tmp_path)
    assert_one_clear_message(output, "does not answer", "Start the server, correct DATABASE_URL, or unset it")


@pytest.mark.parametrize("url, phrases", [
    ("postgresql+psycopg//ada:secret@127.0.0.1/postgres", ("is not a database URL", "ada:***@", "postgresql+psycopg://USER@HOST")),
    ("postgres://ada@127.0.0.1:5432/postgres", ("SQLAlchemy knows no database called 'postgres'", "write postgresql+psycopg://")),
], ids=["not-a-url", "heroku-style-scheme"])
def test_a_hub_whose_database_url_is_wrong(url, phrases, tmp_path):
    output = first_cell_output(url, tmp_path)
    assert_one_clear_message(output, *phrases)
    assert "secret" not in output["traceback"][0]


@pytest.mark.postgres
def test_a_hub_whose_database_url_names_a_role_that_does_not_exist(tmp_path):
    server = require("postgres")
    output = first_cell_output(make_url(server).set(username="tutorial_no_such_role").render_as_string(hide_password=False), tmp_path)
    assert_one_clear_message(output, "has no user tutorial_no_such_role", "CREATE ROLE tutorial_no_such_role LOGIN CREATEDB")


@pytest.mark.postgres
def test_a_learner_whose_role_may_not_create_databases(tmp_path):
    server = require("postgres")
    create_role(server, f"{NO_RIGHT} LOGIN NOCREATEDB")
    output = first_cell_output(make_url(server).set(username=NO_RIGHT).render_as_string(hide_password=False), tmp_path)
    assert_one_clear_message(output, "refused to create or drop alembic_tutorial_ada_", f"ALTER ROLE {NO_RIGHT} CREATEDB")


@pytest.mark.postgres
def test_a_hub_whose_database_url_names_a_database_that_does_not_exist(tmp_path):
    server = require("postgres")
    output = first_cell_output(make_url(server).set(database="tutorial_no_such_database").render_as_string(hide_password=False), tmp_path)
    assert_one_clear_message(output, "has no database tutorial_no_such_database to connect to", "postgres is always there")
