"""Is a learner's project one they could keep? Its models and its database agree, and it passes pytest-alembic's
four built-in tests on an empty database of the kind it was made for: one head, an upgrade from empty, models
that match what the migrations build, and every revision down and up again."""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from pytest_alembic import runner, tests
from pytest_alembic.config import Config
from pytest_alembic.plugin.error import AlembicTestFailure
from sqlalchemy import create_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from tutorial import database, sandbox, servers, terminal

# The notebooks that end, on purpose, with a project that is not healthy: what is wrong with it, and the
# words of the notebook's last section that say so.
ENDS_UNHEALTHY = {
    "00-start-here": (["no Alembic project"], None),
    "01-build-the-models": (["no Alembic project"], None),
    "03-change-a-model": (
        ["`alembic check` fails on its database: Target database is not up to date."],
        "not applied",
    ),
    "31-check-migrations-in-ci": (
        [
            "`alembic check` fails on its database: Target database is not up to date.",
            "pytest-alembic's `test_single_head_revision` fails on an empty PostgreSQL database: Expected 1 head "
            "revision, found 2 | Heads: 0006; 0007",
            "pytest-alembic's `test_model_definitions_match_ddl` fails on an empty PostgreSQL database: The models "
            "describing the DDL of your database are out of sync with the set of steps described in the revision "
            "history. | The upgrade which would have been generated would look like: "
            "op.add_column('users', sa.Column('last_login', sa.DateTime(), nullable=True))",
        ],
        "Until you do the exercise",
    ),
}

# pytest-alembic's built-in tests (the ones `--test-alembic` runs), each on an empty database of its own.
BUILT_IN_TESTS = (
    tests.test_single_head_revision,
    tests.test_upgrade,
    tests.test_model_definitions_match_ddl,
    tests.test_up_down_consistency,
)

# A module that holds an app's one URL setting: `DATABASE_URL = os.environ.get("<APP>_DATABASE_URL") ...`.
APP_SETTING = re.compile(r"[\"']([A-Z]+_DATABASE_URL)[\"']")
SERVER_KINDS = {"postgresql": "postgres", "mysql": "mariadb", "mariadb": "mariadb"}


def unexpected(stem: str, workspace: Path) -> list[str]:
    """What is wrong with the project notebook ``stem`` left in ``workspace``, beyond what it says of itself."""
    expected, _ = ENDS_UNHEALTHY.get(stem, ([], None))
    with sandbox.environment_variables({"ALEMBIC_TUTORIAL_WORKSPACE": str(workspace)}), _app_urls_on_its_server(stem, workspace):
        found = problems(workspace / stem)
    return [] if found == expected else found or ["healthy, though the notebook is expected to end otherwise"]


def problems(folder: Path) -> list[str]:
    """What is wrong with the project in ``folder``, in a few words each; empty for a healthy one.

    Its own database is only read (``alembic check``). pytest-alembic's tests run on a copy of the project,
    each on an empty database of the kind the project uses: a SQLite file in the copy, or a database of this
    workspace on the project's server, dropped afterwards.
    """
    if not (folder / "alembic.ini").is_file():
        return ["no Alembic project"]
    found = []
    for name in environments(folder):
        command, where = ("alembic check", "") if name is None else (f"alembic --name {name} check", f" [{name}]")
        try:
            terminal.run(command, folder, echo=False)
        except terminal.CommandFailed as failure:
            found.append(f"`{command}` fails on its database: {failure.message.splitlines()[0]}")
        found += [f"{failure}{where}" for failure in built_in_test_failures(folder, name)]
    return found


def environments(folder: Path) -> list[str | None]:
    """The environments of the project's ``alembic.ini``: ``[None]``, the ``[alembic]`` section, unless it has none
    and other sections have a ``script_location`` (several environments in one file, chosen with ``--name``)."""
    import configparser

    parser = configparser.RawConfigParser()
    parser.read(folder / "alembic.ini", encoding="utf-8")
    named = [name for name in parser.sections() if parser.has_option(name, "script_location")]
    return [None] if parser.has_section("alembic") or not named else named


def built_in_test_failures(folder: Path, environment: str | None = None) -> list[str]:
    """pytest-alembic's four built-in tests, run on a copy of the project in ``folder``: one line per failure.

    :param environment: the section of ``alembic.ini`` to use (as ``--name`` chooses it); None for ``[alembic]``.
    """
    found = []
    with tempfile.TemporaryDirectory(prefix="health-") as scratch:
        copy = Path(scratch) / folder.name
        shutil.copytree(folder, copy, ignore=shutil.ignore_patterns("*.sqlite", "__pycache__"))
        settings = _app_settings(copy)
        own = _own_url(copy, settings, environment)
        kind = SERVER_KINDS.get(own.get_backend_name()) if own is not None else None
        name = database.database_name(f"{folder.name}-health") if kind else None
        try:
            for number, test in enumerate(BUILT_IN_TESTS, start=1):
                where = "an empty database" if kind is None else f"an empty {servers.server_name(kind)} database"
                try:
                    if kind is None:
                        url = URL.create(own.drivername if own is not None and own.get_backend_name() == "sqlite" else "sqlite",
                                         database=str(copy / f"health-{number}.sqlite"))
                    else:
                        url = servers.create_database(kind, name).set(drivername=own.drivername)  # dropped first if there
                except database.DatabaseUnavailable as error:
                    return found + [f"no empty database for pytest-alembic's tests: {str(error).splitlines()[0]}"]
                failure = _run(test, copy, url, settings, environment)
                if failure:
                    found.append(f"pytest-alembic's `{test.__name__}` fails on {where}: {failure}")
        finally:
            if kind:
                servers.drop_database(kind, name)
    return found


