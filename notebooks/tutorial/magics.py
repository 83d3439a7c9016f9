"""What a learner types: the ``%%terminal`` cell magic and :func:`run`, each command followed by its hint."""

from __future__ import annotations

import os
from pathlib import Path

from . import hints, inbrowser, terminal


def run(command: str, folder: Path | str = ".", echo: bool = True) -> terminal.Result:
    """Run one command line as typed in a terminal in ``folder``, with a hint under it when one helps.

    :raises tutorial.CommandFailed: the command failed; the message is the tool's own.
    """
    return terminal.run(command, folder, echo, advise=hints.advise)


def terminal_cell(line: str, cell: str) -> None:
    """Run each line of the cell as a command in the current folder (your project folder).

    Lines that are empty or start with ``#`` are skipped. With several commands,
    each one's output is introduced by ``$ <command>``.
    """
    commands = [text.strip() for text in cell.splitlines() if text.strip() and not text.strip().startswith("#")]
    for command in commands:
        if len(commands) > 1:
            print(f"$ {command}")
        run(command, os.getcwd())


def register() -> None:
    """Make ``%%terminal`` available in the running IPython kernel (does nothing outside one).

    In the browser, the kernel also explains, instead of running, the cells it cannot run.
    """
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        shell.register_magic_function(terminal_cell, "cell", "terminal")
        inbrowser.register(shell)
