"""One plain-language hint under Alembic's own output, for the mistakes learners really make.

The hints are a table of small rules, as in Django's system checks: each :class:`Rule` has an
id, the mistake it recognises, and a function that looks at one :class:`~tutorial.snapshot.Snapshot`
of the project (the command, its message, and the project as it is now) and returns the hint,
or None. A rule checks its diagnosis against the project before it speaks (is the revision
really there? does the table really hold rows?); when it cannot tell, it says nothing. The first
rule that speaks is shown; a healthy project hears nothing, except that an autogenerate found
nothing to do.

:func:`advise` is what the terminal cells call after each command.
"""

from __future__ import annotations

import difflib
import importlib.util
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..snapshot import SKIPPED_FOLDERS, Snapshot, quiet

NOT_IN_PROJECT = re.compile(r"No 'script_location' key found|No config file '([^']+)' found|Path doesn't exist")
IMPORT_NAME = re.compile(r"cannot import name '(\w+)' from '([\w.]+)'")
MISSING_MODULE = re.compile(r"ModuleNotFoundError: No module named '([\w.]+)'")
UNDEFINED_NAME = re.compile(r"NameError: name '(\w+)' is not defined\s+\(raised in (\S+\.py), line \d+\)")
UNKNOWN_REVISION = re.compile(r"Can't locate revision identified by '([^']+)'")
BATCH_LEFTOVER = re.compile(r"table (_alembic_tmp_\w+) already exists")
RELATIVE = re.compile(r"Relative revision ([+-])(\d+) didn't produce \d+ migrations")
INVALID_CHOICE = re.compile(r"invalid choice: '([^']*)' \(choose from (.*)\)")
NEEDS_ARGUMENT = re.compile(r"the following arguments are required: (\w+)")
NOT_NULL_SQLITE = re.compile(r"Cannot add a NOT NULL column with default value NULL")
NOT_NULL_SERVER = re.compile(r'column "(\w+)" of relation "(\w+)" contains null values')
ALTER_TABLE = re.compile(r"ALTER TABLE \"?(\w+)\"? ADD(?: COLUMN)? \"?(\w+)\"?", re.IGNORECASE)
ALREADY_THERE = [  # (pattern, what it names): the messages of SQLite, PostgreSQL and MySQL/MariaDB
    (re.compile(r"duplicate column name:? '?(\w+)'?", re.IGNORECASE), "column"),
    (re.compile(r'column "(\w+)" of relation "\w+" already exists'), "column"),
    (re.compile(r"""(?:table|relation|index) ["'`]?(\w+)["'`]? already exists""", re.IGNORECASE), "table or index"),
]


@dataclass(frozen=True)
class Rule:
    """One mistake, recognised: ``check`` returns the hint for a snapshot, or None."""

    id: str
    mistake: str
    after: str  # "failure" or "success": which commands it looks at
    check: Callable[[Snapshot], str | None]


RULES: list[Rule] = []


def rule(id: str, mistake: str, after: str = "failure"):
    """Register the decorated function as the check of a new rule."""

    def register(check: Callable[[Snapshot], str | None]):
        RULES.append(Rule(id, mistake, after, check))
        return check

    return register


def diagnose(snapshot: Snapshot) -> tuple[str, str] | None:
    """The first rule that speaks: ``(rule id, hint)``, or None."""
    after = "failure" if snapshot.failed else "success"
    for candidate in RULES:
        if candidate.after != after:
            continue
        try:
            with quiet():
                hint = candidate.check(snapshot)
        except Exception:  # a rule that cannot read the project says nothing
            hint = None
        if hint:
            return candidate.id, hint
    return None


def advise(command: str, folder: Path, output: str, message: str | None) -> str | None:
    """The hint for a command that ran in ``folder`` (``message`` is Alembic's, if it failed), or None."""
    if not command.split()[:1] == ["alembic"]:
        return None
    found = diagnose(Snapshot(command, Path(folder), output, message))
    return found[1] if found else None


# --- the command itself ---------------------------------------------------------------------------------


