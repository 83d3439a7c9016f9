"""Which database a notebook's project uses, and how it is reset.

SQLite is the default: a file ``billtracker.sqlite`` in the project folder.
Set ``DATABASE_URL`` to a server URL (for example
``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``) and each notebook
gets its own database on that server, named after the notebook.
"""

from __future__ import annotations

import os
import re

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError

SQLITE_FILE = "billtracker.sqlite"


class DatabaseUnavailable(RuntimeError):
    """The database server named by ``DATABASE_URL`` does not answer."""

    def _render_traceback_(self) -> list[str]:
        """What IPython shows instead of a Python traceback: the message, which says what to do."""
        return [f"DatabaseUnavailable: {self}"]


def server_url() -> URL | None:
    """The server named by ``DATABASE_URL``, or None for SQLite."""
    value = os.environ.get("DATABASE_URL", "").strip()
    return make_url(value) if value and not value.startswith("sqlite") else None


def database_name(project_name: str) -> str:
    """The server database of a project: ``alembic_tutorial_<project>`` (letters, digits, ``_``)."""
    return "alembic_tutorial_" + re.sub(r"\W+", "_", project_name).strip("_").lower()


def url_for(project_name: str, filename: str = SQLITE_FILE) -> str:
    """The SQLAlchemy URL of the project's database, as written in ``alembic.ini``."""
    server = server_url()
    if server is None:
        return f"sqlite:///{filename}"
    return server.set(database=database_name(project_name)).render_as_string(hide_password=False)


def shown_url(url: str) -> str:
    """A URL as shown to the learner: any password hidden."""
    return make_url(url).render_as_string(hide_password=True)


def recreate(project_name: str) -> None:
    """On a server: drop the project's database if it exists, and create it empty."""
    _on_server(project_name, drop=True, create=True)


def drop(project_name: str) -> None:
    """On a server: drop the project's database if it exists."""
    _on_server(project_name, drop=True, create=False)


def _on_server(project_name: str, drop: bool, create: bool) -> None:
    server = server_url()
    if server is None:
        return
    name = database_name(project_name)
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    postgresql = engine.dialect.name == "postgresql"
    quoted = f'"{name}"' if postgresql else f"`{name}`"
    try:
        with engine.connect() as connection:
            if drop:
                connection.execute(text(f"DROP DATABASE IF EXISTS {quoted}" + (" WITH (FORCE)" if postgresql else "")))
            if create:
                connection.execute(text(f"CREATE DATABASE {quoted}"))
    except OperationalError as error:
        raise DatabaseUnavailable(
            f"The database server in DATABASE_URL ({server.render_as_string()}) does not answer:\n"
            f"  {str(error.orig).strip()}\n"
            "Start the server, correct DATABASE_URL, or unset it to use SQLite."
        ) from None
    finally:
        engine.dispose()