def _run(test, folder: Path, url: URL, settings: dict[str, str | None], environment: str | None = None) -> str | None:
    """Run one of pytest-alembic's tests on the empty database at ``url``, as a project's own tests would.

    ``alembic_engine`` is an engine on it; ``alembic.ini``'s ``sqlalchemy.url`` and the app's URL settings name it
    too, so that it is the database migrated whichever of them the project's ``env.py`` reads.
    """
    rendered = url.render_as_string(hide_password=False)
    engine = _engine(url)
    if environment is None:
        config = Config.from_raw_config({"file": str(folder / "alembic.ini"), "sqlalchemy.url": rendered.replace("%", "%%")})
    else:  # a named section: pytest-alembic takes an Alembic Config built on it
        from alembic.config import Config as AlembicConfig

        named = AlembicConfig(str(folder / "alembic.ini"), ini_section=environment)
        named.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
        config = Config.from_raw_config(named)
    output = io.StringIO()
    try:
        with sandbox.environment_variables(dict.fromkeys(settings, rendered)), sandbox.as_in_a_terminal(folder), \
                contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
            with runner(config=config, engine=engine) as alembic_runner:
                sandbox.outside_any_event_loop(test, alembic_runner)
    except AlembicTestFailure as failure:
        return _in_a_line(failure)
    except Exception as error:  # raised by env.py, a model module, a revision or the database driver
        return sandbox.describe_exception(error, folder).splitlines()[0]
    finally:
        getattr(engine, "sync_engine", engine).dispose()
    return None


def _in_a_line(failure: AlembicTestFailure) -> str:
    """The first sentence of pytest-alembic's message, and what it shows below it (a generated upgrade, Alembic's
    error), in one line."""
    parts = [re.split(r"(?<=\.) ", str(failure.args[0]), maxsplit=1)[0]]
    for title, body in failure.context or []:
        lines = [line.strip() for line in str(body).splitlines() if line.strip() and not line.strip().startswith("#")]
        if "Error" in title:
            lines = lines[:1]  # the database's own message; not the SQL and the link below it
        parts.append(f"{title}: {'; '.join(lines)}")
    return " | ".join(parts)


def _engine(url: URL):
    """An engine on ``url`` (an async one for an async driver, as the app's own would be), with no pool."""
    if url.get_dialect().is_async:
        from sqlalchemy.ext.asyncio import create_async_engine

        return create_async_engine(url, poolclass=NullPool)
    return create_engine(url, poolclass=NullPool)


def _app_settings(folder: Path) -> dict[str, str | None]:
    """The ``<APP>_DATABASE_URL`` variables the project's apps read, each with the module that defines the app's
    ``DATABASE_URL`` from it (or None)."""
    settings: dict[str, str | None] = {}
    for path in sorted(folder.glob("*/*.py")):
        text = path.read_text(encoding="utf-8")
        defines = re.search(r"^DATABASE_URL\s*[:=]", text, re.MULTILINE) is not None
        for name in APP_SETTING.findall(text):
            if defines or name not in settings:
                settings[name] = f"{path.parent.name}.{path.stem}" if defines else None
    return settings


def _own_url(folder: Path, settings: dict[str, str | None], environment: str | None = None) -> URL | None:
    """The URL of the database the project in ``folder`` uses, as its app or its ``alembic.ini`` says; None if unknown."""
    from alembic.config import Config as AlembicConfig

    candidates = []
    with sandbox.as_in_a_terminal(folder), contextlib.redirect_stdout(io.StringIO()):
        for module in filter(None, settings.values()):
            try:
                with sandbox.imported_afresh(folder, module) as settings_module:
                    candidates.append(getattr(settings_module, "DATABASE_URL", None))
            except sandbox.ProjectProblem:  # an app that cannot be imported here: its alembic.ini may still say
                pass
        candidates.append(AlembicConfig(str(folder / "alembic.ini"), ini_section=environment or "alembic")
                          .get_main_option("sqlalchemy.url"))
    for candidate in candidates:
        try:
            url = make_url(str(candidate))
            url.get_dialect()
        except Exception:  # None, a placeholder (driver://user:pass@localhost/dbname), an unknown driver
            continue
        return url
    return None


@contextmanager
def _app_urls_on_its_server(stem: str, workspace: Path):
    """For a notebook on a server, set the ``<APP>_DATABASE_URL`` variables its app reads to its database there.

    The notebook's kernel set them (an app's one URL setting); a new terminal, like these checks, needs them too.
    """
    kind = servers.NOTEBOOKS_ON_A_SERVER.get(stem)
    folder = workspace / stem
    names = set(_app_settings(folder)) if kind is not None and folder.is_dir() else set()
    if not names:
        yield
        return
    with sandbox.environment_variables({"ALEMBIC_TUTORIAL_WORKSPACE": str(workspace)}):  # the database's name says whose workspace
        url = servers.server_url(kind).set(database=database.database_name(stem)).render_as_string(hide_password=False)
        with sandbox.environment_variables(dict.fromkeys(names, url)):
            yield
