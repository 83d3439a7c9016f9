"""Run the commands a learner types in a terminal, from a notebook cell.

``alembic ...`` runs inside the kernel (a few milliseconds instead of the
half second a new Python process costs), but behaves as in a terminal
opened in the project folder:

- the project's modules are re-read from disk first, so a model the learner
  just edited is what Alembic sees;
- Alembic's log lines (sent to stderr by ``alembic.ini``) are shown as plain
  output, in the order a terminal would show them, not as red error text;
- its messages are indented as in a terminal, but never wrapped (a terminal
  wraps them, and argparse's usage, at its width);
- the kernel's own logging setup, working directory and ``sys.path`` are
  restored afterwards (``env.py`` calls ``logging.config.fileConfig``);
- a failing command raises :class:`CommandFailed` with Alembic's own message;
- no event loop runs around it (the kernel's runs in its thread), so an async ``env.py`` can
  call ``asyncio.run()``, as in a terminal.

``pytest ...``, ``ruff ...`` and ``flask ...`` (Flask-Migrate's ``flask db``) run in a new process of the kernel's Python.

This module knows nothing of hints: whoever runs a command may pass an ``advise``
function (the ``%%terminal`` cells pass :func:`tutorial.hints.advise`), whose
hint is shown under the output or the error.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import os
import re
import shlex
import subprocess
import sys
import textwrap
import threading
import traceback
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import fresh, inbrowser

SUPPORTED = ("alembic", "pytest", "ruff", "flask")
WIDTH = 100  # characters per line of a message or hint
# In a terminal, Alembic indents its messages by two spaces and wraps them, and argparse wraps its usage,
# at the terminal's width. A cell prints as a terminal wider than any line: indented, never wrapped.
NO_WRAP_WIDTH = 100_000


class CommandFailed(Exception):
    """A command typed in a terminal cell failed; the message is the tool's own."""

    def __init__(self, command: str, message: str, hint: str | None = None):
        self.command = command
        self.message = message
        self.hint = hint
        super().__init__(message)

    def _render_traceback_(self) -> list[str]:
        """What IPython shows instead of a Python traceback."""
        lines = [f"CommandFailed: `{self.command}` failed:"]
        lines += [wrapped for line in self.message.splitlines() for wrapped in _wrap(line)]
        if self.hint:
            lines += ["", *_wrap(f"Hint: {self.hint}", indent="      ")]
        return lines


@dataclass
class Result:
    """What a command printed, and its exit status (0 for success)."""

    command: str
    output: str
    status: int = 0


Adviser = Callable[[str, Path, str, "str | None"], "str | None"]


def run(command: str, folder: Path | str = ".", echo: bool = True, advise: Adviser | None = None) -> Result:
    """Run one command line as if typed in a terminal opened in ``folder``.

    :param command: the command line, e.g. ``alembic upgrade head``.
    :param folder: the project folder the terminal is in.
    :param echo: print the command's output (and a hint, if any).
    :param advise: called as ``advise(command, folder, output, message)`` after the command
        (``message`` is the error's, or None); the hint it returns is shown.
    :raises CommandFailed: the command failed; the message is the tool's own.
    """
    folder = Path(folder).resolve()
    argv = shlex.split(command)
    if not argv:
        return Result(command, "")
    if argv[0] not in SUPPORTED:
        raise CommandFailed(
            command,
            f"This tutorial's terminal cells run {', '.join(SUPPORTED[:-1])} and {SUPPORTED[-1]} commands only; "
            f"run `{argv[0]}` in a real terminal (JupyterLab: File > New > Terminal).",
        )
    runner = _run_alembic if argv[0] == "alembic" else _run_in_new_process
    result, error = runner(command, argv, folder)
    if echo and result.output:
        print(result.output, end="" if result.output.endswith("\n") else "\n")
    hint = advise(command, folder, result.output, error.message if error else None) if advise else None
    if error is not None:
        error.hint = hint
        raise error
    if echo and hint:
        print("\n" + "\n".join(_wrap(f"Hint: {hint}", indent="      ")))
    return result


def _wrap(line: str, indent: str = "") -> list[str]:
    """Break a long line between words: a notebook would break it anywhere, even inside a word."""
    return textwrap.wrap(line, WIDTH, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False) or [""]


