"""Shared by the tests: the helper package on the path, the notebooks, and a fresh workspace fixture."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPOSITORY / "notebooks"
sys.path.insert(0, str(NOTEBOOKS))


def all_notebooks() -> list[Path]:
    """Every tutorial notebook; fails loudly when there is none."""
    notebooks = sorted(NOTEBOOKS.glob("*.ipynb"))
    if not notebooks:
        raise AssertionError(f"No notebooks found in {NOTEBOOKS}")
    return notebooks


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
