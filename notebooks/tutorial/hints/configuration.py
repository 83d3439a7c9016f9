"""Hints about what env.py, alembic.ini and the environment tell Alembic: the models'
metadata, a `%` that configparser reads, the URL's password, a database the server does
not have, a SQLite file whose folder does not exist, and a variable set under a
misspelled name."""

from __future__ import annotations

import difflib
import os
import re

from ..snapshot import SKIPPED_FOLDERS, Snapshot
from .registry import Hint, rule

PERCENT = re.compile(
    r"invalid interpolation syntax in|'%' must be followed by '%' or '\('"
)
WRONG_PASSWORD = [  # PostgreSQL's words, then MySQL's and MariaDB's
    re.compile(r'password authentication failed for user "([^"]+)"'),
    re.compile(r"Access denied for user '([^']+)'@'[^']*' \(using password: YES\)"),
]
# The server has no database of the URL's name: PostgreSQL's refusal of the connection
# (psycopg's OperationalError; the server's own text, unchanged since PostgreSQL 7), and
# MySQL's error 1049.
NO_SUCH_DATABASE = [
    re.compile(r'\(psycopg2?\.OperationalError\)[^\n]*database "([^"]+)" does not exist'),
    re.compile(r"""\(1049, ["']Unknown database '([^']+)'"""),
]
# SQLite's SQLITE_CANTOPEN, and the URL of alembic.ini.
SQLITE_CANNOT_OPEN = re.compile(r"\(sqlite3\.OperationalError\) unable to open database file")
SQLITE_URL = re.compile(r"^sqlalchemy\.url\s*=\s*sqlite:///(.+?)\s*$", re.MULTILINE)
ENVIRONMENT_READ = re.compile(
    r"""(?:environ\.get\(|environ\[|getenv\()\s*["'](\w*DATABASE_URL)["']"""
)


@rule("no-target-metadata", "env.py still says `target_metadata = None`")
def _no_target_metadata(s: Snapshot) -> Hint | None:
    if "does not provide a MetaData object" not in s.message:
        return None
    if not re.search(r"^target_metadata\s*=\s*None\s*$", s.env_text, re.MULTILINE):
        return None
    base = s.models.bases[0] if s.models and s.models.bases else "<YourBase>"
    return Hint(
        "env.py sets `target_metadata = None`, so autogenerate has no models to "
        "compare with.",
        "Import every model module there and set "
        f"`target_metadata = {base}.metadata`.",
    )


@rule(
    "percent-in-config",
    "a `%` (a URL-encoded password, say) in a value that goes through configparser",
)
def _percent_in_config(s: Snapshot) -> Hint | None:
    if not PERCENT.search(s.message):
        return None
    return Hint(
        "Alembic's config is Python's configparser, which reads `%` as the start of "
        "`%(name)s` (as in `%(here)s`):",
        "a plain `%` in a value, a URL-encoded password say, must be written `%%`. "
        "Better, keep the URL out of the config: in env.py give it straight to "
        "`context.configure(url=...)` and `create_engine()`, not through "
        "`config.set_main_option()`.",
    )


@rule("wrong-password", "the database server refused the URL's password")
def _wrong_password(s: Snapshot) -> Hint | None:
    for pattern in WRONG_PASSWORD:
        refused = pattern.search(s.message)
        if refused:
            return Hint(
                f"the server refused the password of its user {refused.group(1)}:",
                "correct it in the URL that env.py uses (your app's setting, if "
                "env.py imports it). In a URL, a password holding `@`, `:`, `/` or "
                "`%` is written percent-encoded: `p@ss` as `p%40ss`.",
            )
    return None


@rule("no-such-database", "a URL that names a database the server does not have")
def _no_such_database(s: Snapshot) -> Hint | None:
    for pattern in NO_SUCH_DATABASE:
        missing = pattern.search(s.message)
        if missing:
            name = missing.group(1)
            quoted = name if re.fullmatch(r"[a-z_][a-z0-9_]*", name) else (
                f'"{name}"' if "psycopg" in pattern.pattern else f"`{name}`"
            )  # unquoted, PostgreSQL folds a name to lower case, and a hyphen is a syntax error
            return Hint(
                f"the server has no database `{name}`: Alembic creates the tables in a "
                "database, not the database itself.",
                f"Create it first (`CREATE DATABASE {quoted};`, or PostgreSQL's "
                f"`createdb {name}`), or correct its name in the URL.",
            )
    return None


@rule(
    "sqlite-folder-missing",
    "a SQLite URL whose file lies in a folder that does not exist",
)
def _sqlite_folder_missing(s: Snapshot) -> Hint | None:
    if not SQLITE_CANNOT_OPEN.search(s.message) or not s.own_config:
        return None
    url = SQLITE_URL.search(s.ini_text)
    if not url or url.group(1).startswith(":memory:") or "%(" in url.group(1):
        return None
    folder = (s.folder / url.group(1)).parent  # a relative path is the terminal's
    if folder.is_dir():
        return None  # the folder is there: something else stops SQLite
    shown = folder.relative_to(s.folder) if folder.is_relative_to(s.folder) else folder
    return Hint(
        "SQLite creates the database file, but not its folder, and the URL's folder "
        f"`{shown.as_posix()}` does not exist.",
        "Create the folder, or correct the path in alembic.ini: `sqlite:///name.sqlite` "
        "is relative to the folder you run Alembic from, `sqlite:////home/...` (four "
        "slashes) is absolute.",
    )


@rule(
    "misspelled-database-variable",
    "a variable set under a misspelled name, so the app's fallback was used",
    after="success",
)
def _misspelled_database_variable(s: Snapshot) -> Hint | None:
    for path in sorted(s.folder.rglob("*.py")):
        folders = path.relative_to(s.folder).parts[:-1]
        if any(
            part in SKIPPED_FOLDERS - {"alembic"}
            or part == "versions"
            or part.startswith(".")
            for part in folders
        ):
            continue  # the app's code and env.py, not the revisions or the tests
        for name in ENVIRONMENT_READ.findall(
            path.read_text(encoding="utf-8", errors="replace")
        ):
            if name in os.environ:
                continue
            close = difflib.get_close_matches(
                name, [other for other in os.environ if other != name], n=1, cutoff=0.85
            )
            if close:
                return Hint(
                    f"your environment sets {close[0]}, but "
                    f"{path.relative_to(s.folder).as_posix()} reads {name}, which is "
                    "not set: so this command used the fallback database, not the one "
                    f"{close[0]} names.",
                    f"Correct the variable's name (`{name}`).",
                )
    return None
