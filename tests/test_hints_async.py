"""The hint rules for the wrong kind of URL: an async driver's in a sync env.py, and a sync driver's in an
async engine. Each fires for its mistake, made for real, and stays silent where the project says otherwise."""

from __future__ import annotations

import tutorial
from support.hints import fires, message_fires, message_silent
from tutorial import terminal

GREENLET = (
    "sqlalchemy.exc.MissingGreenlet: greenlet_spawn has not been called; can't call await_() here. "
    "Was IO attempted in an unexpected place?\n  (raised in alembic/env.py, line 65)"
)
SYNC_DRIVER = (
    "sqlalchemy.exc.InvalidRequestError: The asyncio extension requires an async driver to be used. "
    "The loaded '{driver}' is not async.\n  (raised in alembic/env.py, line 71)"
)


def project_with(workspace, name: str, template: str | None, url: str, config: str = "alembic.ini", folder: str = "alembic"):
    """An empty project whose Alembic (``template``, or the default) reads ``url`` from its config file."""
    project = tutorial.start(name)
    options = f"-c {config} " if config != "alembic.ini" else ""
    template_option = f"-t {template} " if template else ""
    terminal.run(f"alembic {options}init {template_option}{folder}", project.folder, echo=False)
    ini = project.path(config)
    ini.write_text(ini.read_text().replace("driver://user:pass@localhost/dbname", url))
    return project


# --- async-url-in-sync-env ----------------------------------------------------------------------------


def test_an_async_url_in_the_default_env_py(workspace):
    project = project_with(workspace, "h-async-url", None, "sqlite+aiosqlite:///app.sqlite")
    hint = fires("async-url-in-sync-env", "alembic upgrade head", project.folder)
    assert "this env.py is sync (alembic/env.py makes a plain Engine)" in hint
    assert "`alembic init -t async`" in hint and "a sync URL" in hint


def test_an_async_url_in_the_sync_env_py_of_another_config_file(workspace):
    project = project_with(workspace, "h-async-url-c", None, "sqlite+aiosqlite:///app.sqlite", "sync.ini", "sync_env")
    hint = fires("async-url-in-sync-env", "alembic -c sync.ini current", project.folder)
    assert "sync_env/env.py makes a plain Engine" in hint


def test_the_greenlet_error_from_an_async_env_py_gets_no_hint_about_templates(workspace):
    project = project_with(workspace, "h-async-env", "async", "sqlite+aiosqlite:///app.sqlite")
    message_silent("async-url-in-sync-env", GREENLET, project.folder)


def test_the_greenlet_error_without_an_env_py_to_read_gets_no_hint(tmp_path):
    message_silent("async-url-in-sync-env", GREENLET, tmp_path)


# --- sync-url-in-async-env ----------------------------------------------------------------------------


def test_a_sync_url_in_the_async_env_py(workspace):
    project = project_with(workspace, "h-sync-url", "async", "sqlite:///app.sqlite")
    hint = fires("sync-url-in-async-env", "alembic current", project.folder)
    assert "the sync driver pysqlite" in hint and "sqlite+aiosqlite://..." in hint


def test_a_psycopg2_url_is_pointed_to_psycopgs_async_driver(tmp_path):
    hint = message_fires("sync-url-in-async-env", SYNC_DRIVER.format(driver="psycopg2"), tmp_path)
    assert "postgresql+psycopg_async://..." in hint


def test_a_driver_without_a_known_async_twin_gets_no_hint(tmp_path):
    message_silent("sync-url-in-async-env", SYNC_DRIVER.format(driver="oracledb"), tmp_path)


def test_other_failures_get_no_hint_about_drivers(tmp_path):
    message_silent("sync-url-in-async-env", GREENLET, tmp_path)
    message_silent("async-url-in-sync-env", SYNC_DRIVER.format(driver="pysqlite"), tmp_path)