def relative_paths(text: str, folder: Path) -> str:
    """Show paths inside the project relative to it, as the learner thinks of them."""
    return text.replace(str(folder) + os.sep, "").replace(str(folder), ".")


def _run_alembic(command: str, argv: list[str], folder: Path):
    from alembic import util
    from alembic.util import messaging

    _CommandLine = _command_line_class()
    buffer = io.StringIO()
    error = None
    status = 0
    with as_in_a_terminal(folder), contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer), \
            _short_warnings(), _wider_than_any_line(messaging):
        try:
            outside_any_event_loop(_CommandLine(prog="alembic").main, ["--raiseerr", *argv[1:]])
        except util.CommandError as exc:
            status, error = 1, str(exc)
        except SystemExit as exc:  # argparse: --help, or a mistyped command or option
            status = exc.code if isinstance(exc.code, int) else 2
            if status:
                error = _usage_error(buffer)
        except Exception as exc:  # raised by env.py, a model module or the database driver
            status, error = 1, describe_exception(exc, folder)
    output = relative_paths(buffer.getvalue(), folder)
    result = Result(command, output, status)
    if error is None:
        return result, None
    return result, CommandFailed(command, relative_paths(error, folder))


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


def _usage_error(buffer: io.StringIO) -> str:
    """argparse's last line (``alembic: error: ...``), taken out of the output so that it shows once."""
    lines = buffer.getvalue().rstrip("\n").splitlines()
    if not lines:
        return "usage error"
    error = re.sub(r"argument \{[^}]*\}: ", "", lines.pop())  # the usage above lists those choices already
    buffer.seek(0)
    buffer.truncate()
    buffer.write("".join(line + "\n" for line in lines))
    return error


def _command_line_class():
    from alembic.config import CommandLine

    class InCellCommandLine(CommandLine):
        """Alembic's command line, printing to the cell's captured output."""

        def run_cmd(self, config, options):
            config.stdout = sys.stdout  # Config binds the real stdout when Alembic is imported
            super().run_cmd(config, options)

    return InCellCommandLine


def _run_in_new_process(command: str, argv: list[str], folder: Path):
    if inbrowser.IN_BROWSER:
        return Result(command, "", 1), CommandFailed(command, inbrowser.unavailable(f"`{command}`"))
    process = subprocess.run(
        [sys.executable, "-m", *argv],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=new_terminal_environment(),
    )
    output = relative_paths(process.stdout, folder)
    result = Result(command, output, process.returncode)
    if process.returncode == 0:
        return result, None
    return result, CommandFailed(command, f"exit status {process.returncode}")


# What pytest takes as "running on a CI server" (_pytest.assertion.util.running_on_ci).
CI_VARIABLES = ("CI", "BUILD_NUMBER")


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


@contextlib.contextmanager
def _wider_than_any_line(messaging):
    """Let Alembic and argparse print as in a terminal of :data:`NO_WRAP_WIDTH` columns."""
    saved_columns = os.environ.get("COLUMNS")
    messaging.TERMWIDTH = NO_WRAP_WIDTH
    os.environ["COLUMNS"] = str(NO_WRAP_WIDTH)  # argparse reads the width from COLUMNS first
    try:
        yield
    finally:
        if saved_columns is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = saved_columns


@contextlib.contextmanager
def _short_warnings():
    """Show a warning as ``UserWarning: <message>``, without the path of the installed file that raised it.

    Entering ``catch_warnings`` also forgets which warnings were shown already, so each
    command shows its warnings, as a new process would.
    """
    with warnings.catch_warnings():
        warnings.showwarning = _show_warning
        yield


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    print("\n".join(_wrap(f"{category.__name__}: {message}", indent="  ")), file=sys.stderr)


@contextlib.contextmanager
def as_in_a_terminal(folder: Path):
    """Run in ``folder`` as a fresh process would, then put the kernel back as it was."""
    saved_cwd = os.getcwd()
    saved_path = list(sys.path)
    saved_bytecode = sys.dont_write_bytecode
    saved_logging = _logging_state()
    fresh.forget_project_modules(folder)
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
