"""A second database on a PostgreSQL or MariaDB server, to see what the same revisions do there.

A learner's machine usually has no server: :func:`database_on` then prints one
line saying so and gives ``None``, and the cell skips its comparison. The
servers are looked for at ``TUTORIAL_POSTGRES_URL`` and ``TUTORIAL_MARIADB_URL``,
else at ``DATABASE_URL`` when it names a server of that kind, else on this
machine's usual ports.
"""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from . import database, drivers, inspection, terminal
from .terminal import CommandFailed

# kind: (its name, the variable that names its URL, the URL used without it)
SERVERS = {
    "postgres": ("PostgreSQL", "TUTORIAL_POSTGRES_URL", drivers.local_server_url("postgresql", "postgres", "postgres")),
    "mariadb": ("MariaDB", "TUTORIAL_MARIADB_URL", drivers.local_server_url("mysql", "root", "test")),
}
CONNECT_TIMEOUT = 3  # seconds; a missing server usually refuses at once


def server_url(kind: str) -> URL:
    """The URL of the ``kind`` server (``"postgres"`` or ``"mariadb"``), whether it answers or not."""
    _, variable, default = SERVERS[kind]
    configured = os.environ.get(variable, "").strip()
    if configured:
        return make_url(configured)
    chosen = database.server_url()
    if chosen is not None and chosen.get_backend_name() in drivers.server_backends(kind):
        return chosen
    return make_url(default)


def server_name(kind: str) -> str:
    """``PostgreSQL`` or ``MariaDB``."""
    return SERVERS[kind][0]


# The notebooks that run only on a database server, and which one: without it, the tests skip them
# (saying why) unless that server is required.
NOTEBOOKS_ON_A_SERVER = {
    "19-migrate-a-live-database": "postgres",
    "20-change-a-live-schema-safely": "postgres",
    "26-migrate-at-deploy-time": "postgres",
    "27-enums-and-type-changes": "postgres",
    "28-views-functions-and-triggers": "postgres",
    "29-schemas-and-tenants": "postgres",
    "30-several-databases": "postgres",
    "31-check-migrations-in-ci": "postgres",
}


def unreachable(kind: str) -> str | None:
    """One line saying why the ``kind`` server cannot be used from here, or None when it answers.

    A driver that is not installed is named, with how to install it; any other failure
    (refused, timed out, wrong password) says that no server answers.
    """
    url = server_url(kind)
    try:
        engine = database.server_engine(url, SERVERS[kind][1], poolclass=NullPool, connect_args={"connect_timeout": CONNECT_TIMEOUT})
    except database.DriverMissing as missing:  # not the server's fault: say how to install the driver
        return missing.line
    try:
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        finally:
            engine.dispose()
    except Exception as error:  # refused, timed out, wrong password: all mean "not here"
        return (
            f"No {server_name(kind)} server answers at {url.host}:{url.port} ({type(error).__name__}): "
            f"start one, or set {SERVERS[kind][1]} to its URL"
        )
    return None


def create_database(kind: str, name: str) -> URL:
    """Create the database ``name`` on the ``kind`` server (dropping any older one); return its URL."""
    database.reset_on(server_url(kind), name, create=True, setting=SERVERS[kind][1])
    return server_url(kind).set(database=name)


def drop_database(kind: str, name: str) -> None:
    """Drop the database ``name`` on the ``kind`` server, if it exists."""
    database.reset_on(server_url(kind), name, create=False, setting=SERVERS[kind][1])


def drop_workspace_databases() -> list[str]:
    """Drop every database of this workspace on the PostgreSQL server, if it answers; return their names.

    For the tools that run notebooks in a temporary workspace: a notebook whose project lives on
    the server (:data:`NOTEBOOKS_ON_A_SERVER`) leaves its databases there, as a learner's would stay.
    """
    if unreachable("postgres") is not None:
        return []
    engine = database.server_engine(server_url("postgres"), SERVERS["postgres"][1], poolclass=NullPool)
    try:
        with engine.connect() as connection:
            names = connection.execute(
                text("SELECT datname FROM pg_database WHERE starts_with(datname, :prefix)"),
                {"prefix": database.workspace_prefix()},
            ).scalars().all()
    finally:
        engine.dispose()
    for name in names:
        drop_database("postgres", name)
    return list(names)


