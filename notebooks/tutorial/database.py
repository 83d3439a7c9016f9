"""Which database a notebook's project uses, and how it is reset.

SQLite is the default: a file ``billtracker.sqlite`` in the project folder.
Set ``DATABASE_URL`` to a server URL (for example
``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``) and each notebook
gets its own database on that server. One server is often shared (a class, the
test workers), so the name says whose it is and which workspace it belongs to:
``alembic_tutorial_<learner>_<workspace>_<notebook>``.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import re

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.dialects import registry
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.pool import NullPool

from . import drivers, workspace

SQLITE_FILE = "billtracker.sqlite"
CONNECT_TIMEOUT = 10  # seconds: a server behind a firewall says nothing, and the cell must not wait for ever


class DatabaseUnavailable(RuntimeError):
    """The database server named by ``DATABASE_URL`` does not answer, refuses, or its driver is not installed."""

    def _render_traceback_(self) -> list[str]:
        """What IPython shows instead of a Python traceback: the message, which says what to do."""
        return [f"DatabaseUnavailable: {self}"]


class DriverMissing(DatabaseUnavailable):
    """The driver a server URL names cannot be imported: it is not installed (or SQLAlchemy does not know it)."""

    def __init__(self, url: URL, error: Exception, setting: str):
        self.url, self.error, self.setting = url, error, setting
        #: One line, for a cell that goes on without the server.
        self.line = missing_driver(url, error)
        super().__init__(
            f"The database server in {setting} ({url.render_as_string()}) cannot be used from here:\n"
            f"  {self.line}.\nOr unset {setting} to use SQLite."
        )


INSTALL_DRIVERS = "`make lab SERVERS=1`, or `pip install -r requirements-servers.txt`"


def missing_driver(url: URL, error: Exception) -> str:
    """One line (no final stop): the driver ``url`` names is not installed, and how to install it."""
    backend, _, driver = url.drivername.partition("+")
    if not _known_backend(backend):
        return (
            f"SQLAlchemy knows no database called {backend!r} (the URL starts {url.drivername}://): write "
            f"postgresql+psycopg://... for PostgreSQL or mysql+pymysql://... for MariaDB and MySQL"
        )
    try:
        driver = url.get_dialect().driver  # a URL without "+driver" gets SQLAlchemy's default for the backend
    except Exception:  # a driver SQLAlchemy does not know: keep the URL's word for it
        pass
    known = drivers.SERVER_BACKENDS.get(backend)
    name = known.name if known else backend
    what = f"The {name} driver {driver}" if driver else f"The {name} driver"
    if known and driver == known.server_driver:
        return f"{what} is not installed here ({error}): install it with {INSTALL_DRIVERS}, then restart the kernel"
    return (
        f"{what} is not installed here ({error}): the tutorial's drivers are psycopg (postgresql+psycopg://...) "
        f"and PyMySQL (mysql+pymysql://...); name one in the URL, install them with {INSTALL_DRIVERS}, "
        f"then restart the kernel"
    )


def _known_backend(backend: str) -> bool:
    """Whether SQLAlchemy has a dialect named ``backend`` (``postgresql`` yes, Heroku's ``postgres`` no)."""
    try:
        registry.load(backend)
    except NoSuchModuleError:
        return False
    return True


def server_engine(url: URL, setting: str, **options) -> Engine:
    """``create_engine(url, **options)``, but a driver that cannot be imported raises :class:`DriverMissing`.

    :param setting: the variable that named the server, for the message.
    """
    try:
        return create_engine(url, **options)
    except (ImportError, NoSuchModuleError) as error:
        raise DriverMissing(url, error, setting) from None


def server_url() -> URL | None:
    """The server named by ``DATABASE_URL``, or None for SQLite.

    :raises DatabaseUnavailable: the value is not a URL at all; the message shows the form it needs.
    """
    value = os.environ.get("DATABASE_URL", "").strip()
    if not value or value.startswith("sqlite"):
        return None
    try:
        return make_url(value)
    except ArgumentError:
        shown = re.sub(r"(\w):[^@/:]*@", r"\1:***@", value)  # a password, if any, hidden
        raise DatabaseUnavailable(
            f"DATABASE_URL is not a database URL: {shown!r}.\n"
            f"Write it as postgresql+psycopg://USER@HOST:5432/postgres (or mysql+pymysql://USER@HOST:3306/DATABASE), "
            f"or unset it to use SQLite."
        ) from None


PREFIX = "alembic_tutorial"
MAX_NAME = 63  # PostgreSQL's limit for a name (MariaDB allows 64)


def learner() -> str:
    """Whose workspace this is: the hub's user name if any, else the operating system's user."""
    name = os.environ.get("JUPYTERHUB_USER", "").strip()
    if not name:
        try:
            name = getpass.getuser()
        except Exception:  # no user name at all (a container with an unnamed uid)
            name = "learner"
    return _plain(name)[:16].strip("_") or "learner"


def workspace_tag() -> str:
    """Six hex digits that tell this workspace from any other on the same machine or server."""
    return hashlib.sha256(str(workspace.root()).encode("utf-8")).hexdigest()[:6]


def workspace_prefix() -> str:
    """The start of every server database name of this learner's workspace: ``alembic_tutorial_<learner>_<workspace>_``."""
    return f"{PREFIX}_{learner()}_{workspace_tag()}_"


def database_name(project_name: str) -> str:
    """The server database of a project in this workspace: ``alembic_tutorial_<learner>_<workspace>_<project>``.

    Letters, digits and ``_`` only. A name longer than a server allows keeps its start and ends with a
    short hash of the whole project name, so that two projects never share one.
    """
    project = _plain(project_name)
    name = workspace_prefix() + project
    if len(name) > MAX_NAME:
        digest = hashlib.sha256(project.encode("utf-8")).hexdigest()[:6]
        name = name[: MAX_NAME - len(digest) - 1].rstrip("_") + "_" + digest
    return name


def _plain(text: str) -> str:
    return re.sub(r"\W+", "_", text.lower(), flags=re.ASCII).strip("_")


def url_for(project_name: str, filename: str = SQLITE_FILE) -> str:
    """The SQLAlchemy URL of the project's database, as written in ``alembic.ini``."""
    server = server_url()
    if server is None:
        return f"sqlite:///{filename}"
    return server.set(database=database_name(project_name)).render_as_string(hide_password=False)


def app_settings(app: str, project_name: str) -> dict[str, str]:
    """What a tutorial app reads its database from: on a server, ``<APP>_DATABASE_URL`` naming the project's
    database; on SQLite, nothing (the app finds its file beside its settings)."""
    if server_url() is None:
        return {}
    return {f"{app.upper()}_DATABASE_URL": url_for(project_name)}


def shown_url(url: str) -> str:
    """A URL as shown to the learner: any password hidden."""
    return make_url(url).render_as_string(hide_password=True)


def recreate(project_name: str) -> None:
    """On a server: drop the project's database if it exists, and create it empty."""
    server = server_url()
    if server is not None:
        reset_on(server, database_name(project_name), create=True, setting="DATABASE_URL")


def drop(project_name: str) -> None:
    """On a server: drop the project's database if it exists."""
    server = server_url()
    if server is not None:
        reset_on(server, database_name(project_name), create=False, setting="DATABASE_URL")


def reset_on(server: URL, name: str, create: bool, setting: str) -> None:
    """Drop the database ``name`` on ``server`` if it exists; then, if ``create``, create it empty.

    On PostgreSQL the new database is closed to other users (``REVOKE CONNECT ... FROM PUBLIC``):
    on a server shared by a class, only its owner (and a superuser) can connect to it.

    :param setting: the variable that named the server, for the message if it refuses.
    :raises DatabaseUnavailable: the server does not answer, or refuses, or its driver is not installed
        (:class:`DriverMissing`); the message says what to do.
    """
    if not re.fullmatch(r"\w+", name):
        raise ValueError(f"not a plain database name: {name!r}")
    engine = server_engine(
        server, setting, isolation_level="AUTOCOMMIT", poolclass=NullPool, connect_args={"connect_timeout": CONNECT_TIMEOUT}
    )
    postgresql = engine.dialect.name == "postgresql"
    quoted = f'"{name}"' if postgresql else f"`{name}`"
    try:
        with engine.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {quoted}" + (" WITH (FORCE)" if postgresql else "")))
            if create:
                connection.execute(text(f"CREATE DATABASE {quoted}"))
            if create and postgresql:
                connection.execute(text(f"REVOKE CONNECT, TEMPORARY ON DATABASE {quoted} FROM PUBLIC"))
    except DBAPIError as error:
        raise DatabaseUnavailable(_why_not(server, name, str(error.orig).strip(), setting)) from None
    finally:
        engine.dispose()


def _why_not(server: URL, name: str, reason: str, setting: str) -> str:
    """What went wrong on the server, and what to do, judged from the server's own words."""
    where = f"The database server in {setting} ({server.render_as_string()})"
    said = "\n  ".join(reason.splitlines())
    if re.search(r"permission denied|must be owner|access denied.*to database", reason, re.IGNORECASE | re.DOTALL):
        return (
            f"{where} refused to create or drop {name}:\n  {said}\n"
            f"The user {server.username} needs the right to create databases "
            f"(PostgreSQL: ALTER ROLE {server.username} CREATEDB;)."
        )
    missing_role = re.search(r'role "([^"]+)" does not exist', reason)
    if missing_role:
        return (
            f"{where} has no user {missing_role.group(1)}:\n  {said}\n"
            f"Whoever runs the server (your teacher, on a hub) creates it with the right to create databases "
            f"(PostgreSQL: CREATE ROLE {missing_role.group(1)} LOGIN CREATEDB;), or correct {setting}."
        )
    missing_database = re.search(r'database "([^"]+)" does not exist|Unknown database \'([^\']+)\'', reason)
    if missing_database:
        return (
            f"{where} has no database {missing_database.group(1) or missing_database.group(2)} to connect to:\n  {said}\n"
            f"Name one that exists at the end of {setting} (on PostgreSQL, postgres is always there)."
        )
    if re.search(r"authentication failed|access denied|password", reason, re.IGNORECASE):
        return f"{where} did not accept the user or password:\n  {said}\nCorrect {setting}."
    return (
        f"{where} does not answer:\n  {said}\n"
        f"Start the server, correct {setting}, or unset it to use SQLite."
    )
