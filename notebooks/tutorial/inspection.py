"""Read where a project stands, as Alembic and SQLAlchemy see it: its revision files, its database's
revision and schema, and how its models differ from the database.

Used by the migration explorer and the "Check my work" checkers. Nothing here changes the project,
and nothing creates a database: a SQLite file that does not exist is reported as missing.
Every problem a learner can cause (no ``alembic.ini``, no database, a model that does not import)
raises :class:`ProjectProblem` with a message in plain words.
"""

from __future__ import annotations

import ast
import contextlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.pool import NullPool

from . import drivers, sandbox, workspace
from .sandbox import ProjectProblem

PLACEHOLDER_URL = "driver://user:pass@localhost/dbname"


class NoDatabaseYet(ProjectProblem):
    """The project's SQLite file does not exist yet (and looking must not create it)."""


@dataclass
class TableInfo:
    """One table of the database: its columns ``(name, type, nullable)`` and indexes ``(name, columns, unique)``."""

    name: str
    columns: list[tuple[str, str, bool]] = field(default_factory=list)
    indexes: list[tuple[str, tuple[str, ...], bool]] = field(default_factory=list)

    def column(self, name: str) -> tuple[str, str, bool] | None:
        return next((column for column in self.columns if column[0] == name), None)

    def indexes_on(self, column: str) -> list[str]:
        """The names of the indexes that cover ``column``."""
        return [name for name, columns, _ in self.indexes if column in columns]


def shown(folder: Path) -> str:
    """The folder as the learner knows it (``workspace/...``), or its name when it lies elsewhere."""
    try:
        return workspace.shown(folder)
    except ValueError:
        return folder.name


def alembic_config(folder: Path):
    """Alembic's ``Config`` for the project in ``folder``.

    :raises ProjectProblem: the folder has no ``alembic.ini``.
    """
    from alembic.config import Config

    folder = Path(folder).resolve()
    if not folder.is_dir():
        raise ProjectProblem(f"There is no project folder {shown(folder)} yet: run the notebook's first code cell.")
    ini = folder / "alembic.ini"
    if not ini.is_file():
        if folder == workspace.NOTEBOOKS or not folder.is_relative_to(workspace.root()):
            raise ProjectProblem(
                f"{shown(folder)} is not a project folder (the kernel restarted?): run the notebook's first code "
                "cell, which opens its project folder."
            )
        raise ProjectProblem(
            f"{shown(folder)} has no alembic.ini: Alembic is not set up in this project yet. "
            "`alembic init alembic` creates it (notebook 02)."
        )
    return Config(str(ini))


def script_directory(folder: Path):
    """Alembic's ``ScriptDirectory`` of the project (the revision files), every revision loaded.

    :raises ProjectProblem: no ``alembic.ini``, or a revision file Alembic cannot read.
    """
    from alembic.script import ScriptDirectory

    folder = Path(folder).resolve()
    config = alembic_config(folder)
    with _inside(folder):
        try:
            script = ScriptDirectory.from_config(config)
            list(script.walk_revisions())  # loads every file: a broken one fails here, not later
        except Exception as error:
            raise ProjectProblem(_explain(error, folder)) from None
    return script


def revision_source(script, revision: str) -> str:
    """The text of a revision's file."""
    return Path(script.get_revision(revision).path).read_text(encoding="utf-8")


