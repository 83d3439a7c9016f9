"""The hovershare app (scooter rentals), step by step, for the capstone: a second app, already set up.

It mirrors :mod:`tutorial.story`: built by the same engine (:mod:`tutorial.stages`), with the story's
Alembic set-up (``alembic init``, the URL, the quiet logger, ``env.py`` importing every model), done
quietly, for another package of models.
``tutorial.start(name, stage=..., app="hovershare")`` builds one of :data:`STAGES`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from . import stages, story

SQLITE_FILE = "hovershare.sqlite"

FIRST_MESSAGE = "create users, locations, scooters and rentals tables"

STAGES = {
    "empty": "an empty folder",
    "models": "the hovershare models and app, no database yet",
    "alembic": "the hovershare models, and Alembic connected to them (alembic.ini and env.py edited)",
    "tables": "the hovershare app, connected to Alembic, its tables created by a first migration, with sample data",
}


def build(stage: str, folder: Path, project_name: str) -> None:
    """Bring the empty ``folder`` to ``stage`` (one of :data:`STAGES`)."""
    stages.build_stages(STAGES, STEPS, stage, folder, project_name)


def write_models(folder: Path, project_name: str) -> None:
    shutil.copytree(stages.TEMPLATES / "hovershare", folder, dirs_exist_ok=True)


STEPS = {
    "models": write_models,
    "alembic": lambda folder, name: story.connect_alembic(folder, name, "hovershare", SQLITE_FILE),
    "tables": lambda folder, name: story.create_tables(folder, name, "hovershare", FIRST_MESSAGE),
}
