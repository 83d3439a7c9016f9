"""Set-up for every pytest run here, whichever files it is given (notebooks alone included).

Notebooks and tests run in a temporary workspace, never the learner's
``workspace/``, and on SQLite, whose outputs the notebooks store.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

_workspace = None


def pytest_configure(config):
    global _workspace
    _workspace = tempfile.mkdtemp(prefix="alembic-tutorial-tests-")
    os.environ["ALEMBIC_TUTORIAL_WORKSPACE"] = _workspace
    os.environ.pop("DATABASE_URL", None)


def pytest_unconfigure(config):
    if _workspace:
        shutil.rmtree(_workspace, ignore_errors=True)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Keep each notebook's cells together on one worker (nbval runs them in order, in one kernel).

    With ``--dist loadgroup`` every other test goes to whichever worker is free, so that the
    long passes (the browser, the servers) spread over both cores.
    """
    for item in items:
        path = item.nodeid.split("::")[0]
        if path.endswith(".ipynb"):
            item.add_marker(pytest.mark.xdist_group(path))