@dataclass
class ServerDatabase:
    """A database on a server beside the project's own, and the Alembic config file that points at it."""

    kind: str
    name: str
    url: URL
    config: str

    @property
    def server(self) -> str:
        return server_name(self.kind)

    def engine(self) -> Engine:
        """An engine on this database (no pooled connections left open): :func:`tutorial.inspection.engine`."""
        return inspection.engine(url=self.url)


def write_config(project, kind: str) -> str:
    """Write ``alembic-<kind>.ini``: the project's ``alembic.ini``, its URL naming a database on the server.

    The server is not contacted: offline commands (``--sql``) need only the file.
    Returns the file name.
    """
    config = f"alembic-{kind}.ini"
    url = server_url(kind).set(database=database.database_name(f"{project.name}-on-{kind}"))
    _write_config(Path(project.folder) / "alembic.ini", Path(project.folder) / config, url)
    return config


@contextlib.contextmanager
def database_on(
    kind: str, project, start_at: str | None = None, upgrade_to: str | None = None
) -> Iterator[ServerDatabase | None]:
    """A new database for ``project`` on the ``kind`` server for the ``with`` block, dropped afterwards.

    Inside the block, ``alembic -c alembic-<kind>.ini <command>`` runs the project's
    revisions against it (the file is written if missing, and then removed at the
    end). Without a reachable server, one line says so and the block receives ``None``.

    :param kind: ``"postgres"`` or ``"mariadb"``.
    :param project: the notebook's project (what ``tutorial.start`` returned).
    :param start_at: a revision id. The database then gets a small ``bills`` table
        (``id``, ``description``) and is stamped at that revision, without running the
        revisions up to it (MariaDB refuses the billtracker's first revision: its
        ``String`` columns have no length).
    :param upgrade_to: a revision id, or ``head``: run the project's revisions up to it.
    """
    reason = unreachable(kind)
    if reason is not None:
        print(f"{reason}. Skipping the {server_name(kind)} part of this cell.")
        yield None
        return
    name = database.database_name(f"{project.name}-on-{kind}")
    config_path = Path(project.folder) / f"alembic-{kind}.ini"
    config_existed = config_path.exists()
    url = create_database(kind, name)
    try:
        config = write_config(project, kind)
        copy = ServerDatabase(kind, name, url, config)
        print(f"Database {name} created on the {copy.server} server at {url.host}:{url.port}:")
        if start_at is not None:
            with copy.engine().begin() as connection:
                connection.execute(text("CREATE TABLE bills (id INTEGER PRIMARY KEY, description VARCHAR(200) NOT NULL)"))
            terminal.run(f"alembic -c {config} stamp {start_at}", project.folder, echo=False)
            print(f"  with a bills table, stamped at {start_at};")
        if upgrade_to is not None:
            terminal.run(f"alembic -c {config} upgrade {upgrade_to}", project.folder, echo=False)
            print(f"  upgraded to {upgrade_to};")
        print(f"  {config} points at it.")
        yield copy
    finally:
        if not config_existed:
            config_path.unlink(missing_ok=True)
        drop_database(kind, name)
        print(f"Database {name} dropped.")


def attempt(command: str, folder: Path | str = ".") -> CommandFailed | None:
    """Run a terminal command whose outcome depends on the database; return its failure, or None.

    The output is printed as in a ``%%terminal`` cell; a failure is printed too,
    as plain text, instead of stopping the cell.
    """
    try:
        terminal.run(command, folder)
    except CommandFailed as failure:
        print(f"`{command}` failed:\n{failure.message}")
        return failure
    return None


def _write_config(source: Path, target: Path, url: URL) -> None:
    """Copy ``alembic.ini`` to ``target`` with ``sqlalchemy.url`` set to ``url``."""
    value = url.render_as_string(hide_password=False).replace("%", "%%")
    ini = source.read_text(encoding="utf-8")
    ini, count = re.subn(r"^sqlalchemy\.url = .*$", lambda _: f"sqlalchemy.url = {value}", ini, flags=re.MULTILINE)
    if count != 1:
        raise ValueError(f"{source.name} has no `sqlalchemy.url = ...` line to point at the server")
    target.write_text(ini, encoding="utf-8")
