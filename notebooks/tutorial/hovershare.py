"""The hovershare app (scooter rentals), step by step, for the capstone: a second app, already set up.

It mirrors :mod:`tutorial.story`: the same Alembic set-up (``alembic init``, the URL, the quiet
logger, ``env.py`` importing every model), done quietly, for another package of models.
``tutorial.start(name, stage=..., app="hovershare")`` builds one of :data:`STAGES`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from . import database, fresh, story, terminal

SQLITE_FILE = "hovershare.sqlite"
URL_VARIABLE = "HOVERSHARE_DATABASE_URL"  # read by hovershare/data/db_session.py

ENV_AFTER = """\
import hovershare.data.__all_models  # noqa: F401  (imports every model module)
from hovershare.data.modelbase import SqlAlchemyBase

target_metadata = SqlAlchemyBase.metadata
"""

FIRST_MESSAGE = "create users, locations, scooters and rentals tables"

STAGES = {
    "empty": "an empty folder",
    "models": "the hovershare models and app, no database yet",
    "alembic": "the hovershare models, and Alembic connected to them (alembic.ini and env.py edited)",
    "tables": "the hovershare app, connected to Alembic, its tables created by a first migration, with sample data",
}


def build(stage: str, folder: Path, project_name: str) -> None:
    """Bring the empty ``folder`` to ``stage`` (one of :data:`STAGES`)."""
    if stage not in STAGES:
        raise ValueError(f"Unknown stage {stage!r} for hovershare; choose one of: {', '.join(STAGES)}")
    for step in list(STAGES)[1 : list(STAGES).index(stage) + 1]:
        STEPS[step](folder, project_name)


def write_models(folder: Path, project_name: str) -> None:
    shutil.copytree(story.TEMPLATES / "hovershare", folder, dirs_exist_ok=True)


def connect_alembic(folder: Path, project_name: str) -> None:
    terminal.run("alembic init alembic", folder, echo=False)
    url = database.url_for(project_name, SQLITE_FILE)
    story.replace(folder / "alembic.ini", story.INI_URL_BEFORE, f"sqlalchemy.url = {url}")
    story.replace(folder / "alembic.ini", story.INI_KEYS_BEFORE, story.INI_KEYS_AFTER)
    story.replace(folder / "alembic.ini", story.INI_QUIET_BEFORE, story.INI_QUIET_AFTER)
    story.replace(folder / "alembic" / "env.py", story.ENV_BEFORE, ENV_AFTER)


def create_tables(folder: Path, project_name: str) -> None:
    terminal.run(f'alembic revision --autogenerate -m "{FIRST_MESSAGE}"', folder, echo=False)
    terminal.run("alembic upgrade head", folder, echo=False)
    fresh.import_fresh("hovershare.sample_data", folder).add_sample_data()
    fresh.forget_project_modules(folder)


STEPS = {
    "models": write_models,
    "alembic": connect_alembic,
    "tables": create_tables,
}
