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


def pytest_configure(config):
    global _workspace
    _workspace = tempfile.mkdtemp(prefix="alembic-tutorial-tests-")
    os.environ["ALEMBIC_TUTORIAL_WORKSPACE"] = _workspace
    os.environ.pop("DATABASE_URL", None)


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
