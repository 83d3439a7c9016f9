"""Notebook 21's exercise (21-configure-the-database-url): one setting, from the environment."""

from __future__ import annotations

from pathlib import Path

from .. import inspection, sandbox, terminal
from .registry import exercise
from .report import Report

NOTES_VARIABLE = "NOTES_DATABASE_URL"
# A URL whose password holds a `%` (p@ss, percent-encoded): configparser refuses it, Alembic takes it straight.
PERCENT_URL = "postgresql+psycopg://notes:p%40ss@db.example.com/notes"
NOTES_COMMAND = "alembic -c notes/pyproject.toml -c notes/alembic.ini"


@exercise(
    "21-configure-the-database-url", "notes: one setting, from the environment", solutions="21_",
    steps=("the setting", "env.py and the config files", "the database"),
    success="One URL, in the project's own code; Alembic takes it from there, from any folder, whatever it holds.",
)
def check_notes_settings(folder: Path, report: Report) -> None:
    """Notebook 21: the ``notes`` project reads ``NOTES_DATABASE_URL`` (else ``notes.sqlite`` beside its settings,
    absolute) in ``notes/settings.py``; ``env.py`` takes it straight; ``alembic.ini`` has no URL; it runs from any folder.

    Steps: 1 the setting, 2 env.py and the config files, 3 the database, from the project folder.
    """
    import configparser
    import os

    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from sqlalchemy import text

    notes = folder / "notes"
    if not (notes / "pyproject.toml").is_file() or not (notes / "alembic" / "env.py").is_file():
        report.add(False, "There is no notes project (notes/pyproject.toml, notes/alembic/) yet: run the lesson's cells first.",
                   id="project.missing")
        return

    # Step 1: the setting, with and without the variable.
    default = None
    if not (notes / "settings.py").is_file():
        report.add(False, "There is no notes/settings.py yet: write it with `%%writefile notes/settings.py`.",
                   id="settings.missing")
    else:
        saved = os.environ.pop(NOTES_VARIABLE, None)
        try:
            with sandbox.imported_afresh(notes, "settings") as settings:
                default = getattr(settings, "DATABASE_URL", None)
            os.environ[NOTES_VARIABLE] = "sqlite:///from-the-variable.sqlite"
            with sandbox.imported_afresh(notes, "settings") as settings:
                chosen = getattr(settings, "DATABASE_URL", None)
        except sandbox.ProjectProblem as problem:
            default = chosen = None
            report.add(False, f"notes/settings.py does not import: {problem}", id="settings.does-not-import")
        finally:
            os.environ.pop(NOTES_VARIABLE, None)
            if saved is not None:
                os.environ[NOTES_VARIABLE] = saved
        expected = (notes / "notes.sqlite").as_posix()
        if default is None and not report.findings:
            report.add(False, "notes/settings.py defines no `DATABASE_URL`.", id="settings.no-database-url")
        elif default is not None:
            path = default.removeprefix("sqlite:///") if isinstance(default, str) and default.startswith("sqlite:///") else None
            if path is None:
                report.add(False, f"Without {NOTES_VARIABLE}, DATABASE_URL is {default!r}: it should be a SQLite URL, `sqlite:///...`.",
                           id="settings.not-sqlite")
            elif not Path(path).is_absolute():
                report.add(
                    False,
                    f"Without {NOTES_VARIABLE}, DATABASE_URL is {default!r}, a relative path, which depends on the folder a "
                    "command runs from: build it from the module's own folder, `Path(__file__).resolve().parent`.",
                    id="settings.relative-path",
                )
            elif Path(path).as_posix() != expected:
                report.add(False, f"Without {NOTES_VARIABLE}, DATABASE_URL names {path}: it should be notes.sqlite beside settings.py.",
                           id="settings.wrong-file")
            else:
                report.add(True, f"Without {NOTES_VARIABLE}, DATABASE_URL is notes.sqlite beside settings.py, as an absolute path.",
                           id="settings.absolute-default")
            report.add(
                chosen == "sqlite:///from-the-variable.sqlite",
                f"With {NOTES_VARIABLE} set, DATABASE_URL is its value." if chosen == "sqlite:///from-the-variable.sqlite" else
                f"With {NOTES_VARIABLE} set, DATABASE_URL is still {chosen!r}: read `os.environ.get({NOTES_VARIABLE!r})` first.",
                id="settings.reads-variable" if chosen == "sqlite:///from-the-variable.sqlite" else "settings.ignores-variable",
            )
    setting_ok = report.passed

    # Step 2: alembic.ini without a URL, and env.py taking the setting straight, from the project folder.
    ini = configparser.ConfigParser(interpolation=None)
    ini.read(notes / "alembic.ini", encoding="utf-8")
    has_url = ini.has_option("alembic", "sqlalchemy.url")
    report.add(
        not has_url,
        "notes/alembic.ini has no sqlalchemy.url: nobody can read a second copy." if not has_url else
        "notes/alembic.ini still has a sqlalchemy.url: delete it, so that the setting is the only copy.",
        2,
        id="config.no-url" if not has_url else "config.has-url",
    )
    saved = os.environ.get(NOTES_VARIABLE)
    os.environ[NOTES_VARIABLE] = PERCENT_URL
    try:
        offline = terminal.run(f"{NOTES_COMMAND} upgrade head --sql", folder, echo=False)
        failure = None
    except terminal.CommandFailed as error:
        offline, failure = None, error.message
    finally:
        os.environ.pop(NOTES_VARIABLE, None)
        if saved is not None:
            os.environ[NOTES_VARIABLE] = saved
    if failure and "No module named 'settings'" in failure:
        report.add(
            False,
            f"`{NOTES_COMMAND} ...` cannot import settings from this folder: make notes/pyproject.toml's "
            '`prepend_sys_path` the folder of the config, `["%(here)s"]` (or env.py does not import it yet).',
            2,
            id="env.cannot-import-settings",
        )
    elif failure and "interpolation" in failure:
        report.add(
            False,
            "With a `%` in the URL's password, env.py fails in configparser: it passes the URL through "
            "`config.set_main_option()`. Give DATABASE_URL straight to `context.configure(url=...)` and `create_engine()`.",
            2,
            id="env.url-through-configparser",
        )
    elif failure:
        report.add(False, f"notes' env.py fails, offline, with {NOTES_VARIABLE} naming PostgreSQL: {failure.splitlines()[0]}", 2,
                   id="env.fails")
    elif "PostgresqlImpl" not in offline.output:
        report.add(
            False,
            f"With {NOTES_VARIABLE} naming PostgreSQL, notes' env.py still wrote SQL for another database: "
            "make it use DATABASE_URL from settings (`from settings import DATABASE_URL`), in both modes.",
            2,
            id="env.ignores-setting",
        )
    else:
        report.add(True, f"notes' env.py uses {NOTES_VARIABLE}, `%` and all, from this folder (offline, PostgreSQL's SQL).", 2,
                   id="env.uses-setting")

    # Step 3: the database the setting names is at the head, and no other appeared.
    strays = sorted(path.relative_to(folder).as_posix() for path in folder.rglob("notes.sqlite") if path.parent != notes)
    report.add(
        not strays,
        "No stray notes.sqlite outside notes/." if not strays else
        f"A stray database {strays[0]} appeared: a relative path was used from another folder. Delete it.",
        3,
        id="database.no-stray" if not strays else "database.stray",
    )
    if setting_ok and default is not None and (notes / "notes.sqlite").is_file():
        config = Config(file_=str(notes / "alembic.ini"), toml_file=str(notes / "pyproject.toml"))
        heads = set(ScriptDirectory.from_config(config).get_heads())
        engine = inspection.engine(notes, default)  # notes.sqlite exists: checked above
        try:
            with engine.connect() as connection:
                current = set(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())
        except Exception:
            current = set()
        finally:
            engine.dispose()
        report.add(
            current == heads,
            "notes.sqlite is at the head." if current == heads else
            f"notes.sqlite is not at the head: run `{NOTES_COMMAND} upgrade head`.",
            3,
            id="database.at-head" if current == heads else "database.not-at-head",
        )
    elif setting_ok:
        report.add(False, f"There is no notes/notes.sqlite: run `{NOTES_COMMAND} upgrade head`.", 3,
                   id="database.missing")
