"""Run the commands a learner types in a terminal, from a notebook cell.

``alembic ...`` runs inside the kernel, in :func:`tutorial.sandbox.as_in_a_terminal` (the project's
modules re-read from disk, the project folder as working directory, the kernel's logging, working
directory and ``sys.path`` restored afterwards) and outside any event loop, so that an async
``env.py`` can call ``asyncio.run()``, as in a terminal. Its output is shown as a terminal shows it:

- Alembic's log lines (sent to stderr by ``alembic.ini``) are shown as plain
  output, in the order a terminal would show them, not as red error text;
- its messages are indented as in a terminal, but never wrapped (a terminal
  wraps them, and argparse's usage, at its width);
- a warning is shown once per command, without the path of the installed file that raised it;
- a failing command raises :class:`CommandFailed` with Alembic's own message.

``pytest ...``, ``ruff ...`` and ``flask ...`` (Flask-Migrate's ``flask db``) run in a new process of the
kernel's Python, in :func:`tutorial.sandbox.new_terminal_environment`. In the browser, which has no
processes, ``pytest ...`` and ``flask ...`` run inside the kernel instead (:func:`pytest_in_kernel`,
:func:`_run_flask_in_kernel`).

This module knows nothing of hints: whoever runs a command may pass an ``advise``
function (the ``%%terminal`` cells pass :func:`tutorial.hints.advise`), whose
hint is shown under the output or the error.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import subprocess
import sys
import textwrap
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import inbrowser
from .sandbox import (
    as_in_a_terminal,
    describe_exception,
    environment_variables,
    new_terminal_environment,
    outside_any_event_loop,
    relative_paths,
)

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
    if inbrowser.IN_BROWSER:
        runner = IN_THE_KERNEL_IN_THE_BROWSER.get(argv[0], runner)
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


def _run_pytest_in_kernel(command: str, argv: list[str], folder: Path):
    try:
        import pytest  # noqa: F401
    except ImportError:
        return _not_installed(command, "pytest", "pytest")
    result = pytest_in_kernel(argv[1:], folder, command)
    return result, CommandFailed(command, f"exit status {result.status}") if result.status else None


def _not_installed(command: str, program: str, package: str):
    """What a terminal cell says in the browser when ``program`` is not installed in the page yet."""
    return Result(command, "", 1), CommandFailed(command, (
        f"{program} is not installed in this page: run the `%pip install` cell below the notebook's title first "
        f"(where there is none, `%pip install {package}` in a cell installs it from this site)."
    ))


def pytest_in_kernel(arguments: list[str], folder: Path, command: str = "pytest") -> Result:
    """Run pytest inside this kernel (``pytest.main``), as ``python -m pytest`` would in a new terminal in ``folder``.

    For the browser, where no process can start: the project's modules are read afresh from disk and
    forgotten afterwards (:func:`tutorial.sandbox.as_in_a_terminal`), the project folder comes first on
    ``sys.path`` (as ``python -m`` puts it), the environment is a new terminal's
    (:func:`tutorial.sandbox.new_terminal_environment`), and the output is in colour, as a terminal shows
    it (``--color=no`` among ``arguments`` turns that off). Plugins load as in a new process: those
    installed (pytest-alembic) from their entry points, those named by ``-p``.

    :param arguments: pytest's arguments, e.g. ``["-vv", "--tb=no"]``.
    :param folder: the project folder.
    :param command: the command line, for the result.
    :returns: what pytest printed, its paths relative to ``folder``, and its exit status.
    """
    import pytest

    folder = Path(folder).resolve()
    wanted = new_terminal_environment()
    changed = {name: wanted.get(name) for name in {*os.environ, *wanted} if os.environ.get(name) != wanted.get(name)}
    buffer = io.StringIO()
    with as_in_a_terminal(folder), environment_variables(changed), \
            contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
        sys.path.insert(0, str(folder))
        status = int(pytest.main(["--color=yes", *arguments]))
    return Result(command, relative_paths(buffer.getvalue(), folder), status)


def _run_flask_in_kernel(command: str, argv: list[str], folder: Path):
    """``flask ...`` run by Flask's own command line inside the kernel, as ``python -m flask`` runs it in a new process.

    For the browser, which cannot start one. In :func:`as_in_a_terminal` (the project's modules read from disk
    as they are now, so that ``flask db migrate`` sees an edited model), with the project folder first on
    ``sys.path`` as ``python -m`` puts it, the environment of :func:`new_terminal_environment` (what the
    command sets there, ``FLASK_RUN_FROM_CLI`` say, is taken back after it), and its output as a process with
    captured pipes prints it (as :func:`_run_in_new_process` shows it): no terminal width, so Alembic's lines
    are not indented. Click's standalone mode ends the command with ``SystemExit`` and its exit status.
    """
    from alembic.util import messaging

    try:
        from flask.cli import FlaskGroup, ScriptInfo
    except ImportError:
        return _not_installed(command, "Flask", "flask-migrate")
    buffer = io.StringIO()
    info = ScriptInfo()
    status, error = 0, None
    saved_width = messaging.TERMWIDTH
    messaging.TERMWIDTH = None
    try:
        with as_in_a_terminal(folder), _environment_of_a_new_terminal(), _flask_migrate_printing_here(), \
                contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer), _short_warnings():
            sys.path.insert(0, str(folder))
            try:
                outside_any_event_loop(lambda: FlaskGroup(name="flask").main(argv[1:], prog_name="flask", obj=info))
            except SystemExit as exc:
                status = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
            except Exception as exc:  # raised by the app, env.py or the database driver: a traceback in a terminal
                status, error = 1, describe_exception(exc, folder)
            finally:
                _close_the_apps_engines(info)
    finally:
        messaging.TERMWIDTH = saved_width
    result = Result(command, relative_paths(buffer.getvalue(), folder), status)
    if status == 0:
        return result, None
    return result, CommandFailed(command, relative_paths(error, folder) if error else f"exit status {status}")


# In the browser, which cannot start a process, these commands run inside the kernel (alembic always does); the
# others need one (inbrowser.NEEDS_A_PROCESS).
IN_THE_KERNEL_IN_THE_BROWSER = {"pytest": _run_pytest_in_kernel, "flask": _run_flask_in_kernel}


@contextlib.contextmanager
def _environment_of_a_new_terminal():
    """``os.environ`` as :func:`new_terminal_environment` makes it for the block; then all of it put back."""
    saved = dict(os.environ)
    environment = new_terminal_environment()
    os.environ.clear()
    os.environ.update(environment)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextlib.contextmanager
def _flask_migrate_printing_here():
    """Flask-Migrate's commands print to the block's ``sys.stdout``.

    Its Alembic ``Config`` prints to the ``stdout`` it is given, by default the ``sys.stdout`` of when Alembic
    was imported (the kernel's, not the captured one).
    """
    try:
        import flask_migrate
    except ImportError:
        yield
        return
    original = flask_migrate.Config

    class Config(original):
        def __init__(self, *args, **kwargs):
            kwargs.setdefault("stdout", sys.stdout)
            super().__init__(*args, **kwargs)

    flask_migrate.Config = Config
    try:
        yield
    finally:
        flask_migrate.Config = original


def _close_the_apps_engines(info) -> None:
    """Close the connections of the engines Flask-SQLAlchemy made for the command's app (a process would end)."""
    app = info._loaded_app
    if app is not None and "sqlalchemy" in app.extensions:
        with app.app_context():
            for engine in app.extensions["sqlalchemy"].engines.values():
                engine.dispose()


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
