"""One plain-language hint under Alembic's own output, for the mistakes learners make most.

The terminal runner calls :func:`after_failure` when a command failed and
:func:`after_success` when it worked; each returns one hint, or None when
there is nothing useful to add. A healthy project gets none, except to hear
that an autogenerate found nothing to do.

Where Alembic's message alone cannot tell the cause, the hint looks at the
project: :func:`model_differences` imports the models afresh from the files
(as they are on disk, whatever ``env.py`` imports) and compares them with the
database, as autogenerate would (a few tens of milliseconds). Whether a
revision was edited after it ran is told by file times (SQLite only).
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import re
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path

NOT_IN_PROJECT = re.compile(r"No 'script_location' key found|No config file 'alembic.ini' found|Path doesn't exist")
MISSING_MODULE = re.compile(r"ModuleNotFoundError: No module named '([\w.]+)'")
UNKNOWN_REVISION = re.compile(r"Can't locate revision identified by '([^']+)'")
BATCH_LEFTOVER = re.compile(r"table (_alembic_tmp_\w+) already exists")
ALREADY_THERE = re.compile(r"duplicate column name|already exists", re.IGNORECASE)
SKIPPED_FOLDERS = {"alembic", "tests", "venv", "__pycache__", "node_modules"}


def after_failure(command: str, message: str, folder: Path) -> str | None:
    """A hint for a command that failed with ``message``, or None.

    :param command: the command line, e.g. ``alembic upgrade head``.
    :param message: the tool's own error message (paths relative to ``folder``).
    :param folder: the project folder the command ran in.
    """
    folder = Path(folder)
    if NOT_IN_PROJECT.search(message):
        return (
            "this folder has no Alembic project. Run the notebook's first code cell: "
            "it opens the notebook's project folder."
        )
    if "does not provide a MetaData object" in message:
        return (
            "env.py sets `target_metadata = None`, so autogenerate has no models to compare with. Import every "
            f"model module there and set `target_metadata = {_base_named_in(folder)}.metadata`."
        )
    if "Multiple head" in message:
        return (
            "two revisions share a parent, so `head` names two revisions. Join them with "
            '`alembic merge heads -m "merge"`, then upgrade.'
        )
    if "Target database is not up to date" in message:
        return (
            "run `alembic upgrade head` first, then autogenerate. Autogenerate compares the models with the "
            "database, which lacks the newest revision's changes, so it would write them a second time."
        )
    missing = UNKNOWN_REVISION.search(message)
    if missing and missing.group(1) in command.split():
        return f"no revision matches '{missing.group(1)}'. `alembic history` lists the revisions you have."
    if missing:
        return (
            f"the database says it is at revision {missing.group(1)}, but no file in alembic/versions has it "
            "(deleted, on another branch, or the database comes from elsewhere). Restore the file; or "
            "`alembic stamp --purge` the revision whose tables the database really has."
        )
    module = MISSING_MODULE.search(message)
    if module:
        return _missing_module_hint(module.group(1), folder)
    leftover = BATCH_LEFTOVER.search(message)
    if leftover:
        return (
            f"a batch operation that failed earlier left its temporary table `{leftover.group(1)}` behind. "
            f"Drop it (`DROP TABLE {leftover.group(1)}`), fix the revision, and upgrade again."
        )
    if ALREADY_THERE.search(message) and command.split()[1:2] in (["upgrade"], ["downgrade"]):
        return (
            "the database already has what this revision creates: its tables are ahead of its alembic_version "
            "(changed by hand or by `create_all()`, stamped back, or left half-done by a failed run). If the "
            "tables match a revision, `alembic stamp` it; if a failed run left them half-done, undo its changes "
            "by hand, then upgrade again."
        )
    return None


def after_success(result, folder: Path) -> str | None:
    """A hint for a command that worked but probably did not do what the learner wanted, or None.

    :param result: the command's :class:`tutorial.terminal.Result`.
    :param folder: the project folder the command ran in.
    """
    folder = Path(folder)
    words = result.command.split()
    if words[1:2] == ["revision"]:
        generated = re.search(r"Generating (\S+\.py)", result.output)
        if generated and (folder / generated.group(1)).is_file():
            revision = (folder / generated.group(1)).read_text(encoding="utf-8")
            if "--autogenerate" in words:
                return _autogenerate_hint(revision, folder)
            return _plain_revision_hint(revision, folder)
    if words[1:2] == ["upgrade"] and "--sql" not in words and "Running upgrade" not in result.output:
        return _edited_revision_hint(folder)
    return None


# --- hints that look at the project --------------------------------------------------------------


def _autogenerate_hint(revision: str, folder: Path) -> str | None:
    upgrade = _upgrade_body(revision)
    dropped = re.findall(r"op\.drop_table\('([^']+)'", upgrade)
    if dropped:
        models = load_models(folder)
        modelled = [name for name in dropped if models and name in models.tables]
        if modelled:
            files = ", ".join(sorted({models.tables[name] for name in modelled}))
            return (
                f"this migration drops {_tables(modelled)}, whose models exist ({files}) but are not imported "
                "by env.py. Delete this file, make env.py import every model module, and autogenerate again."
            )
        return (
            f"this migration drops {_tables(dropped)}, which no model of yours defines. If another tool owns "
            "it, make env.py skip it with `include_name`; if you deleted its model on purpose, this is right."
        )
    if not _is_empty(upgrade):
        return None
    differences = model_differences(folder)
    if differences:
        return (
            f"this migration is empty, yet your models differ from the database ({_summary(differences)}): "
            "env.py does not see every model. Make it import every model module (new ones too), then delete "
            "this file and autogenerate again."
        )
    return (
        "this migration is empty: your models and the database already match. If you did change a model, "
        "check that the file is saved and that env.py imports every model module; otherwise delete this revision."
    )


def _plain_revision_hint(revision: str, folder: Path) -> str | None:
    if not _is_empty(_upgrade_body(revision)):
        return None
    parent = re.search(r"^down_revision[^=]*=\s*'([^']+)'", revision, re.MULTILINE)
    if (database_revisions(folder) or []) != ([parent.group(1)] if parent else []):
        return None  # the database lags behind: it differs from the models for that reason
    differences = model_differences(folder)
    if not differences:
        return None
    return (
        "without `--autogenerate` the revision is an empty template, yet your models differ from the database "
        f"({_summary(differences)}). Fill in upgrade() and downgrade() yourself, or delete this file and add "
        "`--autogenerate`."
    )


def _edited_revision_hint(folder: Path) -> str | None:
    """Nothing ran: was a revision that already ran edited since (SQLite only: file times)?"""
    folder = folder.resolve()
    database = _sqlite_file(folder)
    applied = applied_revision_files(folder)
    if database is None or not applied:
        return None
    changed = [path for path in applied if path.stat().st_mtime_ns > database.stat().st_mtime_ns]
    if not changed:
        return None
    name = changed[-1].relative_to(folder).as_posix()
    return (
        f"nothing ran, yet {name}, which this database already ran, was saved since. Alembic never runs a "
        "revision twice, so an edit to it changes nothing here: put the change in a new revision."
    )


def _missing_module_hint(module: str, folder: Path) -> str:
    top = module.split(".")[0]
    if (folder / top).is_dir() or (folder / f"{top}.py").is_file():
        if not re.search(r"^prepend_sys_path\s*=", _ini_text(folder), re.MULTILINE):
            return (
                f"`{top}` lies in your project folder, but Python does not look there: alembic.ini needs "
                "`prepend_sys_path = .`."
            )
        return f"`{top}` lies in your project folder: run Alembic from the folder that holds alembic.ini."
    return f"`{top}` is not installed in the Python that runs Alembic (or the import has a typo)."


# --- what the project holds ------------------------------------------------------------------------


@dataclass
class Models:
    """The project's models, imported afresh from its files."""

    metadata: list = field(default_factory=list)  # every distinct MetaData the model modules use
    tables: dict[str, str] = field(default_factory=dict)  # table name -> the file that defines it
    bases: list[str] = field(default_factory=list)  # the declarative base classes, by name


