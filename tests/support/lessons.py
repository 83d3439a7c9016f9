"""A notebook's lesson run in an IPython shell of the test process, and its exercise's solution files after it."""

from __future__ import annotations

import nbformat

import tutorial
from support.paths import NOTEBOOKS

SOLUTIONS = NOTEBOOKS / "solutions"


def before_your_turn(shell, notebook: str):
    """Run the notebook's code cells that come before "## Your turn"; return its project."""
    shell.reset(new_session=False)
    shell.user_ns.update(tutorial=tutorial)
    for cell in nbformat.read(NOTEBOOKS / f"{notebook}.ipynb", as_version=4).cells:
        if cell.cell_type == "markdown" and cell.source.startswith("## Your turn"):
            break
        if cell.cell_type == "code":
            result = shell.run_cell(cell.source, silent=True)
            expected_to_fail = "raises-exception" in cell.metadata.get("tags", [])
            assert result.success != expected_to_fail, f"{notebook}: a cell did not run as in the notebook:\n{cell.source}"
    return shell.user_ns["project"]


def solve(shell, *names: str) -> None:
    """Run solution files as cells, in order; a name may be a prefix (``"06_"``: all of them)."""
    files = [path for name in names for path in sorted(SOLUTIONS.glob(f"{name}*"))]
    assert files, f"no solution file {names}"
    for path in files:
        result = shell.run_cell(path.read_text(encoding="utf-8"))
        assert result.success, f"{path.name} failed: {result.error_in_exec or result.error_before_exec!r}"
