"""Run the learner's code inside the kernel as a new process in a terminal would run it, then put the kernel back.

Alembic, ``env.py`` and the learner's models run in the kernel (a few milliseconds instead of the half
second a new Python process costs). Inside :func:`as_in_a_terminal`:

- the project's modules are re-read from disk, so a model the learner just edited is what is seen
  (:func:`imported_afresh` imports them so, for code of the tutorial that reads them);
- the working directory is the project folder, and ``sys.path`` lacks the kernel's working folder
  (only ``alembic.ini``'s ``prepend_sys_path`` puts the project on it, as in a terminal);
- the kernel's logging setup, working directory and ``sys.path`` are restored afterwards
  (``env.py`` calls ``logging.config.fileConfig``);
- the Alembic extensions that ``env.py`` imports (:data:`ALEMBIC_EXTENSIONS`) start afresh each time
  and leave nothing behind in Alembic's table of comparators.

:func:`outside_any_event_loop` calls a function where no event loop runs (the kernel's runs in its
thread), so that an async ``env.py`` can call ``asyncio.run()``. :func:`new_terminal_environment` is
the environment for a program started as in a new terminal; :func:`environment_variables` sets some for a block. What the code raised is told in the
learner's terms by :func:`describe_exception` and :func:`relative_paths`.

Nothing here runs a command or gives a hint (that is :mod:`tutorial.terminal`), and nothing here is a
security boundary: the learner's code runs with the kernel's rights.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import os
import sys
import threading
import traceback
from pathlib import Path
from typing import Callable

from . import fresh, inbrowser

# What pytest takes as "running on a CI server" (_pytest.assertion.util.running_on_ci).
CI_VARIABLES = ("CI", "BUILD_NUMBER")

# Alembic extensions that add themselves to Alembic's global table of autogenerate comparators when imported,
# and keep state beside it (alembic_utils the entities env.py registers). A terminal starts each command
# without them, so a command in the kernel does too, and the next project's autogenerate never meets them.
ALEMBIC_EXTENSIONS = ("alembic_postgresql_enum", "alembic_utils")


class ProjectProblem(Exception):
    """Something in the learner's project keeps us from reading it; the message says what, and what to do."""


@contextlib.contextmanager
def as_in_a_terminal(folder: Path):
    """Run in ``folder`` as a fresh process would, then put the kernel back as it was.

    :param folder: the project folder the terminal is in.
    """
    saved_cwd = os.getcwd()
    saved_path = list(sys.path)
    saved_bytecode = sys.dont_write_bytecode
    saved_logging = _logging_state()
    fresh.forget_project_modules(folder)
    _forget_alembic_extensions()
    os.chdir(folder)
    # A kernel imports from its working folder (''); the `alembic` program does not: only
    # alembic.ini's prepend_sys_path puts the project on the path, as in a terminal.
    sys.path[:] = [entry for entry in sys.path if entry not in ("", ".")]
    sys.dont_write_bytecode = True
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        sys.path[:] = saved_path
        sys.dont_write_bytecode = saved_bytecode
        _restore_logging(saved_logging)
        fresh.forget_project_modules(folder)
        _forget_alembic_extensions()


@contextlib.contextmanager
def environment_variables(values: dict[str, str | None]):
    """Set (or, for None, unset) environment variables for the ``with`` block; then put back what was there."""
    saved = {name: os.environ.get(name) for name in values}
    try:
        for name, value in values.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextlib.contextmanager
def imported_afresh(folder: Path, *names: str):
    """The learner's modules ``names``, imported from the files in ``folder`` as they are now, for the block.

    Runs :func:`as_in_a_terminal` with ``folder`` first on ``sys.path``: the project's modules are
    forgotten before the import (an edited file is read again) and after the block (the next reader
    reads it again too).

    :param folder: the project folder.
    :param names: dotted module names, e.g. ``billtracker.data.__all_models``, imported in order.
    :returns: (as the ``with`` target) the module, or a tuple of them when ``names`` are several.
    :raises ProjectProblem: a module does not import; the message names the file and line of the learner's code.
    """
    folder = Path(folder).resolve()
    with as_in_a_terminal(folder):
        sys.path.insert(0, str(folder))
        try:
            modules = tuple(importlib.import_module(name) for name in names)
        except Exception as error:
            raise ProjectProblem(relative_paths(describe_exception(error, folder), folder)) from None
        yield modules[0] if len(modules) == 1 else modules