@rule("mistyped-command", "a misspelled Alembic command")
def _mistyped_command(s: Snapshot) -> str | None:
    typed = INVALID_CHOICE.search(s.message)
    if not typed:
        return None
    choices = re.findall(r"'([^']+)'", typed.group(2))
    closest = difflib.get_close_matches(typed.group(1), choices, n=1, cutoff=0.6)
    if not closest:
        return None
    corrected = " ".join(["alembic", closest[0], *s.arguments])
    return f"`{typed.group(1)}` is not an Alembic command. Did you mean `{corrected}`?"


@rule("missing-argument", "a command that needs a revision, given none")
def _missing_argument(s: Snapshot) -> str | None:
    needed = NEEDS_ARGUMENT.search(s.message)
    if not needed or s.subcommand not in ("upgrade", "downgrade", "stamp", "show"):
        return None
    examples = {"upgrade": "head", "downgrade": "-1", "stamp": "head", "show": "head"}
    return (
        f"`alembic {s.subcommand}` needs to know which revision: for example "
        f"`alembic {s.subcommand} {examples[s.subcommand]}` (`alembic history` lists the revisions)."
    )


@rule("not-a-project", "a command run outside the project folder, or before `alembic init`")
def _not_a_project(s: Snapshot) -> str | None:
    found = NOT_IN_PROJECT.search(s.message)
    if not found:
        return None
    if not s.own_config:
        named = s.config_file
        if named and not (s.folder / named).is_file():
            return f"there is no file {named} in this folder: check the name after `-c`."
        return None
    if (s.folder / "alembic.ini").is_file():
        location = re.search(r"^script_location\s*=\s*(.+)$", s.ini_text, re.MULTILINE)
        if location and not (s.folder / location.group(1).strip().replace("%(here)s/", "")).is_dir():
            return (
                f"alembic.ini names the folder `{location.group(1).strip()}` (script_location), and it does not "
                "exist here. Was it renamed or deleted? `alembic init` creates it in a new project."
            )
        return None
    return (
        "this folder has no alembic.ini, so it is not an Alembic project. If the kernel restarted, run the "
        "notebook's first code cell: it opens the notebook's project folder. A new project starts with "
        "`alembic init alembic`."
    )


@rule("init-twice", "`alembic init` run again in a project that has Alembic")
def _init_twice(s: Snapshot) -> str | None:
    if s.subcommand != "init" or "already exists and is not empty" not in s.message:
        return None
    folder = s.arguments[0] if s.arguments else "alembic"
    if not (s.folder / folder / "env.py").is_file():
        return None
    return (
        f"this project has Alembic already ({folder}/ and alembic.ini): there is nothing to do again. "
        "Your env.py and revisions are untouched."
    )


# --- env.py and the models ------------------------------------------------------------------------------


@rule("no-target-metadata", "env.py still says `target_metadata = None`")
def _no_target_metadata(s: Snapshot) -> str | None:
    if "does not provide a MetaData object" not in s.message:
        return None
    if not re.search(r"^target_metadata\s*=\s*None\s*$", s.env_text, re.MULTILINE):
        return None
    base = s.models.bases[0] if s.models and s.models.bases else "<YourBase>"
    return (
        "env.py sets `target_metadata = None`, so autogenerate has no models to compare with. Import every "
        f"model module there and set `target_metadata = {base}.metadata`."
    )


@rule("name-not-in-package", "a model module imported from a package that does not have it")
def _name_not_in_package(s: Snapshot) -> str | None:
    missing = IMPORT_NAME.search(s.message)
    if not missing:
        return None
    name, package = missing.groups()
    folder = s.folder / Path(*package.split("."))
    if not folder.is_dir() or (folder / f"{name}.py").is_file() or (folder / name).is_dir():
        return None
    return (
        f"there is no {(folder / name).relative_to(s.folder).as_posix()}.py, so `from {package} import {name}` "
        "fails. Check the spelling of the import, or create the file."
    )