@dataclass(frozen=True)
class Operation:
    """One ``op.<name>(...)`` (or ``batch_op.<name>(...)``) call in a revision's function, as written.

    :param strings: every string constant in the call, nested ones included (``'phone'`` in ``['phone']``).
    :param keywords: its keyword arguments whose values are constants (``postgresql_concurrently=True``).
    :param batch_table: for a ``batch_op`` call, the table of its ``op.batch_alter_table(...)``.
    :param in_autocommit_block: whether it is inside ``with op.get_context().autocommit_block():``.
    :param inner_keywords: the keyword arguments of the calls inside it (``nullable=False`` in ``sa.Column(...)``),
        a constant as its value, any other expression as its source text (``server_default=sa.text('0')``).
    :param called: the names of the callables called inside it, without their module (``Text`` for ``sa.Text()``).
    """

    name: str
    strings: tuple[str, ...]
    keywords: dict
    batch_table: str | None
    in_autocommit_block: bool
    inner_keywords: dict = field(default_factory=dict)
    called: tuple[str, ...] = ()

    def names(self, *words: str) -> bool:
        """Whether the call names each of ``words`` (a table, a column): as a string, or as the batch's table."""
        return all(word in self.strings or word == self.batch_table for word in words)


def operations(script, revision: str, function: str = "upgrade") -> list[Operation]:
    """The Alembic operations that ``function`` (``"upgrade"`` or ``"downgrade"``) of ``revision`` calls.

    Read with :mod:`ast`, so a call wrapped over several lines counts once and a commented-out one does
    not. A file that does not parse has none (running it says why).
    """
    try:
        tree = ast.parse(revision_source(script, revision))
    except SyntaxError:
        return []
    body = next((node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == function), None)
    found: list[Operation] = []

    def strings_in(node) -> list[str]:
        return [leaf.value for leaf in ast.walk(node) if isinstance(leaf, ast.Constant) and isinstance(leaf.value, str)]

    def name_of(function) -> str | None:
        """``Text`` for ``sa.Text`` or ``Text``; None for anything else (a call's result called)."""
        return function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", None)

    def calls_in(node, batch_table: str | None, autocommit: bool) -> None:
        for call in ast.walk(node):
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                    and isinstance(call.func.value, ast.Name) and call.func.value.id in ("op", "batch_op")):
                continue
            keywords = {k.arg: k.value.value for k in call.keywords if k.arg and isinstance(k.value, ast.Constant)}
            batch = batch_table if call.func.value.id == "batch_op" else None
            inner = [node for node in ast.walk(call) if isinstance(node, ast.Call) and node is not call]
            inner_keywords = {
                k.arg: k.value.value if isinstance(k.value, ast.Constant) else ast.unparse(k.value)
                for node in inner for k in node.keywords if k.arg
            }
            called = tuple(name_of(node.func) for node in inner if name_of(node.func))
            found.append(Operation(call.func.attr, tuple(strings_in(call)), keywords, batch, autocommit,
                                   inner_keywords, called))

    def visit(statements, batch_table: str | None, autocommit: bool) -> None:
        for statement in statements:
            if isinstance(statement, ast.With | ast.AsyncWith):
                table, inner = batch_table, autocommit
                for item in statement.items:
                    context = item.context_expr
                    if isinstance(context, ast.Call) and isinstance(context.func, ast.Attribute):
                        if context.func.attr == "autocommit_block":
                            inner = True
                        elif context.func.attr == "batch_alter_table" and strings_in(context):
                            table = strings_in(context)[0]
                visit(statement.body, table, inner)
            elif isinstance(statement, ast.If | ast.For | ast.While | ast.Try):
                for header in (getattr(statement, "test", None), getattr(statement, "iter", None)):
                    if header is not None:
                        calls_in(header, batch_table, autocommit)
                blocks = [statement.body, statement.orelse, getattr(statement, "finalbody", [])]
                blocks += [handler.body for handler in getattr(statement, "handlers", [])]
                for block in blocks:
                    visit(block, batch_table, autocommit)
            else:
                calls_in(statement, batch_table, autocommit)

    if body is not None:
        visit(body.body, None, False)
    return found


def upgrade_source(script, revision: str) -> str:
    """The body of a revision's ``upgrade()``, as written in its file."""
    text = revision_source(script, revision)
    return text.split("def upgrade()", 1)[-1].split("def downgrade()", 1)[0]


