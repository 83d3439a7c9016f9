"""Hints about projects that migrate several databases: several environments in one ``alembic.ini``
(chosen with ``--name``), and the ``multidb`` template (``databases = ...``, one ``upgrade_<name>()`` per
database in each revision). Each rule reads ``alembic.ini``, ``env.py`` or the revision file before it
speaks."""

from __future__ import annotations

import configparser
import difflib
import re
import shlex

from ..snapshot import Snapshot
from .registry import Hint, rule

NO_SCRIPT_LOCATION = "No 'script_location' key found in configuration."
MISSING_URL = re.compile(r"^KeyError: 'url'\n\s*\(raised in (\S+), line \d+\)", re.MULTILINE)
NO_METADATA = re.compile(r"Can't proceed with --autogenerate option; environment script (\S+) does not provide")
MISSING_FUNCTION = re.compile(r"^KeyError: '((?:up|down)grade)_(\w*)'\n\s*\(raised in (\S+), line \d+\)", re.MULTILINE)


def _ini(s: Snapshot) -> configparser.RawConfigParser | None:
    """The project's ``alembic.ini`` as sections (no interpolation), or None when it is missing or unreadable."""
    if not s.own_config or not s.ini_text:
        return None
    parser = configparser.RawConfigParser()
    try:
        parser.read_string(s.ini_text)
    except configparser.Error:
        return None
    return parser


def _sections(names: list[str]) -> str:
    shown = [f"[{name}]" for name in names]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def _listed_databases(parser: configparser.RawConfigParser) -> list[str]:
    """The names in ``databases = ...`` of the ``[alembic]`` section (the ``multidb`` template's list)."""
    value = parser.get("alembic", "databases", fallback="") if parser.has_section("alembic") else ""
    return [name for name in re.split(r",\s*", value.strip()) if name]


@rule("no-such-environment", "`--name` names no environment of alembic.ini, or is missing where there is no [alembic]")
def _no_such_environment(s: Snapshot) -> Hint | None:
    if NO_SCRIPT_LOCATION not in s.message:
        return None
    parser = _ini(s)
    if parser is None:
        return None
    environments = [name for name in parser.sections() if parser.has_option(name, "script_location")]
    chosen = s.environment
    if not environments or chosen in environments:
        return None
    example = f"`{_with_name(s, environments[0])}`"
    if chosen == "alembic":
        return Hint(
            f"alembic.ini has no [alembic] section, the one Alembic reads without `--name`; its environments are "
            f"{_sections(environments)}:",
            f"name one, for example {example}.",
        )
    if parser.has_section(chosen) and chosen in _listed_databases(parser) and "alembic" in environments:
        return Hint(
            f"[{chosen}] is a database of the multidb template's `databases =` list, not an environment: without "
            "`--name`, Alembic reads [alembic], whose env.py migrates every listed database:",
            f"leave `--name` out, `{_with_name(s, 'alembic')}`.",
        )
    if parser.has_section(chosen):
        named = [name for name in environments if name != "alembic"]
        return Hint(
            f"alembic.ini's [{chosen}] section has no script_location, so it is not an environment (its environments "
            f"are {_sections(environments)}):",
            f"name one of those, for example `{_with_name(s, named[0])}`." if named else
            f"leave `--name` out, and Alembic reads [alembic]: `{_with_name(s, 'alembic')}`.",
        )
    close = difflib.get_close_matches(chosen, environments, n=1)
    if close:
        example = f"`{_with_name(s, close[0])}`"
    return Hint(
        f"alembic.ini has no [{chosen}] section; its environments are {_sections(environments)}:",
        f"did you mean {example}?" if close else f"name one of them, for example {example}.",
    )


def _with_name(s: Snapshot, name: str) -> str:
    """The command as typed (quoted for a shell), choosing the environment ``name``: with ``--name name``, or, for
    ``alembic``, the section Alembic reads by default, without ``--name``."""
    words = list(s.words)
    for position, word in enumerate(words[:-1]):
        if word in ("-n", "--name"):
            words[position:position + 2] = [] if name == "alembic" else [word, name]
            return shlex.join(words)
    for position, word in enumerate(words):
        if word.startswith("--name="):
            words[position:position + 1] = [] if name == "alembic" else [f"--name={name}"]
            return shlex.join(words)
    return shlex.join(words if name == "alembic" else [words[0], "--name", name, *words[1:]])


@rule(
    "multidb-database-missing-from-list",
    "a database in `databases =` with no section (and URL) in alembic.ini, or no key in env.py's target_metadata",
)
def _multidb_database_missing(s: Snapshot) -> Hint | None:
    parser = _ini(s)
    if parser is None:
        return None
    listed = _listed_databases(parser)
    if not listed:
        return None
    if MISSING_URL.search(s.message):
        without = [name for name in listed if not parser.has_option(name, "sqlalchemy.url")]
        if not without:
            return None
        name = without[0]
        where = f"its [{name}] section has no sqlalchemy.url" if parser.has_section(name) else f"there is no [{name}] section"
        return Hint(
            f"alembic.ini lists `{name}` in `databases =`, but {where}, so env.py finds no URL for it:",
            f"add `[{name}]` with `sqlalchemy.url = ...`, or take `{name}` out of the list.",
        )
    found = NO_METADATA.search(s.message)
    if found:
        env = s.folder / found.group(1)
        text = env.read_text(encoding="utf-8") if env.is_file() else ""
        assigned = re.search(r"^target_metadata\s*=\s*\{(.*?)\}", text, re.MULTILINE | re.DOTALL)
        if assigned is None:
            return None
        keys = re.findall(r"[\"'](\w+)[\"']\s*:", assigned.group(1))
        missing = [name for name in listed if name not in keys]
        if not missing:
            return None
        has = ", ".join(f"'{key}'" for key in keys) or "none"
        return Hint(
            f"`databases =` lists `{missing[0]}`, but env.py's target_metadata has no key '{missing[0]}' "
            f"(its keys: {has}), so autogenerate has no MetaData to compare that database with:",
            f'give it one, e.g. `"{missing[0]}": MyBase.metadata`, with the names spelt as in `databases =`.',
        )
    return None


@rule(
    "multidb-revision-misses-a-database",
    "a multidb revision written before a database joined `databases =`, so it has no function for it",
)
def _multidb_revision_misses_a_database(s: Snapshot) -> Hint | None:
    found = MISSING_FUNCTION.search(s.message)
    parser = _ini(s)
    if not found or parser is None:
        return None
    direction, name, file = found.groups()
    revision = s.folder / file
    if name not in _listed_databases(parser) or not revision.is_file():
        return None
    if re.search(rf"^def {direction}_{name}\(", revision.read_text(encoding="utf-8"), re.MULTILINE):
        return None
    return Hint(
        f"{file} has no `{direction}_{name}()`: it was written before `{name}` joined `databases =` in "
        "alembic.ini, and each revision needs an upgrade and a downgrade function per database:",
        f"add `def upgrade_{name}(): pass` and `def downgrade_{name}(): pass` to each revision written before "
        f"(or take `{name}` out of the list, and give it a history of its own).",
    )