# The database drivers a URL names (``dialect+driver://``), by the module a missing one leaves in the message:
# the URL that asks for it, and the package that installs it (pip's name is not the module's).
DRIVERS = {
    "MySQLdb": ("mysql+mysqldb:// (and plain mysql://)", "mysqlclient"),
    "pymysql": ("mysql+pymysql://", "PyMySQL"),
    "psycopg": ("postgresql+psycopg:// (and, since SQLAlchemy 2.1, plain postgresql://)", '"psycopg[binary]"'),
    "psycopg2": ("postgresql+psycopg2://", "psycopg2-binary"),
    "asyncpg": ("postgresql+asyncpg://", "asyncpg"),
    "aiosqlite": ("sqlite+aiosqlite://", "aiosqlite"),
    "aiomysql": ("mysql+aiomysql://", "aiomysql"),
    "oracledb": ("oracle+oracledb://", "oracledb"),
    "pyodbc": ("mssql+pyodbc://", "pyodbc"),
}


PERCENT = re.compile(r"invalid interpolation syntax in|'%' must be followed by '%' or '\('")


@rule("percent-in-config", "a `%` (a URL-encoded password, say) in a value that goes through configparser")
def _percent_in_config(s: Snapshot) -> str | None:
    if not PERCENT.search(s.message):
        return None
    return (
        "Alembic's config is Python's configparser, which reads `%` as the start of `%(name)s` (as in `%(here)s`): "
        "a plain `%` in a value, a URL-encoded password say, must be written `%%`. Better, keep the URL out of the "
        "config: in env.py give it straight to `context.configure(url=...)` and `create_engine()`, not through "
        "`config.set_main_option()`."
    )


@rule("missing-driver", "a database URL whose driver is not installed")
def _missing_driver(s: Snapshot) -> str | None:
    missing = MISSING_MODULE.search(s.message)
    if not missing or missing.group(1) not in DRIVERS or importlib.util.find_spec(missing.group(1)) is not None:
        return None
    url, package = DRIVERS[missing.group(1)]
    return (
        f"`{missing.group(1)}` is the database driver that {url} URLs name, and it is not installed in the Python "
        f"that runs Alembic: `pip install {package}` (the package's name is not the module's), or write the URL "
        "with a driver you have."
    )


WRONG_PASSWORD = [  # PostgreSQL's words, then MySQL's and MariaDB's
    re.compile(r'password authentication failed for user "([^"]+)"'),
    re.compile(r"Access denied for user '([^']+)'@'[^']*' \(using password: YES\)"),
]


@rule("wrong-password", "the database server refused the URL's password")
def _wrong_password(s: Snapshot) -> str | None:
    for pattern in WRONG_PASSWORD:
        refused = pattern.search(s.message)
        if refused:
            return (
                f"the server refused the password of its user {refused.group(1)}: correct it in the URL that env.py "
                "uses (your app's setting, if env.py imports it). In a URL, a password holding `@`, `:`, `/` or `%` "
                "is written percent-encoded: `p@ss` as `p%40ss`."
            )
    return None


@rule("module-beside-the-config", "`-c` names a config file in another folder, and prepend_sys_path is `.`")
def _module_beside_the_config(s: Snapshot) -> str | None:
    missing = MISSING_MODULE.search(s.message)
    if not missing or s.own_config or not s.config_file:
        return None
    config = (s.folder / s.config_file).resolve()
    top = missing.group(1).split(".")[0]
    if not config.is_file() or config.parent == s.folder:
        return None
    if not ((config.parent / top).is_dir() or (config.parent / f"{top}.py").is_file()):
        return None
    setting = re.search(r"^prepend_sys_path\s*=\s*(.*)$", config.read_text(encoding="utf-8"), re.MULTILINE)
    if not setting or "%(here)s" in setting.group(1):
        return None
    return (
        f"`{top}` lies beside {s.config_file}, but `prepend_sys_path = {setting.group(1).strip()}` there is relative to "
        "the folder you run Alembic from, which is not that one. Write `prepend_sys_path = %(here)s`, the folder of "
        "the config file, wherever you run from."
    )