def database_url(folder: Path) -> str:
    """The project's database URL, for reading it with a plain (sync) engine.

    It is ``alembic.ini``'s ``sqlalchemy.url``, a relative SQLite path made relative to the project
    folder; when ``alembic.ini`` names none (``env.py`` reads the app's own setting, as from notebook 21
    on), it is the URL of the engine ``env.py`` makes. An async driver is swapped for its sync twin.

    :raises ProjectProblem: no ``alembic.ini``, still the placeholder URL of ``alembic init``, or no URL
        in ``alembic.ini`` and none from ``env.py``.
    """
    folder = Path(folder).resolve()
    url = alembic_config(folder).get_main_option("sqlalchemy.url") or ""
    if not url:
        url = env_url(folder)
        if url is None:
            raise ProjectProblem(
                "alembic.ini names no database (no sqlalchemy.url), and alembic/env.py made no engine to connect "
                "with: `alembic current` shows what goes wrong."
            )
    if url == PLACEHOLDER_URL:
        raise ProjectProblem(
            "alembic.ini still has the placeholder URL of `alembic init` "
            f"(sqlalchemy.url = {PLACEHOLDER_URL}): set it to your database's URL (notebook 02)."
        )
    return resolved_url(url, folder)


# The sync driver of each async one, to read a database an async app uses (notebook 24).
SYNC_DRIVERS = drivers.sync_twins()


class _Connecting(Exception):
    """Raised instead of connecting, with the URL the engine was about to connect to."""

    def __init__(self, url):
        self.url = url


def env_url(folder: Path) -> str | None:
    """The URL of the engine the project's ``env.py`` connects with, or None if it makes none.

    ``env.py`` runs as for ``alembic current``, up to its engine's first ``connect()``, which is
    stopped there: nothing connects, and no SQLite file is created.
    """
    from alembic.runtime.environment import EnvironmentContext
    from alembic.script import ScriptDirectory

    def stop(engine, *args, **kwargs):
        raise _Connecting(engine.url)

    folder = Path(folder).resolve()
    config = alembic_config(folder)
    quiet = io.StringIO()
    with sandbox.as_in_a_terminal(folder), contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):
        saved_connect = Engine.connect
        Engine.connect = stop
        try:
            script = ScriptDirectory.from_config(config)
            with EnvironmentContext(config, script, fn=lambda revision, context: [], as_sql=False):
                script.run_env()
        except _Connecting as connecting:
            return connecting.url.render_as_string(hide_password=False)
        except Exception:
            return None
        finally:
            Engine.connect = saved_connect
    return None


def resolved_url(url: str | URL, folder: Path) -> str:
    """``url`` with a relative SQLite file made relative to ``folder`` (where Alembic runs), and a sync driver."""
    parsed = make_url(url)
    if parsed.drivername in SYNC_DRIVERS:
        parsed = parsed.set(drivername=SYNC_DRIVERS[parsed.drivername])
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database)
        if not path.is_absolute():
            parsed = parsed.set(database=str(Path(folder).resolve() / path))
    return parsed.render_as_string(hide_password=False)


