"""The fixtures the tests share: the environment restored after each module, an IPython shell, a fresh workspace.

The helpers they share are in ``tests/support/``; ``notebooks`` and ``tests`` are on the path (pytest's ``pythonpath``).
"""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="module", autouse=True)
def environment_as_the_module_found_it():
    """What a module's lessons, run in this process, set in ``os.environ`` (an app's URL, say) goes with it.

    Else a later module's kernels, which inherit this process's environment, would see it.
    """
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(scope="module")
def shell():
    """An IPython shell, as in a notebook's kernel, with ``%%terminal`` registered."""
    from IPython.core.interactiveshell import InteractiveShell

    from tutorial import magics

    shell = InteractiveShell.instance()
    magics.register()
    return shell


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    """A fresh, empty workspace for one test; the working directory is restored afterwards."""
    monkeypatch.setenv("ALEMBIC_TUTORIAL_WORKSPACE", str(tmp_path / "workspace"))
    monkeypatch.chdir(tmp_path)
    return tmp_path / "workspace"