@rule("module-not-found", "an import that fails: a missing file, a typo, or the project not on the path")
def _module_not_found(s: Snapshot) -> str | None:
    missing = MISSING_MODULE.search(s.message)
    if not missing:
        return None
    parts = missing.group(1).split(".")
    top = parts[0]
    if (s.folder / top).is_dir() or (s.folder / f"{top}.py").is_file():
        if not re.search(r"^prepend_sys_path\s*=", s.ini_text, re.MULTILINE):
            return (
                f"`{top}` lies in your project folder, but Python does not look there: alembic.ini needs "
                "`prepend_sys_path = .`."
            )
        for depth in range(2, len(parts) + 1):
            path = Path(*parts[:depth])
            if not (s.folder / path).is_dir() and not (s.folder / path.with_suffix(".py")).is_file():
                return (
                    f"there is no {path.as_posix()}.py (nor a package {path.as_posix()}/) in your project. "
                    "Check the spelling of the import, or create the file."
                )
        return None
    if importlib.util.find_spec(top) is not None:
        return None  # installed: something else went wrong inside it
    ours = sorted(path.name.removesuffix(".py") for path in s.folder.iterdir()
                  if (path / "__init__.py").is_file() or path.suffix == ".py")
    closest = difflib.get_close_matches(top, ours, n=1)
    if closest:
        return f"there is no module `{top}`; your project has `{closest[0]}`. Check the spelling of the import."
    return f"`{top}` is not installed in the Python that runs Alembic: install it, or check the spelling."



@rule("revision-misses-an-import", "a revision that uses a module's types (sqlmodel's) without importing it")
def _revision_misses_an_import(s: Snapshot) -> str | None:
    undefined = UNDEFINED_NAME.search(s.message)
    if not undefined:
        return None
    module, raised_in = undefined.groups()
    revision = s.folder / raised_in
    if revision.parent.name != "versions" or not revision.is_file() or importlib.util.find_spec(module) is None:
        return None
    source = revision.read_text(encoding="utf-8")
    imported = re.compile(rf"^\s*(import {module}\b|from {module}\b)", re.MULTILINE)
    if f"{module}." not in source or imported.search(source):
        return None
    template = revision.parent.parent / "script.py.mako"
    for_next = ""
    if template.is_file() and not imported.search(template.read_text(encoding="utf-8")):
        shown = template.relative_to(s.folder).as_posix()
        for_next = (
            f" Autogenerate writes your models' types by their module's name but does not import it: add "
            f"`import {module}` under `import sqlalchemy as sa` in {shown} too, so that every new revision has it."
        )
    return f"{raised_in} uses `{module}.` but never imports {module}: add `import {module}` at its top.{for_next}"

# --- where the database stands ------------------------------------------------------------------------


@rule("multiple-heads", "two revisions on one parent, and a command that needs one head")
def _multiple_heads(s: Snapshot) -> str | None:
    if "Multiple head" not in s.message or len(s.heads) < 2:
        return None
    return (
        f"your history has {len(s.heads)} heads ({', '.join(s.heads)}): two revisions share a parent, so "
        '`head` names more than one. Join them with `alembic merge heads -m "merge"`, then upgrade.'
    )


@rule("autogenerate-behind", "autogenerate while a revision waits to be applied")
def _autogenerate_behind(s: Snapshot) -> str | None:
    waiting = _waiting(s, "revision")
    if waiting is None:
        return None
    return (
        f"{_revisions(waiting)} to be applied: run `alembic upgrade head` first, then autogenerate. "
        "Autogenerate compares the models with the database, which lacks those revisions' changes, so it "
        "would write them a second time."
    )


@rule("check-behind", "`alembic check` while the revision exists but is not applied")
def _check_behind(s: Snapshot) -> str | None:
    waiting = _waiting(s, "check")
    if waiting is None:
        return None
    return (
        f"{_revisions(waiting)} to be applied, so `alembic check` cannot compare yet. Run `alembic upgrade head`, "
        "then check again. No new revision is needed for those changes: one exists."
    )


def _waiting(s: Snapshot, subcommand: str) -> int | None:
    """How many revisions wait above the database, when that is why ``subcommand`` refused."""
    if s.subcommand != subcommand or "Target database is not up to date" not in s.message:
        return None
    if s.database_revisions is None or not s.heads or set(s.database_revisions) == set(s.heads):
        return None
    steps = s.steps_between(s.database_revisions, s.heads)
    return steps or None


def _revisions(count: int) -> str:
    return "1 revision waits" if count == 1 else f"{count} revisions wait"


