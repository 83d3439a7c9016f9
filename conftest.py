"""Set-up for every pytest run here, whichever files it is given (notebooks alone included).

Notebooks and tests run in a temporary workspace, never the learner's
``workspace/``, and on SQLite, whose outputs the notebooks store.
"""

from __future__ import annotations

import os
import shutil
import tempfile


_workspace = None


def pytest_configure(config):
    global _workspace
    _workspace = tempfile.mkdtemp(prefix="alembic-tutorial-tests-")
    os.environ["ALEMBIC_TUTORIAL_WORKSPACE"] = _workspace
    os.environ.pop("DATABASE_URL", None)


def pytest_unconfigure(config):
    if _workspace:
        shutil.rmtree(_workspace, ignore_errors=True)


def pytest_xdist_make_scheduler(config, log):
    """Spread the tests over the workers one by one, except a notebook's cells, which go together.

    nbval runs a notebook's cells in order, in one kernel, so they must stay on one worker; so do the
    tests of the browser version (``tests/test_lite.py``), which share one build, one page and one
    Pyodide kernel. Every other test goes to whichever worker is free, so that the long passes (the
    browser, the servers) use both cores. (pytest-xdist's own ``loadgroup`` cannot do this with pytest 9, which no longer
    lets it rename the tests it groups.)
    """
    from xdist.scheduler import LoadScopeScheduling

    class NotebookScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return path if path.endswith((".ipynb", "test_lite.py")) else nodeid

    return NotebookScheduling(config, log)
