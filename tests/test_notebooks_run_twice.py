"""Each notebook runs twice in a row in one kernel, as when a learner presses Run All again, and
leaves a healthy project.

The second run starts the project afresh, after moving the first run's files to
``workspace/.backups/`` and saying so. Outputs are not compared (the backup
message differs by design); every cell must run, and only cells tagged
``raises-exception`` may fail.

Then the project must be one a learner could keep (see ``project_health``),
unless the notebook's lesson is exactly such a defect and its last section says so.
"""

from __future__ import annotations

import os

import nbformat
import pytest
from nbclient import NotebookClient

import project_health
from conftest import NOTEBOOKS, all_notebooks

NOTEBOOK_PATHS = all_notebooks()

# The notebooks that end on purpose with a project that is not healthy: what is wrong, and the words
# of their last section that say so.
ENDS_UNHEALTHY = {
    "00-start-here": (["no Alembic project"], None),
    "01-build-the-models": (["no Alembic project"], None),
    "03-change-a-model": (
        ["`alembic check` fails on its database: Target database is not up to date."],
        "not applied",
    ),
}


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=[path.name for path in NOTEBOOK_PATHS])
def test_notebook_runs_twice_in_one_kernel(path, tmp_path):
    notebook = nbformat.read(path, as_version=4)
    env = {**os.environ, "ALEMBIC_TUTORIAL_WORKSPACE": str(tmp_path / "workspace")}
    env.pop("DATABASE_URL", None)
    client = NotebookClient(notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}})
    with client.setup_kernel(env=env):
        for run in (1, 2):
            for index, cell in enumerate(notebook.cells):
                client.execute_cell(cell, index)  # raises on an error in a cell not tagged raises-exception
            first_code_cell = next(cell for cell in notebook.cells if cell.cell_type == "code")
            printed = "".join(output.get("text", "") for output in first_code_cell.outputs)
            if path.stem != "00-start-here":
                moved = f"Your earlier files in workspace/{path.stem} were moved to workspace/.backups/{path.stem}/"
                assert (moved in printed) == (run == 2), printed
    if path.stem != "00-start-here":
        assert len(list((tmp_path / "workspace" / ".backups" / path.stem).iterdir())) == 1
    expected, said = ENDS_UNHEALTHY.get(path.stem, ([], None))
    assert project_health.problems(tmp_path / "workspace" / path.stem) == expected
    if said is not None:
        last_section = "\n".join(cell.source for cell in notebook.cells[-3:] if cell.cell_type == "markdown")
        assert said in last_section, f"the last section of {path.name} must say that the project ends so"
