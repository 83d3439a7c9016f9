"""Is a learner's project one they could keep? Its models and migrations agree, its history has one
head, and it builds from an empty database and goes back to base cleanly."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from tutorial import database, servers, terminal

# The notebooks that end, on purpose, with a project that is not healthy: what is wrong with it, and the
# words of the notebook's last section that say so.
ENDS_UNHEALTHY = {
    "00-start-here": (["no Alembic project"], None),
    "01-build-the-models": (["no Alembic project"], None),
    "03-change-a-model": (
        ["`alembic check` fails on its database: Target database is not up to date."],
        "not applied",
    ),
}


def unexpected(stem: str, workspace: Path) -> list[str]:
    """What is wrong with the project notebook ``stem`` left in ``workspace``, beyond what it says of itself."""
    expected, _ = ENDS_UNHEALTHY.get(stem, ([], None))
    with _app_urls_on_its_server(stem, workspace):
        found = problems(workspace / stem)
    return [] if found == expected else found or ["healthy, though the notebook is expected to end otherwise"]


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


@contextmanager
def _app_urls_on_its_server(stem: str, workspace: Path):
    """For a notebook on a server, set the ``<APP>_DATABASE_URL`` variables its app reads to its database there.

    The notebook's kernel set them (an app's one URL setting); a new terminal, like these checks, needs them too.
    """
    kind = servers.NOTEBOOKS_ON_A_SERVER.get(stem)
    folder = workspace / stem
    names = set()
    if kind is not None and folder.is_dir():
        for path in folder.glob("*/*.py"):
            names |= set(re.findall(r"[\"']([A-Z]+_DATABASE_URL)[\"']", path.read_text(encoding="utf-8")))
    saved = {name: os.environ.get(name) for name in (*names, "ALEMBIC_TUTORIAL_WORKSPACE")}
    try:
        if names:
            os.environ["ALEMBIC_TUTORIAL_WORKSPACE"] = str(workspace)  # the database's name says whose workspace
            url = servers.server_url(kind).set(database=database.database_name(stem)).render_as_string(hide_password=False)
            os.environ.update(dict.fromkeys(names, url))
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
