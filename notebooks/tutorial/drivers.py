"""The database drivers the tutorial knows: one table of them, and what the other modules read from it.

A URL names its database and driver as ``backend+driver://``. For each driver: the module it imports,
the package pip installs it from, whether it is async, and its twin of the other kind (the sync driver
of an async one, and the other way round). For each server backend: its name in words, its port, the
driver ``requirements-servers.txt`` installs for it, and the one SQLAlchemy takes when the URL names none.

Nothing here imports SQLAlchemy: the environment check (:mod:`tutorial.envcheck`) reads this table too.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Driver:
    """One driver, as a URL names it.

    :param scheme: ``backend+driver``, the start of its URLs, e.g. ``postgresql+psycopg``.
    :param module: the module it imports (``MySQLdb``), which a ``ModuleNotFoundError`` names.
    :param package: what ``pip install`` takes (``mysqlclient``): pip's name is not always the module's.
    :param is_async: whether only an async engine can drive it.
    :param twin: the scheme of the same database's driver of the other kind, if the tutorial has one.
    """

    scheme: str
    module: str
    package: str
    is_async: bool = False
    twin: str | None = None

    @property
    def backend(self) -> str:
        return self.scheme.partition("+")[0]

    @property
    def name(self) -> str:
        """The driver's name in the URL (``psycopg_async``)."""
        return self.scheme.partition("+")[2]


@dataclass(frozen=True)
class Backend:
    """A database server, as a URL names it (``postgresql``).

    :param name: its name in words, for messages.
    :param server: the kind of server the tutorial runs for it (:data:`tutorial.servers.SERVERS`).
    :param port: the port its server listens on by default.
    :param server_driver: the driver that ``requirements-servers.txt`` installs for it.
    :param default_driver: the driver SQLAlchemy uses when the URL names none (``postgresql://``).
    """

    name: str
    server: str
    port: int
    server_driver: str
    default_driver: str


DRIVERS = (
    Driver("sqlite+pysqlite", "sqlite3", "", twin="sqlite+aiosqlite"),
    Driver("sqlite+aiosqlite", "aiosqlite", "aiosqlite", is_async=True, twin="sqlite"),
    Driver("postgresql+psycopg", "psycopg", "psycopg[binary]", twin="postgresql+psycopg_async"),
    Driver("postgresql+psycopg_async", "psycopg", "psycopg[binary]", is_async=True, twin="postgresql+psycopg"),
    Driver("postgresql+psycopg2", "psycopg2", "psycopg2-binary", twin="postgresql+psycopg_async"),
    Driver("postgresql+pg8000", "pg8000", "pg8000", twin="postgresql+psycopg_async"),
    Driver("postgresql+asyncpg", "asyncpg", "asyncpg", is_async=True, twin="postgresql+psycopg"),
    Driver("mysql+pymysql", "pymysql", "PyMySQL", twin="mysql+aiomysql"),
    Driver("mariadb+pymysql", "pymysql", "PyMySQL", twin="mariadb+aiomysql"),
    Driver("mysql+mysqldb", "MySQLdb", "mysqlclient", twin="mysql+aiomysql"),
    Driver("mysql+aiomysql", "aiomysql", "aiomysql", is_async=True, twin="mysql+pymysql"),
    Driver("mysql+asyncmy", "asyncmy", "asyncmy", is_async=True, twin="mysql+pymysql"),
    Driver("oracle+oracledb", "oracledb", "oracledb"),
    Driver("mssql+pyodbc", "pyodbc", "pyodbc"),
)

SERVER_BACKENDS = {
    "postgresql": Backend("PostgreSQL", "postgres", 5432, server_driver="psycopg", default_driver="psycopg"),
    "mysql": Backend("MariaDB/MySQL", "mariadb", 3306, server_driver="pymysql", default_driver="mysqldb"),
    "mariadb": Backend("MariaDB", "mariadb", 3306, server_driver="pymysql", default_driver="mysqldb"),
}


def driver(scheme: str) -> Driver | None:
    """The driver a URL's ``backend+driver`` names, or None if the tutorial does not know it."""
    return next((one for one in DRIVERS if one.scheme == scheme), None)


def sync_twins() -> dict[str, str]:
    """``{async scheme: its sync twin}``, to read with a plain engine a database an async app uses."""
    return {one.scheme: one.twin for one in DRIVERS if one.is_async and one.twin}


def async_twins() -> dict[str, str]:
    """``{sync scheme: its async twin}``, for an async engine (``alembic init -t async``)."""
    return {one.scheme: one.twin for one in DRIVERS if not one.is_async and one.twin}


def server_scheme(backend: str) -> str:
    """``backend+driver`` with the driver ``requirements-servers.txt`` installs, e.g. ``postgresql+psycopg``."""
    return f"{backend}+{SERVER_BACKENDS[backend].server_driver}"


def local_server_url(backend: str, user: str, database: str) -> str:
    """The URL of ``database`` on a ``backend`` server on this machine, at its usual port."""
    return f"{server_scheme(backend)}://{user}@127.0.0.1:{SERVER_BACKENDS[backend].port}/{database}"


def server_backends(kind: str) -> tuple[str, ...]:
    """The backends a ``kind`` of server (``"postgres"``, ``"mariadb"``) answers to in a URL."""
    return tuple(backend for backend, about in SERVER_BACKENDS.items() if about.server == kind)


def requirement(package: str) -> str:
    """The name a requirements file gives ``package`` (``psycopg`` for ``psycopg[binary]``)."""
    return package.partition("[")[0]


def server_packages() -> dict[str, tuple[str, tuple[str, ...]]]:
    """``{package: (the server it drives, the URL prefixes that use it)}`` for each driver of
    ``requirements-servers.txt``, by the name that file gives it."""
    packages: dict[str, tuple[str, tuple[str, ...]]] = {}
    for backend, about in SERVER_BACKENDS.items():
        server_driver = driver(server_scheme(backend))
        name = requirement(server_driver.package)
        prefixes = [one.scheme + ":" for one in DRIVERS if one.module == server_driver.module and not one.is_async]
        plain = [f"{one}:" for one, known in SERVER_BACKENDS.items() if known.default_driver == about.server_driver]
        packages.setdefault(name, (about.name, tuple(dict.fromkeys(prefixes + plain))))
    return packages
