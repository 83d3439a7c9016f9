"""A ``%%terminal`` cell prints what ``alembic`` prints in a real terminal.

The core series' Alembic commands, a learner's usual mistakes among them, run on two projects built
the same way: in one through the in-kernel runner (what a ``%%terminal`` cell calls), in the other as
real ``alembic`` processes started by ``bash`` on a pseudo-terminal, as in JupyterLab's Terminal. The
two outputs must agree line by line once revision ids are set aside and the runner's three deliberate
changes are made to the terminal's output (notebook 04's *Do it for real* names them to the learner):

- paths inside the project are shown relative to it;
- a failure's message, which Alembic prints after ``FAILED:`` (and, once ``env.py`` has set up logging,
  as an ``ERROR`` log line before it), is shown once, as the cell's ``CommandFailed``;
- argparse's complaint about a mistyped command no longer repeats the list of commands.

A terminal also wraps Alembic's long messages at its width; this one is wide enough not to.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from tutorial import sandbox, stages, story, terminal

TERMINAL_COLUMNS = 250

# Each step: a command line, or an edit of the project that a notebook makes between two commands.
CORE_SERIES = [
    ("edit", "write the billtracker models (01)"),
    "alembic init alembic",
    "alembic init alembic",  # run twice
    ("edit", "connect Alembic: the URL, the quiet logger, target_metadata (02)"),
    "alembic current",
    'alembic revision --autogenerate -m "create users and bills tables"',
    "alembic upgrade head",
    "alembic current",
    ("edit", "add users.last_login to the model (03)"),
    'alembic revision --autogenerate -m "add last_login to users"',
    "alembic check",  # with the revision not applied yet
    "alembic upgrade head",
    "alembic current",
    "alembic history",
    "alembic heads",
    "alembic check",
    "alembic downgrade -1",
    "alembic upgrade +1",
    "alembic upgrade heda",  # a typo in a revision
    "alembic upgrad head",  # a typo in a command
    "alembic downgrade",  # the revision left out
]


def make_edit(step: str, folder: Path) -> None:
    if step.startswith("write the billtracker models"):
        story.write_models(folder, folder.name)
    elif step.startswith("connect Alembic"):
        stages.replace(folder / "alembic.ini", story.INI_URL_BEFORE, "sqlalchemy.url = sqlite:///billtracker.sqlite")
        stages.replace(folder / "alembic.ini", story.INI_KEYS_BEFORE, story.INI_KEYS_AFTER)
        stages.replace(folder / "alembic.ini", story.INI_QUIET_BEFORE, story.INI_QUIET_AFTER)
        stages.replace(folder / "alembic" / "env.py", story.ENV_BEFORE, story.env_after("billtracker"))
    elif step.startswith("add users.last_login"):
        stages.replace(folder / "billtracker" / "data" / "users.py", story.LAST_LOGIN_BEFORE, story.LAST_LOGIN_AFTER)
    else:
        raise ValueError(step)


def in_a_cell(command: str, folder: Path) -> tuple[str, int]:
    """What a ``%%terminal`` cell shows: the output, then the failure's message (as the terminal's ``FAILED:``)."""
    shown = io.StringIO()
    with contextlib.redirect_stdout(shown):
        try:
            result = terminal.run(command, folder)
        except terminal.CommandFailed as failure:
            return shown.getvalue() + failure.message + "\n", 1
    return shown.getvalue(), result.status


def in_a_terminal(command: str, folder: Path) -> tuple[str, int]:
    """What ``bash`` on a pseudo-terminal shows for ``command`` typed in ``folder``, and its exit status."""
    controller, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 50, TERMINAL_COLUMNS, 0, 0))
    # A new terminal's environment: nothing of the test run's, and its size from the terminal itself.
    environment = {
        name: value for name, value in os.environ.items()
        if not name.startswith("PYTEST_") and name not in ("COLUMNS", "LINES", *sandbox.CI_VARIABLES)
    }
    environment["PATH"] = str(Path(sys.executable).parent) + os.pathsep + environment.get("PATH", "")
    process = subprocess.Popen(
        ["bash", "--noprofile", "--norc", "-c", command],
        cwd=folder, stdin=child, stdout=child, stderr=child, env=environment, close_fds=True,
    )
    os.close(child)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the child closed its end
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(controller)
    status = process.wait(timeout=60)
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n"), status


def as_the_runner_shows_it(output: str, folder: Path) -> str:
    """The terminal's output with the runner's deliberate changes (the module's docstring lists them)."""
    output = sandbox.relative_paths(output, folder)
    output = re.sub(r"^ERROR \[alembic\.util\.messaging\] (.*)\n(?= *FAILED: \1$)", "", output, flags=re.MULTILINE)
    output = re.sub(r"^ *FAILED: ", "", output, flags=re.MULTILINE)
    return re.sub(r"^(alembic: error: )argument \{[^}]*\}: ", r"\1", output, flags=re.MULTILINE)


def without_revision_ids(output: str) -> list[str]:
    return re.sub(r"(?<![0-9a-f])[0-9a-f]{12}(?![0-9a-f])", "<revision>", output).splitlines()


def test_the_core_series_prints_the_same_in_a_cell_and_in_a_terminal(tmp_path):
    cell_folder, shell_folder = tmp_path / "cell" / "project", tmp_path / "shell" / "project"
    cell_folder.mkdir(parents=True)
    shell_folder.mkdir(parents=True)
    compared = 0
    for step in CORE_SERIES:
        if isinstance(step, tuple):
            make_edit(step[1], cell_folder)
            make_edit(step[1], shell_folder)
            continue
        cell_output, cell_status = in_a_cell(step, cell_folder)
        shell_output, shell_status = in_a_terminal(step, shell_folder)
        expected = without_revision_ids(as_the_runner_shows_it(shell_output, shell_folder))
        assert without_revision_ids(cell_output) == expected, f"`{step}` prints otherwise in a cell"
        assert (cell_status == 0) == (shell_status == 0), f"`{step}`: exit status {cell_status} against {shell_status}"
        compared += 1
    assert compared == len([step for step in CORE_SERIES if isinstance(step, str)])


@pytest.mark.parametrize("command", ["alembic --version", "alembic list_templates"])
def test_commands_outside_a_project_print_the_same(command, tmp_path):
    cell_output, _ = in_a_cell(command, tmp_path)
    shell_output, _ = in_a_terminal(command, tmp_path)
    assert cell_output.splitlines() == as_the_runner_shows_it(shell_output, tmp_path).splitlines()