@rule("relative-past-the-end", "`downgrade -N` past base, or `upgrade +N` past the head")
def _relative_past_the_end(s: Snapshot) -> str | None:
    moved = RELATIVE.search(s.message)
    if not moved or s.database_revisions is None or len(s.heads) != 1:
        return None
    sign, wanted = moved.group(1), int(moved.group(2))
    current = s.database_revisions
    where = f"at {current[0]}" if len(current) == 1 else "at base (no revision applied)"
    if len(current) > 1:
        return None
    if sign == "-" and s.subcommand == "downgrade":
        below = s.steps_between("base", current) if current else 0
        if below is None or below >= wanted:
            return None
        if below == 0:
            return f"the database is {where} already: there is nothing to downgrade."
        return (
            f"the database is {where}, {below} step{'s' if below > 1 else ''} above base: "
            f"`alembic downgrade -{below}` at most, or `alembic downgrade base`."
        )
    if sign == "+" and s.subcommand == "upgrade":
        above = s.steps_between(current, s.heads)
        if above is None or above >= wanted:
            return None
        if above == 0:
            return f"the database is {where}, the head: there is nothing to upgrade."
        return (
            f"the database is {where}, {above} step{'s' if above > 1 else ''} below the head: "
            f"`alembic upgrade +{above}` at most, or `alembic upgrade head`."
        )
    return None


@rule("unknown-revision-typed", "a revision id that no file has, typed in the command")
def _unknown_revision_typed(s: Snapshot) -> str | None:
    missing = UNKNOWN_REVISION.search(s.message)
    if not missing or missing.group(1) not in s.arguments or s.script is None:
        return None
    typed = missing.group(1)
    if any(revision.startswith(typed) for revision in s.revisions):
        return None
    return f"no revision matches '{typed}'. `alembic history` lists the revisions you have."


@rule("unknown-revision-in-database", "the database is at a revision whose file is gone")
def _unknown_revision_in_database(s: Snapshot) -> str | None:
    missing = UNKNOWN_REVISION.search(s.message)
    if not missing or missing.group(1) in s.arguments:
        return None
    lost = missing.group(1)
    if s.database_revisions is None or lost not in s.database_revisions:
        return None
    if s.script is not None and lost in s.revisions:
        return None
    return (
        f"the database says it is at revision {lost}, but no file in alembic/versions has it: the file was "
        "deleted or is on another branch, a newer release of the code migrated this database, or the history "
        "was squashed into a new baseline. Restore the file, or run the code whose history has it. After a "
        "squash, upgrade this database with the previous release first (its `alembic upgrade head`), then "
        "with this one; that works when the new baseline kept the old head's id (`--rev-id`)."
    )


# --- what the database refused ---------------------------------------------------------------------


@rule("batch-leftover", "a batch operation that failed halfway left its temporary table")
def _batch_leftover(s: Snapshot) -> str | None:
    leftover = BATCH_LEFTOVER.search(s.message)
    if not leftover or s.tables is None or leftover.group(1) not in s.tables:
        return None
    return (
        f"a batch operation that failed earlier left its temporary table `{leftover.group(1)}` behind. "
        f"Drop it (`DROP TABLE {leftover.group(1)}`), fix the revision, and upgrade again."
    )


@rule("not-null-without-default", "a NOT NULL column without a default, added to a table")
def _not_null_without_default(s: Snapshot) -> str | None:
    server = NOT_NULL_SERVER.search(s.message)
    sqlite = NOT_NULL_SQLITE.search(s.message)
    if server:
        column, table = server.group(1), server.group(2)
    elif sqlite and ALTER_TABLE.search(s.message):
        table, column = ALTER_TABLE.search(s.message).groups()
    else:
        return None
    rows = s.row_count(table)
    if rows is None:
        return None
    fix = (
        f"give the column a default the database fills in (`server_default=...` in the model and in the "
        f"revision's `sa.Column`), or add it with `nullable=True`, fill it, then make it NOT NULL."
    )
    if not rows:  # an empty table takes the column (SQLite too): the cause lies elsewhere
        return None
    rows_text = "1 row" if rows == 1 else f"{rows} rows"
    return f"`{table}` has {rows_text}, and a NOT NULL column `{column}` without a default has no value for them: {fix}"


