"""Hints about async engines and drivers: an async driver's URL given to a sync env.py,
and a sync driver's URL given to an async engine."""

from __future__ import annotations

import re
from pathlib import Path

from .. import drivers
from ..snapshot import Snapshot
from .registry import Hint, rule

SYNC_DRIVER_IN_ASYNC_ENGINE = re.compile(
    r"The asyncio extension requires an async driver to be used\. "
    r"The loaded '(\w+)' is not async"
)
ASYNC_DRIVER_IN_SYNC_ENGINE = re.compile(
    r"MissingGreenlet: greenlet_spawn has not been called"
)
ASYNC_ENV = re.compile(
    r"\basync_engine_from_config\b|\bcreate_async_engine\b|\.run_sync\("
)


def _async_urls() -> dict[str, str]:
    """``{sync driver: the URL start of its async twin}``, from :mod:`tutorial.drivers`; a driver of two
    backends (pymysql) takes its first one's (mysql's)."""
    found: dict[str, str] = {}
    for scheme, twin in drivers.async_twins().items():
        found.setdefault(drivers.driver(scheme).name, f"{twin}://")
    return found


# The async driver of the same database, for each sync driver SQLAlchemy names in that
# message.
ASYNC_URLS = _async_urls()


@rule(
    "async-url-in-sync-env",
    "an async driver's URL given to the sync env.py of `alembic init`'s default "
    "template",
)
def _async_url_in_sync_env(s: Snapshot) -> Hint | None:
    if not ASYNC_DRIVER_IN_SYNC_ENGINE.search(s.message):
        return None
    env = _env_file(s)
    if env is None or ASYNC_ENV.search(_read_text(env)):
        return None  # an async env.py: the cause lies elsewhere
    shown = env.relative_to(s.folder).as_posix()
    return Hint(
        f"this env.py is sync ({shown} makes a plain Engine), and the URL names an "
        "async driver (aiosqlite, asyncpg, psycopg_async), which only an async engine "
        "can drive.",
        "Use `alembic init -t async` for an env.py that runs the migrations through "
        "an async engine, or give this env.py a sync URL "
        "(sqlite:///..., postgresql+psycopg://...).",
    )


@rule(
    "sync-url-in-async-env",
    "a sync driver's URL given to an async engine (the env.py of "
    "`alembic init -t async`)",
)
def _sync_url_in_async_env(s: Snapshot) -> Hint | None:
    found = SYNC_DRIVER_IN_ASYNC_ENGINE.search(s.message)
    if not found:
        return None
    driver = found.group(1)
    async_url = ASYNC_URLS.get(driver)
    if async_url is None:
        return None
    return Hint(
        "an async engine (`create_async_engine`, as in the env.py of "
        f"`alembic init -t async`) was given a URL of the sync driver {driver}.",
        "Name the async driver of the same database in the URL: "
        f"{async_url}... (or, for a sync URL, use the sync env.py of "
        "`alembic init`'s default template).",
    )


def _env_file(s: Snapshot) -> Path | None:
    """The env.py of the config file the command read (``-c``, or alembic.ini)."""
    ini = _read_text(s.folder / (s.config_file or "alembic.ini"))
    location = re.search(r"^script_location\s*=\s*(.+)$", ini, re.MULTILINE)
    if not location:
        return None
    env = s.folder / location.group(1).strip().replace("%(here)s/", "") / "env.py"
    return env if env.is_file() else None


def _read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.is_file() else ""
