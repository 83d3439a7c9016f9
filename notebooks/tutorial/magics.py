"""What a learner types: the ``%%terminal`` cell magic and :func:`run`, each command followed by its hint."""

from __future__ import annotations

import os
from pathlib import Path

from . import fresh, hints, inbrowser, terminal


def run(command: str, folder: Path | str = ".", echo: bool = True) -> terminal.Result:
    """Run one command line as typed in a terminal in ``folder``, with a hint under it when one helps.

    :raises tutorial.CommandFailed: the command failed; the message is the tool's own.
    """
    return terminal.run(command, folder, echo, advise=hints.advise)


def terminal_cell(line: str, cell: str) -> None:
    """Run each line of the cell as a command in the current folder (your project folder).

    Lines that are empty or start with ``#`` are skipped. With several commands,
    each one's output is introduced by ``$ <command>``. ``cd <folder>`` moves the
    commands after it to that folder, for the rest of the cell only (the next cell
    starts in your project folder again).
    """
    commands = [text.strip() for text in cell.splitlines() if text.strip() and not text.strip().startswith("#")]
    folder = Path(os.getcwd())
    for command in commands:
        if len(commands) > 1:
            print(f"$ {command}")
        if command.split()[0] == "cd":
            folder = change_folder(command, folder)
            # A new terminal's Alembic has imported nothing: neither has this one, in the new folder.
            fresh.forget_project_modules(Path(os.getcwd()))
        else:
            run(command, folder)


def change_folder(command: str, folder: Path) -> Path:
    """The folder ``cd <folder>`` moves to from ``folder``.

    :raises tutorial.CommandFailed: no folder, or more than one, or one that does not exist.
    """
    words = command.split()
    if len(words) != 2:
        raise terminal.CommandFailed(command, "cd: give one folder, e.g. `cd deploy` or `cd ..`")
    target = (folder / words[1]).resolve()
    if not target.is_dir():
        raise terminal.CommandFailed(command, f"cd: {words[1]}: no such folder here")
    return target


def register() -> None:
    """Make ``%%terminal`` available in the running IPython kernel (does nothing outside one).

    In the browser, the kernel also explains, instead of running, the cells it cannot run.
    """
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        shell.register_magic_function(terminal_cell, "cell", "terminal")
        inbrowser.register(shell)
