"""The fixtures the tests share: the environment restored after each module, an IPython shell, a fresh workspace.

The helpers they share are in ``tests/support/``; ``notebooks`` and ``tests`` are on the path (pytest's ``pythonpath``).
"""

from __future__ import annotations

import os
import sys

import pytest

from support import lessons
from support.browser import CHROMIUM_MISSING, skip_or_fail
from support.notebook_page import VIEWPORT
from tutorial.devtools.chromium import FLAGS as CHROMIUM_FLAGS
from tutorial.devtools.chromium import find_chromium


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


@pytest.fixture
def your_turn(shell, monkeypatch):
    """Start a notebook's exercise: ``your_turn("06-go-back-with-downgrade")`` runs its lesson in ``shell``
    (:func:`support.lessons.run_lesson`) and returns its project; the test then stands in the project's folder."""

    def start(notebook: str):
        project = lessons.run_lesson(shell, notebook)
        monkeypatch.chdir(project.folder)
        return project

    return start


@pytest.fixture
def clean_modules(monkeypatch):
    """The current folder on ``sys.path``, as in a kernel; each test's ``billtracker`` forgotten afterwards."""
    monkeypatch.syspath_prepend("")
    yield
    for name in [name for name in sys.modules if name == "billtracker" or name.startswith("billtracker.")]:
        del sys.modules[name]


@pytest.fixture(scope="module")
def chromium() -> str:
    """The path of Chromium's program; the module's tests skip (or fail, when required) without it."""
    path = find_chromium()
    if path is None:
        skip_or_fail(CHROMIUM_MISSING)
    return path


@pytest.fixture(scope="module")
def browser(chromium, lab):
    """One headless Chromium (a persistent context with a fresh profile in the temporary folder of the module's ``lab``)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("The Python package `playwright` is missing: pip install -r requirements-test.txt (make test does)")
    home = lab.root / ".state" / "chromium-home"
    home.mkdir(parents=True)
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
    }
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(lab.root / ".state" / "chromium-profile"),
            executable_path=chromium,
            args=CHROMIUM_FLAGS,
            headless=True,
            env=env,
            viewport=VIEWPORT,
            timeout=60_000,
        )
        try:
            yield context
        finally:
            context.close()