def missing_database(url: str) -> str | None:
    """For a SQLite file that does not exist, its name (looking must not create it); else None."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        if not Path(parsed.database).exists():
            return Path(parsed.database).name
    return None


def engine(folder: Path | None = None, url: str | URL | None = None, *, use_async: bool = False):
    """An engine on the project's database, no pooled connection left open: the one way the tutorial opens one.

    :param folder: the project folder. Its ``alembic.ini`` (or, when that names none, its ``env.py``)
        names the database, and a relative SQLite path is relative to it.
    :param url: the database to open instead of the one ``alembic.ini`` names now (what ``start()``
        wrote there, a second database on a server).
    :param use_async: an ``AsyncEngine``, through the async twin of the URL's driver (``aiosqlite``,
        ``psycopg_async``); else a plain ``Engine``, through the sync twin of an async driver.
    :raises ProjectProblem: no ``alembic.ini``, a placeholder URL, or a SQLite file not created yet
        (:class:`NoDatabaseYet`: looking must not create it).
    """
    if url is None:
        url = database_url(folder)
    else:
        url = resolved_url(url, folder if folder is not None else Path.cwd())
    missing = missing_database(url)
    if missing:
        raise NoDatabaseYet(
            f"There is no database yet: {missing} does not exist. `alembic upgrade head` creates it "
            "(with the tables of every revision)."
        )
    if not use_async:
        return create_engine(url, poolclass=NullPool)
    from sqlalchemy.ext.asyncio import create_async_engine

    parsed = make_url(url)
    scheme = f"{parsed.get_backend_name()}+{parsed.get_driver_name()}"
    return create_async_engine(parsed.set(drivername=drivers.async_twins().get(scheme, scheme)), poolclass=NullPool)


def sqlite_file(folder: Path) -> Path | None:
    """The project's SQLite database file if it exists; None on a server, or before it is created."""
    try:
        url = make_url(database_url(folder))
    except ProjectProblem:
        return None
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    path = Path(url.database)
    return path if path.is_file() else None


def schema_names(folder: Path) -> list[str]:
    """The schemas of the project's database, as SQLAlchemy's inspector lists them (PostgreSQL's own ``pg_*``
    left out); ``["main"]`` on SQLite."""
    from sqlalchemy import inspect

    database = engine(folder)
    try:
        with database.connect() as connection:
            return sorted(inspect(connection).get_schema_names())
    except Exception as error:
        raise ProjectProblem(f"The database does not answer: {error}") from None
    finally:
        database.dispose()


def current_revisions(folder: Path) -> tuple[str, ...]:
    """The revisions the database is at (the rows of ``alembic_version``); empty at ``base``."""
    from alembic.runtime.migration import MigrationContext

    database = engine(folder)
    try:
        with database.connect() as connection:
            return tuple(sorted(MigrationContext.configure(connection).get_current_heads()))
    except ProjectProblem:
        raise
    except Exception as error:
        raise ProjectProblem(f"The database does not answer: {error}") from None
    finally:
        database.dispose()


def schema(folder: Path) -> dict[str, TableInfo]:
    """Every table of the database, read with SQLAlchemy's inspector, by name."""
    database = engine(folder)
    try:
        inspector = inspect(database)
        tables = {}
        for name in sorted(inspector.get_table_names()):
            table = TableInfo(name)
            for column in inspector.get_columns(name):
                table.columns.append((column["name"], str(column["type"]), bool(column["nullable"])))
            for index in inspector.get_indexes(name):
                table.indexes.append((index["name"], tuple(index["column_names"]), bool(index["unique"])))
            tables[name] = table
        return tables
    except Exception as error:
        raise ProjectProblem(f"The database does not answer: {error}") from None
    finally:
        database.dispose()


def differences(folder: Path) -> list:
    """What autogenerate would find: ``compare_metadata`` between the models and the database.

    The comparison runs through the project's own ``env.py``, as ``alembic check`` and
    ``alembic revision --autogenerate`` do, so it sees the ``target_metadata`` that ``env.py``
    sets, with the model files imported afresh (as they are on disk now).

    :raises ProjectProblem: no database, ``target_metadata = None``, or ``env.py`` or a model fails.
    """
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.environment import EnvironmentContext
    from alembic.script import ScriptDirectory

    folder = Path(folder).resolve()
    engine(folder).dispose()  # the checks of the URL and of the file, before env.py connects
    config = alembic_config(folder)
    script_directory(folder)  # a clear message for a broken revision file
    found: dict = {}

    def compare(revision, context):
        metadata = context.opts.get("target_metadata")
        if metadata is None:
            found["diffs"] = None
        else:
            found["diffs"] = [
                diff for one in (metadata if isinstance(metadata, list | tuple) else [metadata])
                for diff in compare_metadata(context, one)
            ]
        return []

    quiet = io.StringIO()
    with sandbox.as_in_a_terminal(folder), contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):
        try:
            script = ScriptDirectory.from_config(config)  # here: it puts prepend_sys_path on sys.path
            with EnvironmentContext(config, script, fn=compare, as_sql=False):
                script.run_env()
        except Exception as error:
            raise ProjectProblem(_explain(error, folder)) from None
    if "diffs" not in found:
        raise ProjectProblem("alembic/env.py ran no comparison: does it still call context.run_migrations()?")
    if found["diffs"] is None:
        raise ProjectProblem(
            "alembic/env.py has target_metadata = None: Alembic does not know your models. "
            "Import them there and set target_metadata (notebook 02)."
        )
    return found["diffs"]