@rule("already-there", "a revision that creates what the database already has")
def _already_there(s: Snapshot) -> str | None:
    if s.subcommand not in ("upgrade", "downgrade") or BATCH_LEFTOVER.search(s.message) or s.tables is None:
        return None
    for pattern, kind in ALREADY_THERE:
        found = pattern.search(s.message)
        if found:
            name = found.group(1)
            break
    else:
        return None
    in_database = name in s.tables or any(
        table.column(name) or name in [index for index, _, _ in table.indexes] for table in s.tables.values()
    )
    if not in_database:
        return None
    return (
        f"the database already has `{name}`, which this revision creates: its tables are ahead of its "
        "alembic_version (changed by hand or by `create_all()`, stamped back, or left half-done by a failed "
        "run). If the tables match a revision, `alembic stamp` it; if a failed run left them half-done, undo "
        "its changes by hand, then upgrade again."
    )


# --- commands that worked, but probably not as meant -----------------------------------------------------


@rule("revision-without-message", "`alembic revision` without `-m`", after="success")
def _revision_without_message(s: Snapshot) -> str | None:
    if s.subcommand != "revision" or any(word in ("-m", "--message") or word.startswith("--message=")
                                         for word in s.arguments):
        return None
    generated = _generated_file(s)
    if generated is None or not generated.name.endswith("_.py"):
        return None
    return (
        f"this revision has no message (`-m`): its file is named {generated.name} and `alembic history` shows "
        f'it without a description. Delete the file and run the command again with `-m "what it does"`.'
    )


@rule("autogenerate-drops-a-modelled-table", "env.py misses a model module, so autogenerate drops its table",
      after="success")
def _autogenerate_drops_a_modelled_table(s: Snapshot) -> str | None:
    dropped = _dropped_tables(s)
    modelled = [name for name in dropped if s.models and name in s.models.tables]
    if not modelled:
        return None
    files = ", ".join(sorted({s.models.tables[name] for name in modelled}))
    return (
        f"this migration drops {_tables(modelled)}, whose models exist ({files}) but are not imported "
        "by env.py. Delete this file, make env.py import every model module, and autogenerate again."
    )


@rule("autogenerate-drops-a-foreign-table", "autogenerate drops a table that no model defines", after="success")
def _autogenerate_drops_a_foreign_table(s: Snapshot) -> str | None:
    dropped = _dropped_tables(s)
    if not dropped or any(s.models and name in s.models.tables for name in dropped):
        return None
    return (
        f"this migration drops {_tables(dropped)}, which no model of yours defines. If another tool owns "
        "it, make env.py skip it with `include_name`; if you deleted its model on purpose, this is right."
    )


@rule("empty-autogenerate-models-differ", "an empty autogenerate although the models changed", after="success")
def _empty_autogenerate_models_differ(s: Snapshot) -> str | None:
    if not _empty_generated(s, autogenerate=True) or not s.model_differences:
        return None
    return (
        f"this migration is empty, yet your models differ from the database ({_summary(s.model_differences)}): "
        "env.py does not see every model. Make it import every model module (new ones too), then delete "
        "this file and autogenerate again."
    )


@rule("empty-autogenerate", "an autogenerate with nothing to do", after="success")
def _empty_autogenerate(s: Snapshot) -> str | None:
    if not _empty_generated(s, autogenerate=True) or s.model_differences or s.database_revisions is None:
        return None
    return (
        "this migration is empty: your models and the database already match. If you did change a model, "
        "check that the file is saved and that env.py imports every model module; otherwise delete this revision."
    )


@rule("plain-revision-models-differ", "`alembic revision` without `--autogenerate` after a model change",
      after="success")
def _plain_revision_models_differ(s: Snapshot) -> str | None:
    generated = _empty_generated(s, autogenerate=False)
    if generated is None:
        return None
    parent = re.search(r"^down_revision[^=]*=\s*'([^']+)'", generated.read_text(encoding="utf-8"), re.MULTILINE)
    if list(s.database_revisions or []) != ([parent.group(1)] if parent else []):
        return None  # the database lags behind: it differs from the models for that reason
    if not s.model_differences or s.env_sees_differences is None:
        return None
    if not s.env_sees_differences:
        return (
            "without `--autogenerate` the revision is an empty template, and your models differ from the "
            f"database ({_summary(s.model_differences)}) in a way env.py does not see, so `--autogenerate` would "
            "miss it too: make env.py import every model module (new ones too), then delete this file and "
            "autogenerate."
        )
    return (
        "without `--autogenerate` the revision is an empty template, yet your models differ from the database "
        f"({_summary(s.model_differences)}). Fill in upgrade() and downgrade() yourself, or delete this file and "
        "add `--autogenerate`."
    )


