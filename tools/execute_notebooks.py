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
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat

REPOSITORY = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPOSITORY / "notebooks"
sys.path.insert(0, str(NOTEBOOKS))
from tutorial.devtools.kernel_runs import run_cells  # noqa: E402  (the helper package, in notebooks/)


def run(path: Path, env: dict[str, str] | None = None) -> tuple[nbformat.NotebookNode, float]:
    """Run the notebook at ``path`` top to bottom in a fresh kernel; return it with outputs, and the seconds taken."""
    notebook = nbformat.read(path, as_version=4)
    return notebook, run_cells(notebook, path.parent, env)


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