def describe(diff) -> str:
    """One difference found by ``compare_metadata``, in words."""
    if isinstance(diff, list):  # modify_* differences come as a list of tuples about one column
        return "; ".join(describe(part) for part in diff)
    kind = diff[0]
    in_models, in_database = "in the models, not in the database", "in the database, not in the models"
    if kind in ("add_table", "remove_table"):
        return f"table {diff[1].name}: {in_models if kind == 'add_table' else in_database}"
    if kind in ("add_column", "remove_column"):
        column = diff[3]
        where = in_models if kind == "add_column" else in_database
        return f"column {diff[2]}.{column.name} ({column.type}): {where}"
    if kind in ("add_index", "remove_index"):
        index = diff[1]
        columns = ", ".join(column.name for column in index.columns)
        where = in_models if kind == "add_index" else in_database
        return f"index {index.name} on {index.table.name}({columns}): {where}"
    if kind in ("add_fk", "remove_fk"):
        key = diff[1]
        where = in_models if kind == "add_fk" else in_database
        return f"foreign key {key.parent.name}({', '.join(key.column_keys)}) -> {key.referred_table.name}: {where}"
    if kind in ("add_constraint", "remove_constraint"):
        constraint = diff[1]
        where = in_models if kind == "add_constraint" else in_database
        return f"constraint {constraint.name or type(constraint).__name__} on {constraint.table.name}: {where}"
    if kind == "modify_type":
        return f"column {diff[2]}.{diff[3]}: type {diff[5]} in the database, {diff[6]} in the models"
    if kind == "modify_nullable":
        words = {True: "may be empty (NULL)", False: "NOT NULL"}
        return f"column {diff[2]}.{diff[3]}: {words[diff[5]]} in the database, {words[diff[6]]} in the models"
    if kind == "modify_default":
        return f"column {diff[2]}.{diff[3]}: its server default differs"
    return repr(diff)


def model_tables(folder: Path, module: str | list[str], base: str):
    """The ``MetaData`` of the project's models: import ``module`` afresh, then take ``base``'s metadata.

    :param module: the module that imports every model, e.g. ``billtracker.data.__all_models``
        (or a list of modules, imported in order).
    :param base: ``module:Class`` of the declarative base, e.g. ``billtracker.data.modelbase:SqlAlchemyBase``.
    :raises ProjectProblem: a model file does not import.
    """
    base_module, _, base_name = base.partition(":")
    modules = [module] if isinstance(module, str) else list(module)
    with sandbox.imported_afresh(folder, *modules, base_module) as imported:
        base_class = getattr(imported[-1] if isinstance(imported, tuple) else imported, base_name, None)
        if base_class is None:
            raise ProjectProblem(f"AttributeError: module '{base_module}' has no attribute '{base_name}'")
        return base_class.metadata


def _explain(error: Exception, folder: Path) -> str:
    """The error in one paragraph, with the file and line of the learner's code that raised it."""
    return sandbox.relative_paths(sandbox.describe_exception(error, folder), folder)


@contextlib.contextmanager
def _inside(folder: Path):
    """Stand in ``folder``, as Alembic run from a terminal there would (``alembic.ini`` has relative paths)."""
    with sandbox.as_in_a_terminal(folder), contextlib.redirect_stderr(io.StringIO()):
        yield
