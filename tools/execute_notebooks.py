"""Produce the stored outputs of the notebooks: run each one top to bottom in a fresh kernel.

Usage::

    python tools/execute_notebooks.py                 # every notebook
    python tools/execute_notebooks.py notebooks/03-*.ipynb

Each notebook runs with nbclient in a new ``python3`` kernel started in
``notebooks/``, on SQLite, in a temporary workspace (your ``workspace/`` is not
touched). A cell that raises fails the run unless it is tagged
``raises-exception``. The notebook is then saved with its outputs.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
from nbclient import NotebookClient

REPOSITORY = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPOSITORY / "notebooks"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def run(path: Path, env: dict[str, str] | None = None) -> tuple[nbformat.NotebookNode, float]:
    """Run the notebook at ``path`` top to bottom in a fresh kernel; return it with outputs, and the seconds taken."""
    notebook = nbformat.read(path, as_version=4)
    return notebook, run_cells(notebook, path.parent, env)


def run_cells(notebook: nbformat.NotebookNode, folder: Path, env: dict[str, str] | None = None) -> float:
    """Run ``notebook``'s cells in a fresh kernel started in ``folder``, in a temporary workspace; return seconds.

    The outputs are put in ``notebook``. A cell that raises (untagged) raises ``CellExecutionError``.
    """
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
    """Drop the server databases the run left (the projects of notebooks 19, 20 and 26 live on PostgreSQL)."""
    sys.path.insert(0, str(NOTEBOOKS))
    from tutorial import servers

    saved = os.environ.get("ALEMBIC_TUTORIAL_WORKSPACE")
    os.environ["ALEMBIC_TUTORIAL_WORKSPACE"] = workspace
    try:
        servers.drop_workspace_databases()
    finally:
        if saved is None:
            os.environ.pop("ALEMBIC_TUTORIAL_WORKSPACE")
        else:
            os.environ["ALEMBIC_TUTORIAL_WORKSPACE"] = saved


def execute(path: Path) -> float:
    """Run the notebook at ``path`` in a fresh kernel and save it with its outputs; return seconds."""
    notebook, seconds = run(path)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
    nbformat.validate(notebook)
    nbformat.write(notebook, path)
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to run (default: all)")
    parser.add_argument("-j", "--jobs", type=int, default=2, help="notebooks run at once")
    args = parser.parse_args()
    paths = [path.resolve() for path in args.notebooks] or sorted(NOTEBOOKS.glob("*.ipynb"))
    if not paths:
        print("No notebooks found.", file=sys.stderr)
        return 1
    failed = 0
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for path, future in [(path, pool.submit(execute, path)) for path in paths]:
            try:
                print(f"{path.relative_to(REPOSITORY)}: {future.result():.1f} s")
            except Exception as error:  # report every failing notebook, not only the first
                failed += 1
                print(f"{path.relative_to(REPOSITORY)}: FAILED\n{error}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