@rule("upgrade-after-editing-an-applied-revision", "an edit to a revision the database already ran",
      after="success")
def _upgrade_after_editing_an_applied_revision(s: Snapshot) -> str | None:
    if s.subcommand != "upgrade" or "--sql" in s.arguments or "Running upgrade" in s.output:
        return None
    if s.sqlite_file is None or not s.database_revisions or s.script is None:
        return None
    applied = [Path(revision.path) for revision in s.script.iterate_revisions(s.database_revisions, "base")]
    changed = [path for path in applied if path.stat().st_mtime_ns > s.sqlite_file.stat().st_mtime_ns]
    if not changed:
        return None
    name = changed[0].relative_to(s.folder).as_posix()
    return (
        f"nothing ran, yet {name}, which this database already ran, was saved since. Alembic never runs a "
        "revision twice, so an edit to it changes nothing here: put the change in a new revision."
    )


ENVIRONMENT_READ = re.compile(r"""(?:environ\.get\(|environ\[|getenv\()\s*["'](\w*DATABASE_URL)["']""")


@rule("misspelled-database-variable", "a variable set under a misspelled name, so the app's fallback was used",
      after="success")
def _misspelled_database_variable(s: Snapshot) -> str | None:
    for path in sorted(s.folder.rglob("*.py")):
        folders = path.relative_to(s.folder).parts[:-1]
        if any(part in SKIPPED_FOLDERS - {"alembic"} or part == "versions" or part.startswith(".") for part in folders):
            continue  # the app's code and env.py, not the revisions or the tests
        for name in ENVIRONMENT_READ.findall(path.read_text(encoding="utf-8", errors="replace")):
            if name in os.environ:
                continue
            close = difflib.get_close_matches(name, [other for other in os.environ if other != name], n=1, cutoff=0.85)
            if close:
                return (
                    f"your environment sets {close[0]}, but {path.relative_to(s.folder).as_posix()} reads {name}, which "
                    f"is not set: so this command used the fallback database, not the one {close[0]} names. "
                    f"Correct the variable's name (`{name}`)."
                )
    return None


@rule("current-prints-nothing", "`alembic current` prints no revision", after="success")
def _current_prints_nothing(s: Snapshot) -> str | None:
    if s.subcommand != "current" or re.search(r"^[0-9a-f]{4,}", s.output, re.MULTILINE):
        return None  # (a revision was printed: no need to read the database)
    if s.database_revisions != () or s.script is None or s.tables is None:
        return None
    others = sorted(name for name in s.tables if name != "alembic_version")
    if others:
        return (
            f"no revision is recorded, yet the database has tables ({', '.join(others)}): they were made "
            "without Alembic (by `create_all()` or by hand), or a stamp was undone. If they are exactly what your "
            "newest revision builds, `alembic stamp head` records that; otherwise Alembic cannot tell where "
            "this database stands."
        )
    count = len(s.revisions)
    if count == 0:
        first = '`alembic revision --autogenerate -m "..."` writes the first one'
        if re.search(r"^target_metadata\s*=\s*None\s*$", s.env_text, re.MULTILINE):
            first = "once env.py knows your models (`target_metadata`), " + first
        return f"the database has no revision because the project has none yet: {first}."
    return (
        f"the database is at base: none of your {count} revision{'s' if count > 1 else ''} is applied yet. "
        "`alembic upgrade head` applies them."
    )


# --- plumbing ----------------------------------------------------------------------------------------


def _generated_file(s: Snapshot) -> Path | None:
    generated = re.search(r"Generating (\S+\.py)", s.output)
    if not generated or not (s.folder / generated.group(1)).is_file():
        return None
    return s.folder / generated.group(1)


