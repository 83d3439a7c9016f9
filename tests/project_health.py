"""Is a learner's project one they could keep? Its models and migrations agree, its history has one
head, and it builds from an empty database and goes back to base cleanly."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from tutorial import terminal


def problems(folder: Path) -> list[str]:
    """What is wrong with the project in ``folder``, in a few words each; empty for a healthy one."""
    if not (folder / "alembic.ini").is_file():
        return ["no Alembic project"]
    found = []
    heads = [line for line in _output("alembic heads", folder).splitlines() if line.strip()]
    if len(heads) != 1:
        found.append(f"{len(heads)} heads")
    found += _failures(["alembic check"], folder, "its database")
    with tempfile.TemporaryDirectory(prefix="health-") as scratch:
        copy = Path(scratch) / folder.name
        shutil.copytree(folder, copy, ignore=shutil.ignore_patterns("*.sqlite", "__pycache__"))
        steps = ["alembic upgrade head", "alembic check", "alembic downgrade base", "alembic upgrade head"]
        found += _failures(steps, copy, "an empty database")
    return found


def _output(command: str, folder: Path) -> str:
    try:
        return terminal.run(command, folder, echo=False).output
    except terminal.CommandFailed as failure:
        return failure.message


def _failures(commands: list[str], folder: Path, where: str) -> list[str]:
    for command in commands:
        try:
            terminal.run(command, folder, echo=False)
        except terminal.CommandFailed as failure:
            return [f"`{command}` fails on {where}: {failure.message.splitlines()[0]}"]
    return []
