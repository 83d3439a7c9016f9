"""``start()``: the first code cell of every notebook; it gives the notebook its project folder."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from . import database, fresh, hovershare, inbrowser, inspection, story, web, workspace

# The apps the tutorial builds stage by stage: the module that builds each, and its SQLite file.
# From notebook 21 on, a notebook may have the learner write an app instead: start(name, app="bookshelf")
# gives an empty folder, and the app's SQLite file is bookshelf/bookshelf.sqlite, beside its settings.
# On a database server, every app reads its URL from <APP>_DATABASE_URL, which start() sets.
BUILT_APPS = {"billtracker": (story, database.SQLITE_FILE), "hovershare": (hovershare, hovershare.SQLITE_FILE)}


@dataclass
class Project:
    """A notebook's project: its folder in the workspace and its database."""

    name: str
    folder: Path
    database_url: str
    other_databases: dict[str, str] = field(default_factory=dict)  # a second database's name, and its URL

    def other_database(self, name: str) -> str:
        """The URL of the project's database ``name`` (asked for with ``start(..., other_databases=[name])``)."""
        return self.other_databases[name]

    def engine(self) -> Engine:
        """An engine on the project's database (no pooled connections left open): :func:`tutorial.inspection.engine`."""
        return inspection.engine(self.folder, self.database_url)

    def path(self, relative: str) -> Path:
        """A path inside the project folder."""
        return self.folder / relative

    def revision_files(self) -> list[Path]:
        """The revision files in ``alembic/versions``, oldest first (by creation time)."""
        versions = self.folder / "alembic" / "versions"
        if not versions.is_dir():
            raise FileNotFoundError(
                "This project has no alembic/versions folder yet: run `alembic init alembic` first."
            )
        return sorted(versions.glob("*.py"), key=lambda path: path.stat().st_mtime_ns)

    def newest_revision_file(self) -> Path:
        """The revision file written last."""
        files = self.revision_files()
        if not files:
            raise FileNotFoundError(
                "alembic/versions has no revision file yet: run the `alembic revision --autogenerate` cell first."
            )
        return files[-1]


def start(name: str, stage: str = "empty", app: str = "billtracker", other_databases: tuple[str, ...] | list[str] = ()) -> Project:
    """Give this notebook its own project folder, ``workspace/<name>``, built up to ``stage``.

    ``app`` is the app the project holds: ``billtracker`` (the story of notebooks 01-04),
    ``hovershare`` (the capstone's scooter rentals), or the name of an app the notebook has you
    write (a Python package name; ``stage`` is then ``"empty"``), whose SQLite file is ``<app>/<app>.sqlite``.

    ``other_databases`` names the databases the project needs besides its own (``["analytics"]``): each is
    created afresh beside it, on the same server, as ``<its database>_<name>`` (so a reset of the workspace
    drops it too), or, on SQLite, is the file ``<name>.sqlite`` in the project folder.

    Whatever the folder held before is moved to ``workspace/.backups/`` (and you
    are told where); on a database server, the notebook's databases are recreated.
    The folder becomes the working directory, as if you had opened a terminal there.
    """
    if app in BUILT_APPS:
        builder, sqlite_file = BUILT_APPS[app]
    elif app.isidentifier() and app.islower() and stage == "empty":
        builder, sqlite_file = None, f"{app}/{app}.sqlite"  # beside the app's settings module
    else:
        raise ValueError(
            f"Unknown app {app!r} at stage {stage!r}: the tutorial builds {' and '.join(BUILT_APPS)} stage by stage; "
            'an app you write yourself has a lower-case package name and starts at stage="empty".'
        )
    folder = workspace.root() / name
    workspace.root().mkdir(parents=True, exist_ok=True)
    os.chdir(workspace.root())  # never stand inside the folder about to be moved
    web.stop_serving(folder)  # a server started from the old folder would serve the backup
    fresh.forget_project_modules(folder)
    backup = workspace.back_up(folder)
    folder.mkdir(exist_ok=True)
    database.recreate(name)
    url = database.url_for(name, sqlite_file)
    others = {}
    for other in other_databases:
        database.recreate(f"{name}-{other}")
        others[other] = database.url_for(f"{name}-{other}", f"{other}.sqlite")
    for setting in [setting for setting in os.environ if setting.endswith("_DATABASE_URL")]:
        os.environ.pop(setting)  # an app's URL from elsewhere (another notebook's cells, the shell) is not this one's
    os.environ.update(database.app_settings(app, name))
    os.chdir(folder)
    if builder is not None:
        builder.build(stage, folder, name)
    if backup is not None:
        print(f"Your earlier files in {workspace.shown(folder)} were moved to {workspace.shown(backup)}.")
    print(f"Project folder: {workspace.shown(folder)} (now the working directory)")
    holds = builder.STAGES[stage] if builder else f"an empty folder: you write the {app} app below"
    print(f"It holds: {holds}")
    _say_where_it_comes_from(getattr(builder, "LEFT_BY", {}).get(stage), name, folder)
    print(f"Database: {database.shown_url(url)}")
    for other, other_url in others.items():
        print(f"Database {other}: {database.shown_url(other_url)}")
    return Project(name, folder, url, others)


def _say_where_it_comes_from(left_by: str | None, name: str, folder: Path) -> None:
    """Tell the learner that the project was built for this notebook, and where their own earlier one is."""
    if left_by is None or left_by == name:
        return
    number = left_by.split("-")[0]
    has_revisions = (folder / "alembic" / "versions").is_dir() and any((folder / "alembic" / "versions").glob("*.py"))
    ids = ", with new revision ids" if has_revisions else ""
    print(f"  built afresh, as notebook {number}'s lesson leaves it (without its exercise){ids}")
    earlier = workspace.shown(workspace.root() / left_by)
    # In the browser each notebook's kernel has a memory, and so a workspace, of its own.
    where = f", in the memory of notebook {number}'s kernel" if inbrowser.IN_BROWSER else ""
    print(f"  your own project of notebook {number}, if any, is untouched in {earlier}{where}")
