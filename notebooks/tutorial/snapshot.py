"""One reading of a learner's project, taken after a command, for the hint rules to look at.

A :class:`Snapshot` holds the command, what it printed and (if it failed) Alembic's
message. Every fact about the project (its revision files, the database's
revision, its tables, the models as the files define them) is read the first
time a rule asks for it, then kept, so that many rules cost one reading.
A fact that cannot be read is ``None`` (or empty): a rule that needs it stays
silent. Nothing here changes the project, and nothing creates a database.
"""

from __future__ import annotations

import contextlib
import logging
import re
import shlex
import warnings
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from . import inspection, sandbox

SKIPPED_FOLDERS = {"alembic", "tests", "venv", "__pycache__", "node_modules"}
OPTIONS_WITH_A_VALUE = {"-c", "--config", "-n", "--name", "-x"}


@dataclass
class Snapshot:
    """A command, its outcome, and the project it ran in, read lazily."""

    command: str
    folder: Path
    output: str = ""
    message: str | None = None  # Alembic's error message; None when the command worked

    def __post_init__(self):
        self.folder = Path(self.folder).resolve()

    # --- the command -----------------------------------------------------------------------------

    @property
    def failed(self) -> bool:
        return self.message is not None

    @cached_property
    def words(self) -> list[str]:
        try:
            return shlex.split(self.command)
        except ValueError:
            return self.command.split()

    @cached_property
    def subcommand(self) -> str | None:
        """``upgrade`` in ``alembic -c x.ini upgrade head``; None when there is none."""
        arguments = self._after_options()
        return arguments[0] if arguments else None

    @cached_property
    def arguments(self) -> list[str]:
        """The words after the subcommand: ``["head", "--sql"]``."""
        return self._after_options()[1:]

    def _after_options(self) -> list[str]:
        words, index = self.words[1:], 0
        while index < len(words) and words[index].startswith("-"):
            index += 2 if words[index] in OPTIONS_WITH_A_VALUE else 1
        return words[index:]

    @cached_property
    def config_file(self) -> str | None:
        """The file named with ``-c``, if any."""
        for position, word in enumerate(self.words[:-1]):
            if word in ("-c", "--config"):
                return self.words[position + 1]
        return None

    @property
    def own_config(self) -> bool:
        """The command reads the project's ``alembic.ini`` (not another file given with ``-c``)."""
        return self.config_file in (None, "alembic.ini")

    @cached_property
    def environment(self) -> str:
        """The section of the config file the command reads: the one named with ``-n``/``--name``, else ``alembic``."""
        for position, word in enumerate(self.words[:-1]):
            if word in ("-n", "--name"):
                return self.words[position + 1]
        for word in self.words:
            if word.startswith("--name="):
                return word.split("=", 1)[1]
        return "alembic"

    @cached_property
    def several_databases(self) -> bool:
        """The project migrates several databases: the command names an environment (``--name``), or
        ``alembic.ini`` lists databases (the ``multidb`` template). What this snapshot reads of "the database"
        and "the models" (one of each) then says nothing sure about it."""
        return self.environment != "alembic" or re.search(r"^databases\s*=", self.ini_text, re.MULTILINE) is not None

    # --- the project's files -----------------------------------------------------------------------

    @cached_property
    def ini_text(self) -> str:
        return _read(self.folder / "alembic.ini")

    @cached_property
    def env_text(self) -> str:
        return _read(self.folder / "alembic" / "env.py")

    @cached_property
    def script(self):
        """Alembic's ``ScriptDirectory`` of the project, or None if it cannot be read."""
        return self._read(inspection.script_directory)

    @cached_property
    def revisions(self) -> set[str]:
        """The ids of every revision file (empty if they cannot be read)."""
        return {revision.revision for revision in self.script.walk_revisions()} if self.script else set()

    @cached_property
    def heads(self) -> tuple[str, ...]:
        return tuple(sorted(self.script.get_heads())) if self.script else ()

    def steps_between(self, lower: tuple[str, ...] | str, upper: tuple[str, ...] | str) -> int | None:
        """How many revisions lie above ``lower`` up to ``upper`` (``base`` or ids); None if unknown."""
        if self.script is None:
            return None
        try:
            with quiet():
                return len(list(self.script.iterate_revisions(upper, lower or "base")))
        except Exception:
            return None

    # --- the database ------------------------------------------------------------------------------

    @cached_property
    def database_revisions(self) -> tuple[str, ...] | None:
        """The rows of ``alembic_version`` (empty at base); None if the database cannot be read."""
        return self._read(inspection.current_revisions)

    @cached_property
    def tables(self) -> dict[str, inspection.TableInfo] | None:
        """The database's tables, read with SQLAlchemy's inspector; None if it cannot be read."""
        return self._read(inspection.schema)

    @cached_property
    def schemas(self) -> list[str] | None:
        """The database's schemas, as its inspector names them; None if it cannot be read."""
        return self._read(inspection.schema_names)

    def row_count(self, table: str) -> int | None:
        """How many rows ``table`` holds; None if it cannot be read."""
        if self.tables is None or table not in self.tables:
            return None
        from sqlalchemy import func, select
        from sqlalchemy import table as table_clause

        return self._on_connection(lambda connection: connection.scalar(select(func.count()).select_from(table_clause(table))))

    def rows(self, query: str, **parameters) -> list[tuple] | None:
        """The rows of a read-only ``query`` (with ``:name`` parameters) on the project's database; None if it
        cannot be read (the hints about PostgreSQL's catalogue ask it)."""
        from sqlalchemy import text

        return self._on_connection(lambda connection: [tuple(row) for row in connection.execute(text(query), parameters)])

    @cached_property
    def views(self) -> set[str] | None:
        """The names of the database's views and materialized views; None if it cannot be read."""
        from sqlalchemy import inspect

        def view_names(connection) -> set[str]:
            inspector = inspect(connection)
            return set(inspector.get_view_names()) | set(inspector.get_materialized_view_names())

        return self._on_connection(view_names)

    @cached_property
    def sqlite_file(self) -> Path | None:
        return inspection.sqlite_file(self.folder) if self.own_config and not self.several_databases else None

    # --- the models, as the files define them --------------------------------------------------------

    @cached_property
    def models(self) -> Models | None:
        return load_models(self.folder)

    @cached_property
    def model_differences(self) -> list[str]:
        return model_differences(self.folder, self.models) if self.own_config and not self.several_databases else []

    @cached_property
    def env_sees_differences(self) -> bool | None:
        """Whether autogenerate, through the project's own ``env.py``, finds anything to do; None if unknown."""
        differences = self._read(inspection.differences)
        return None if differences is None else bool(differences)

    def _on_connection(self, use):
        """``use(connection)`` on the project's database, quietly; None if the command used another config file
        or environment, or the project migrates several databases, or the database cannot be read."""
        if not self.own_config or self.several_databases:
            return None
        try:
            with quiet():
                engine = inspection.engine(self.folder)
                try:
                    with engine.connect() as connection:
                        return use(connection)
                finally:
                    engine.dispose()
        except Exception:
            return None

    def _read(self, reader):
        """``reader(folder)``, quietly; None if the command used another config file or environment, or the
        project migrates several databases, or the project cannot say."""
        if not self.own_config or self.several_databases:
            return None
        try:
            with quiet():
                return reader(self.folder)
        except inspection.ProjectProblem:
            return None


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.is_file() else ""