def _empty_generated(s: Snapshot, autogenerate: bool) -> Path | None:
    """The file ``alembic revision`` just wrote, if its upgrade() does nothing."""
    if s.subcommand != "revision" or ("--autogenerate" in s.arguments) != autogenerate:
        return None
    generated = _generated_file(s)
    if generated is None:
        return None
    return generated if _is_empty(_upgrade_body(generated.read_text(encoding="utf-8"))) else None


def _dropped_tables(s: Snapshot) -> list[str]:
    if s.subcommand != "revision" or "--autogenerate" not in s.arguments:
        return []
    generated = _generated_file(s)
    if generated is None:
        return []
    return re.findall(r"op\.drop_table\('([^']+)'", _upgrade_body(generated.read_text(encoding="utf-8")))


def _upgrade_body(revision: str) -> str:
    return revision.split("def upgrade()", 1)[-1].split("def downgrade()", 1)[0]


def _is_empty(body: str) -> bool:
    return bool(re.search(r"^\s+pass\s*$", body, re.MULTILINE)) and "op." not in body


def _tables(names: list[str]) -> str:
    quoted = ", ".join(f"'{name}'" for name in names)
    return f"table {quoted}" if len(names) == 1 else f"tables {quoted}"


def _summary(differences: list[str]) -> str:
    more = len(differences) - 1
    return differences[0] + (f" and {more} more" if more else "")


# --- async engines and drivers --------------------------------------------------------------------------

SYNC_DRIVER_IN_ASYNC_ENGINE = re.compile(r"The asyncio extension requires an async driver to be used\. The loaded '(\w+)' is not async")
ASYNC_DRIVER_IN_SYNC_ENGINE = re.compile(r"MissingGreenlet: greenlet_spawn has not been called")
ASYNC_ENV = re.compile(r"\basync_engine_from_config\b|\bcreate_async_engine\b|\.run_sync\(")
# The async driver of the same database, for each sync driver SQLAlchemy names in that message.
ASYNC_URLS = {
    "pysqlite": "sqlite+aiosqlite://",
    "psycopg": "postgresql+psycopg_async://",
    "psycopg2": "postgresql+psycopg_async://",
    "pg8000": "postgresql+psycopg_async://",
    "pymysql": "mysql+aiomysql://",
    "mysqldb": "mysql+aiomysql://",
}


@rule("async-url-in-sync-env", "an async driver's URL given to the sync env.py of `alembic init`'s default template")
def _async_url_in_sync_env(s: Snapshot) -> str | None:
    if not ASYNC_DRIVER_IN_SYNC_ENGINE.search(s.message):
        return None
    env = _env_file(s)
    if env is None or ASYNC_ENV.search(_read_text(env)):
        return None  # an async env.py: the cause lies elsewhere
    shown = env.relative_to(s.folder).as_posix()
    return (
        f"this env.py is sync ({shown} makes a plain Engine), and the URL names an async driver (aiosqlite, "
        "asyncpg, psycopg_async), which only an async engine can drive. Use `alembic init -t async` for an "
        "env.py that runs the migrations through an async engine, or give this env.py a sync URL "
        "(sqlite:///..., postgresql+psycopg://...)."
    )


@rule("sync-url-in-async-env", "a sync driver's URL given to an async engine (the env.py of `alembic init -t async`)")
def _sync_url_in_async_env(s: Snapshot) -> str | None:
    found = SYNC_DRIVER_IN_ASYNC_ENGINE.search(s.message)
    if not found:
        return None
    driver = found.group(1)
    async_url = ASYNC_URLS.get(driver)
    if async_url is None:
        return None
    return (
        f"an async engine (`create_async_engine`, as in the env.py of `alembic init -t async`) was given a URL "
        f"of the sync driver {driver}. Name the async driver of the same database in the URL: {async_url}... "
        "(or, for a sync URL, use the sync env.py of `alembic init`'s default template)."
    )


def _env_file(s: Snapshot) -> Path | None:
    """The env.py of the config file the command read (``-c``, or alembic.ini), if it can be found."""
    ini = _read_text(s.folder / (s.config_file or "alembic.ini"))
    location = re.search(r"^script_location\s*=\s*(.+)$", ini, re.MULTILINE)
    if not location:
        return None
    env = s.folder / location.group(1).strip().replace("%(here)s/", "") / "env.py"
    return env if env.is_file() else None


def _read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.is_file() else ""