def _forget_alembic_extensions() -> None:
    """Take :data:`ALEMBIC_EXTENSIONS` out of Alembic's comparators and out of ``sys.modules``."""
    from alembic.autogenerate import comparators

    def extension(name: str) -> bool:
        return name.split(".")[0] in ALEMBIC_EXTENSIONS

    for functions in comparators._registry.values():
        functions[:] = [entry for entry in functions if not extension(getattr(entry[0], "__module__", "") or "")]
    for name in [name for name in sys.modules if extension(name)]:
        del sys.modules[name]


def _logging_state():
    root = logging.getLogger()
    loggers = {
        name: (logger.disabled, logger.level, list(logger.handlers), logger.propagate)
        for name, logger in logging.Logger.manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
    }
    return root.level, list(root.handlers), loggers


def _restore_logging(state) -> None:
    root_level, root_handlers, loggers = state
    root = logging.getLogger()
    root.setLevel(root_level)
    root.handlers[:] = root_handlers
    for name, logger in logging.Logger.manager.loggerDict.items():
        if not isinstance(logger, logging.Logger):
            continue
        if name in loggers:
            logger.disabled, level, handlers, logger.propagate = loggers[name]
            logger.setLevel(level)
            logger.handlers[:] = handlers
        else:  # created by env.py or a model: keep it quiet in the kernel
            logger.handlers.clear()
            logger.propagate = True


def outside_any_event_loop(function: Callable, *arguments):
    """``function(*arguments)``, in a thread of its own if this thread runs an event loop.

    A kernel runs one in its main thread, and ``asyncio.run()`` (which the ``env.py`` of
    ``alembic init -t async`` calls) refuses to start inside a running loop. A terminal has none.
    Whatever ``function`` raises is raised here, with its traceback. In the browser, whose Python has
    no threads, ``function`` runs in place.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*arguments)
    if inbrowser.IN_BROWSER:
        return function(*arguments)
    outcome: dict = {}

    def call():
        try:
            outcome["value"] = function(*arguments)
        except BaseException as error:  # SystemExit from argparse too: raised again below
            outcome["error"] = error

    thread = threading.Thread(target=call, name="alembic")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def new_terminal_environment() -> dict[str, str]:
    """The kernel's environment, less what would make a program behave otherwise than in a new terminal.

    A kernel started by a test run inherits that run's ``PYTEST_ADDOPTS``, ``PYTEST_PLUGINS``,
    ``PYTEST_XDIST_WORKER`` and the like, and on a CI server ``CI`` (or ``BUILD_NUMBER``), which makes
    ``pytest`` print whole failure messages in its summary; the learner's own ``pytest`` must not obey them.
    """
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("PYTEST_") and name not in CI_VARIABLES
    }
    return {**environment, "COLUMNS": "100", "PYTHONDONTWRITEBYTECODE": "1"}


def relative_paths(text: str, folder: Path) -> str:
    """Show paths inside the project relative to it, as the learner thinks of them."""
    return text.replace(str(folder) + os.sep, "").replace(str(folder), ".")


def describe_exception(exc: Exception, folder: Path) -> str:
    """One paragraph: the exception, and where in the learner's files it was raised."""
    text = f"{type(exc).__module__}.{type(exc).__qualname__}: {exc}".replace("builtins.", "")
    frames = [
        frame
        for frame in traceback.extract_tb(exc.__traceback__)
        if Path(frame.filename).is_file() and Path(frame.filename).resolve().is_relative_to(folder)
    ]
    if isinstance(exc, SyntaxError) and exc.filename:
        frames.append(traceback.FrameSummary(exc.filename, exc.lineno or 0, "<module>"))
    if frames:
        where = frames[-1]
        text += f"\n  (raised in {where.filename}, line {where.lineno})"
    return text