@dataclass
class Models:
    """The project's models, imported afresh from its files."""

    metadata: list = field(default_factory=list)  # every distinct MetaData the model modules use
    tables: dict[str, str] = field(default_factory=dict)  # table name -> the file that defines it
    bases: list[str] = field(default_factory=list)  # the declarative base classes, by name


def load_models(folder: Path) -> Models | None:
    """Import every module of the project that defines a table; None if there is none, or one fails.

    Every module is found by its text, whatever ``env.py`` imports: that is how a hint can tell
    that ``env.py`` misses one.
    """
    folder = Path(folder).resolve()
    modules = [
        path for path in _python_files(folder) if re.search(r"__tablename__|\bTable\(", path.read_text("utf-8"))
    ]
    if not modules:
        return None
    models = Models()
    names = [".".join(path.relative_to(folder).with_suffix("").parts).removesuffix(".__init__") for path in modules]
    try:
        with quiet(), sandbox.imported_afresh(folder, *names) as imported:
            for module, path in zip(imported if len(names) > 1 else [imported], modules):
                _collect(module, path.relative_to(folder).as_posix(), models)
    except inspection.ProjectProblem:  # a model with a typo: Alembic itself will say so
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


def model_differences(folder: Path, models: Models | None = None) -> list[str]:
    """What autogenerate would find between the models (all of them, imported afresh) and the database.

    Only the models' own tables are compared: tables of other tools are left out, as ``env.py`` may
    exclude them. Returns short descriptions, e.g. ``added table 'payments'``; empty if they match or
    if the models or the database cannot be read.
    """
    models = models if models is not None else load_models(folder)
    if models is None:
        return []
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    names = set(models.tables)

    def include_name(name, type_, parent_names):
        return type_ != "table" or name in names

    try:
        engine = inspection.engine(folder)
    except inspection.ProjectProblem:
        return []
    try:
        with quiet(), engine.connect() as connection:
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


@contextlib.contextmanager
def quiet():
    """No log line and no warning: reading the project must never print (in red, or at all)."""
    saved = logging.root.manager.disable
    logging.disable(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logging.disable(saved)
