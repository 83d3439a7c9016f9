"""The one table of database drivers, and the tables the other modules read from it."""

from __future__ import annotations

from sqlalchemy.engine import make_url

from tutorial import database, drivers, envcheck, inspection, servers
from tutorial.hints import async_, imports


def test_every_scheme_in_the_table_is_one_sqlalchemy_knows():
    for driver in drivers.DRIVERS:
        assert make_url(f"{driver.scheme}://").get_backend_name() == driver.backend
    for backend, about in drivers.SERVER_BACKENDS.items():
        assert make_url(f"{backend}://").get_dialect().driver == about.default_driver
        assert drivers.driver(drivers.server_scheme(backend)) is not None


def test_an_async_driver_and_its_twin_are_of_the_same_database_and_the_other_kind():
    for scheme, twin in {**drivers.sync_twins(), **drivers.async_twins()}.items():
        assert make_url(f"{scheme}://").get_backend_name() == make_url(f"{twin}://").get_backend_name()
        assert make_url(f"{scheme}://").get_dialect().is_async != make_url(f"{twin}://").get_dialect().is_async
    assert inspection.SYNC_DRIVERS == {
        "sqlite+aiosqlite": "sqlite", "postgresql+psycopg_async": "postgresql+psycopg",
        "postgresql+asyncpg": "postgresql+psycopg", "mysql+aiomysql": "mysql+pymysql", "mysql+asyncmy": "mysql+pymysql",
    }


def test_the_environment_check_and_the_servers_read_the_table():
    assert envcheck.DRIVERS["psycopg"] == ("PostgreSQL", ("postgresql+psycopg:", "postgresql:"))
    assert envcheck.DRIVERS["PyMySQL"] == ("MariaDB/MySQL", ("mysql+pymysql:", "mariadb+pymysql:"))
    assert set(envcheck.DRIVERS) == set(envcheck.pinned_versions(envcheck.SERVER_REQUIREMENTS))
    assert servers.SERVERS["postgres"][2] == "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    assert servers.SERVERS["mariadb"][2] == "mysql+pymysql://root@127.0.0.1:3306/test"
    assert drivers.server_backends("mariadb") == ("mysql", "mariadb")
    assert "The MariaDB/MySQL driver pymysql is not installed here" in database.missing_driver(
        make_url("mysql+pymysql://h/db"), ImportError("no pymysql"))


def test_the_hints_tables_hold_nothing_the_table_does_not():
    """The hints read the table: what they say of a driver agrees with it."""
    for module, (url, package) in imports.DRIVERS.items():
        known = [driver for driver in drivers.DRIVERS if driver.module == module]
        assert known and known[0].package == package.strip('"'), module
        assert known[0].scheme + "://" in url
    for name, async_url in async_.ASYNC_URLS.items():
        first = next(driver for driver in drivers.DRIVERS if driver.name == name)  # the backend's own URL
        assert drivers.async_twins()[first.scheme] + "://" == async_url, name
