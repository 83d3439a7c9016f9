"""The bookshelf app of notebook 22: the notebook has the learner write it, so its only stage is an empty folder.

Registered as an app so that ``tutorial.start(name, app="bookshelf")`` names its SQLite file and, on a
database server, sets ``BOOKSHELF_DATABASE_URL``, which the app's ``bookshelf/settings.py`` reads.
"""

from __future__ import annotations

from pathlib import Path

from . import story

SQLITE_FILE = "bookshelf.sqlite"
URL_VARIABLE = "BOOKSHELF_DATABASE_URL"  # read by bookshelf/settings.py

STAGES = {"empty": "an empty folder: you write the bookshelf app below"}


def build(stage: str, folder: Path, project_name: str) -> None:
    """Bring the empty ``folder`` to ``stage`` (one of :data:`STAGES`)."""
    story.build_stages(STAGES, {}, stage, folder, project_name)
