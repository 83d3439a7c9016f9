"""Each notebook runs twice in a row in one kernel, as when a learner presses Run All again.

The second run starts the project afresh, after moving the first run's files to
``workspace/.backups/`` and saying so. Outputs are not compared (the backup
message differs by design); every cell must run, and only cells tagged
``raises-exception`` may fail.
"""

from __future__ import annotations

import os

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import NOTEBOOKS, all_notebooks

NOTEBOOK_PATHS = all_notebooks()


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