def load_models(folder: Path) -> Models | None:
    """Import every module of the project that defines a table; None if there is none, or one fails."""
    folder = Path(folder).resolve()
    modules = [
        path for path in _python_files(folder) if re.search(r"__tablename__|\bTable\(", path.read_text("utf-8"))
    ]
    if not modules:
        return None
    models = Models()
    with _project_importable(folder):
        try:
            for path in modules:
                name = ".".join(path.relative_to(folder).with_suffix("").parts).removesuffix(".__init__")
                module = __import__(name, fromlist=["_"])
                _collect(module, path.relative_to(folder).as_posix(), models)
        except Exception:  # a model with a typo: Alembic itself will say so
            return None
    for metadata in models.metadata:
        for table in metadata.tables:
            models.tables.setdefault(table, "?")
    return models if models.metadata else None


def _collect(module, file: str, models: Models) -> None:
    """Note the metadata, tables and declarative bases that ``module`` defines."""
    from sqlalchemy import MetaData, Table

    for value in vars(module).values():
        if isinstance(value, Table):
            models.tables[value.name] = file
            metadata = value.metadata
        elif isinstance(value, type) and isinstance(getattr(value, "metadata", None), MetaData):
            metadata = value.metadata
            if "metadata" in vars(value) and value.__name__ not in models.bases:  # a declarative base
                models.bases.append(value.__name__)
            elif value.__module__ == module.__name__ and getattr(value, "__table__", None) is not None:
                models.tables[value.__table__.name] = file
        elif isinstance(value, MetaData):
            metadata = value
        else:
            continue
        if all(metadata is not known for known in models.metadata):
            models.metadata.append(metadata)


