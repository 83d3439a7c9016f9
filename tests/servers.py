"""The database servers some tests need: where they are, and a clear skip (or failure) when absent.

A learner's machine usually has no server: those tests skip with one line
saying why. CI sets ``TUTORIAL_REQUIRE_POSTGRES=1`` / ``TUTORIAL_REQUIRE_MARIADB=1``,
and then a missing server fails the test instead.
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text

SERVERS = {
    "postgres": ("PostgreSQL", "TUTORIAL_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"),
    "mariadb": ("MariaDB", "TUTORIAL_MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306/test"),
}


def server_url(kind: str) -> str:
    """The URL of the ``kind`` server (``postgres`` or ``mariadb``), reachable or not."""
    _, variable, default = SERVERS[kind]
    return os.environ.get(variable, default)


def require(kind: str) -> str:
    """The URL of the ``kind`` server; skip the test (or fail it, when required) if it does not answer."""
    name, variable, _ = SERVERS[kind]
    url = server_url(kind)
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # any failure to connect means: no usable server here
        reason = (
            f"{name} not reachable at {engine.url.render_as_string()} ({type(error).__name__}); "
            f"start one or set {variable} to run these tests"
        )
        if os.environ.get(f"TUTORIAL_REQUIRE_{kind.upper()}") == "1":
            pytest.fail(f"{reason} (required: TUTORIAL_REQUIRE_{kind.upper()}=1)")
        pytest.skip(reason)
    finally:
        engine.dispose()
    return url
