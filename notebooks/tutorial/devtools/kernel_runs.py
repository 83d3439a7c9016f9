"""Run a notebook's cells in a fresh kernel, as Run All does, in a temporary workspace that goes afterwards.

Not for the notebooks themselves: ``tools/execute_notebooks.py`` stores the notebooks' outputs with it, and the
exercise tests run a lesson and its solution with it.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import nbformat

from .. import servers

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def run_cells(notebook: nbformat.NotebookNode, folder: Path, env: dict[str, str] | None = None) -> float:
    """Run ``notebook``'s cells in a fresh kernel started in ``folder``, in a temporary workspace; return seconds.

    The outputs are put in ``notebook``. A cell that raises (untagged) raises ``CellExecutionError``.
    """
    from nbclient import NotebookClient  # not in the browser's kernel, which never runs this

    notebook.metadata["kernelspec"] = KERNELSPEC
    with tempfile.TemporaryDirectory(prefix="alembic-tutorial-") as workspace:
        kernel_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # stored outputs are SQLite's
        kernel_env.update(env or {}, ALEMBIC_TUTORIAL_WORKSPACE=workspace)
        client = NotebookClient(
            notebook,
            timeout=120,
            kernel_name="python3",
            resources={"metadata": {"path": str(folder)}},
            record_timing=False,
            extra_arguments=["--IPKernelApp.log_level=ERROR"],  # not its warning about TCP on loopback
        )
        started = time.perf_counter()
        try:
            client.execute(env=kernel_env)
        finally:
            _drop_server_databases(workspace)
        return time.perf_counter() - started


def _drop_server_databases(workspace: str) -> None:
    """Drop the server databases the run left (the notebooks of servers.NOTEBOOKS_ON_A_SERVER keep theirs there)."""
    saved = os.environ.get("ALEMBIC_TUTORIAL_WORKSPACE")
    os.environ["ALEMBIC_TUTORIAL_WORKSPACE"] = workspace
    try:
        servers.drop_workspace_databases()
    finally:
        if saved is None:
            os.environ.pop("ALEMBIC_TUTORIAL_WORKSPACE")
        else:
            os.environ["ALEMBIC_TUTORIAL_WORKSPACE"] = saved
