"""Hints about the command itself: a misspelled one, one missing its revision, one run
outside the project, and `alembic init` run twice."""

from __future__ import annotations

import difflib
import re

from ..snapshot import Snapshot
from .registry import Hint, rule

INVALID_CHOICE = re.compile(r"invalid choice: '([^']*)' \(choose from (.*)\)")
NEEDS_ARGUMENT = re.compile(r"the following arguments are required: (\w+)")
NOT_IN_PROJECT = re.compile(
    r"No 'script_location' key found|No config file '([^']+)' found|Path doesn't exist"
)


@rule("mistyped-command", "a misspelled Alembic command")
def _mistyped_command(s: Snapshot) -> Hint | None:
    typed = INVALID_CHOICE.search(s.message)
    if not typed:
        return None
    choices = re.findall(r"'([^']+)'", typed.group(2))
    closest = difflib.get_close_matches(typed.group(1), choices, n=1, cutoff=0.6)
    if not closest:
        return None
    corrected = " ".join(["alembic", closest[0], *s.arguments])
    return Hint(
        f"`{typed.group(1)}` is not an Alembic command.",
        f"Did you mean `{corrected}`?",
    )


@rule("missing-argument", "a command that needs a revision, given none")
def _missing_argument(s: Snapshot) -> Hint | None:
    needed = NEEDS_ARGUMENT.search(s.message)
    if not needed or s.subcommand not in ("upgrade", "downgrade", "stamp", "show"):
        return None
    examples = {"upgrade": "head", "downgrade": "-1", "stamp": "head", "show": "head"}
    return Hint(
        f"`alembic {s.subcommand}` needs to know which revision:",
        f"for example `alembic {s.subcommand} {examples[s.subcommand]}` "
        "(`alembic history` lists the revisions).",
    )


@rule(
    "not-a-project",
    "a command run outside the project folder, or before `alembic init`",
)
def _not_a_project(s: Snapshot) -> Hint | None:
    found = NOT_IN_PROJECT.search(s.message)
    if not found:
        return None
    if not s.own_config:
        named = s.config_file
        if named and not (s.folder / named).is_file():
            return Hint(
                f"there is no file {named} in this folder:",
                "check the name after `-c`.",
            )
        return None
    if (s.folder / "alembic.ini").is_file():
        location = re.search(r"^script_location\s*=\s*(.+)$", s.ini_text, re.MULTILINE)
        if location and not (
            s.folder / location.group(1).strip().replace("%(here)s/", "")
        ).is_dir():
            return Hint(
                f"alembic.ini names the folder `{location.group(1).strip()}` "
                "(script_location), and it does not exist here.",
                "Was it renamed or deleted? `alembic init` creates it in a new "
                "project.",
            )
        return None
    return Hint(
        "this folder has no alembic.ini, so it is not an Alembic project.",
        "If the kernel restarted, run the notebook's first code cell: it opens the "
        "notebook's project folder. A new project starts with `alembic init alembic`.",
    )


@rule("init-twice", "`alembic init` run again in a project that has Alembic")
def _init_twice(s: Snapshot) -> Hint | None:
    if s.subcommand != "init" or "already exists and is not empty" not in s.message:
        return None
    folder = s.arguments[0] if s.arguments else "alembic"
    if not (s.folder / folder / "env.py").is_file():
        return None
    return Hint(
        f"this project has Alembic already ({folder}/ and alembic.ini):",
        "there is nothing to do again. Your env.py and revisions are untouched.",
    )