def model_differences(folder: Path) -> list[str]:
    """What autogenerate would find between the models (all of them, imported afresh) and the database.

    Only the models' own tables are compared: tables of other tools are left out, as ``env.py`` may
    exclude them. Returns short descriptions, e.g. ``added table 'payments'``; empty if they match or
    if the models or the database cannot be read.
    """
    models = load_models(folder)
    if models is None:
        return []
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    names = set(models.tables)

    def include_name(name, type_, parent_names):
        return type_ != "table" or name in names

    engine = _engine(folder)
    if engine is None:
        return []
    try:
        with _quiet(), engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"include_name": include_name})
            metadata = models.metadata[0] if len(models.metadata) == 1 else models.metadata
            diffs = compare_metadata(context, metadata)
    except Exception:
        return []
    finally:
        engine.dispose()
    whole = {diff[1].name for diff in diffs if isinstance(diff, tuple) and diff[0] in ("add_table", "remove_table")}
    kept = [diff for diff in diffs if _table_of(diff) not in whole or diff[0] in ("add_table", "remove_table")]
    return sorted(_describe(diff) for diff in kept)  # autogenerate's own order varies between runs


def database_revisions(folder: Path) -> list[str] | None:
    """The revision ids in the database's ``alembic_version`` table (None if it cannot be read)."""
    from . import inspection  # (terminal imports this module, inspection imports terminal)

    try:
        with _quiet():
            return list(inspection.current_revisions(folder))
    except inspection.ProjectProblem:
        return None


def applied_revision_files(folder: Path) -> list[Path]:
    """The files of the revisions the database has run, oldest first (empty if unknown)."""
    current = database_revisions(folder)
    if not current:
        return []
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    folder = Path(folder).resolve()
    try:
        with _project_importable(folder), _quiet():
            script = ScriptDirectory.from_config(Config(str(folder / "alembic.ini")))
            revisions = list(script.iterate_revisions(current, "base"))
    except Exception:
        return []
    return [Path(revision.path) for revision in reversed(revisions)]


# --- plumbing ----------------------------------------------------------------------------------------


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


def _table_of(diff) -> str | None:
    """The name of the table an autogenerate difference is about."""
    if isinstance(diff, list):
        return diff[0][2]
    if diff[0].endswith("_column"):
        return diff[2]
    subject = diff[1]
    table = getattr(subject, "table", subject)
    return getattr(table, "name", None)


def _describe(diff) -> str:
    """A short description of one autogenerate difference."""
    if isinstance(diff, list):  # the changes to one column come as a list
        diff = diff[0]
        return f"changed column '{diff[2]}.{diff[3]}'"
    kind, subject = diff[0], diff[1]
    action = {"add": "added", "remove": "removed"}.get(kind.split("_")[0], "changed")
    what = kind.split("_", 1)[-1]
    if what == "column":
        return f"{action} column '{diff[2]}.{diff[3].name}'"
    if what in ("table", "index"):
        return f"{action} {what} '{subject.name}'"
    what = "foreign key" if what == "fk" else what
    return f"{action} {what} on '{subject.table.name}'" if hasattr(subject, "table") else f"{action} {what}"


def _python_files(folder: Path) -> list[Path]:
    found = []
    for path in sorted(folder.rglob("*.py")):
        parts = path.relative_to(folder).parts
        if any(part in SKIPPED_FOLDERS or part.startswith(".") for part in parts[:-1]):
            continue
        found.append(path)
    return found


def _base_named_in(folder: Path) -> str:
    models = load_models(folder)
    return models.bases[0] if models and models.bases else "<YourBase>"


def _ini_text(folder: Path) -> str:
    ini = folder / "alembic.ini"
    return ini.read_text(encoding="utf-8") if ini.is_file() else ""


def _sqlite_file(folder: Path) -> Path | None:
    from . import inspection

    return inspection.sqlite_file(folder)


def _engine(folder: Path):
    """An engine on the project's database; None when there is none yet (a hint never creates one)."""
    from . import inspection

    try:
        return inspection.engine(folder)
    except inspection.ProjectProblem:
        return None


@contextlib.contextmanager
def _project_importable(folder: Path):
    """The project's modules importable, as on disk now; none of them left in ``sys.modules`` afterwards.

    (Faster than :func:`fresh.forget_project_modules`: only the project's own top-level names are looked at.)
    """
    tops = {path.stem for path in folder.iterdir() if path.suffix == ".py" or (path / "__init__.py").is_file()}
    tops = {top for top in tops if top not in sys.modules or _inside(sys.modules[top], folder)}

    def forget():
        for name in [name for name in sys.modules if name.split(".")[0] in tops]:
            del sys.modules[name]

    saved_path, saved_bytecode = list(sys.path), sys.dont_write_bytecode
    forget()
    importlib.invalidate_caches()
    sys.path.insert(0, str(folder))
    sys.dont_write_bytecode = True
    try:
        with _quiet():
            yield
    finally:
        sys.path[:] = saved_path
        sys.dont_write_bytecode = saved_bytecode
        forget()


def _inside(module, folder: Path) -> bool:
    file = getattr(module, "__file__", None)
    return bool(file) and Path(file).resolve().is_relative_to(folder.resolve())


@contextlib.contextmanager
def _quiet():
    """No log line and no warning: a hint must never print in red."""
    saved = logging.root.manager.disable
    logging.disable(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logging.disable(saved)
