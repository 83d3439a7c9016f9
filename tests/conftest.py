"""Shared set-up: the helper package on the path, and a workspace the tests may scribble in."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPOSITORY / "notebooks"
sys.path.insert(0, str(NOTEBOOKS))

_workspace = None


def pytest_configure(config):
    """Run notebooks and tests in a temporary workspace (never the learner's), on SQLite."""
    global _workspace
    _workspace = tempfile.mkdtemp(prefix="alembic-tutorial-tests-")
    os.environ["ALEMBIC_TUTORIAL_WORKSPACE"] = _workspace
    os.environ.pop("DATABASE_URL", None)  # the stored outputs are SQLite's


def pytest_unconfigure(config):
    if _workspace:
        shutil.rmtree(_workspace, ignore_errors=True)


def all_notebooks() -> list[Path]:
    """Every tutorial notebook; fails loudly when there is none."""
    notebooks = sorted(NOTEBOOKS.glob("*.ipynb"))
    if not notebooks:
        raise AssertionError(f"No notebooks found in {NOTEBOOKS}")
    return notebooks


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    """A fresh, empty workspace for one test; the working directory is restored afterwards."""
    monkeypatch.setenv("ALEMBIC_TUTORIAL_WORKSPACE", str(tmp_path / "workspace"))
    monkeypatch.chdir(tmp_path)
    return tmp_path / "workspace"
