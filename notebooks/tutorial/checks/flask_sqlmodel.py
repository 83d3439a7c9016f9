"""Notebook 25's exercise (25-flask-migrate-and-sqlmodel): a SQLModel column made optional, in batch mode."""

from __future__ import annotations

import re
from pathlib import Path

from .. import inspection, sandbox
from . import probes
from .registry import exercise
from .report import Report


def _notes_body_nullable(folder: Path, report: Report) -> tuple[bool, str] | None:
    """Whether the notes app's ``Note.body`` accepts NULL, and the app's database URL, read from its files as they
    are now; None (and a finding saying why) when the app does not import."""
    try:
        with sandbox.imported_afresh(folder, "notes.models", "notes.settings") as (models, settings):
            return bool(models.Note.__table__.c.body.nullable), settings.DATABASE_URL
    except sandbox.ProjectProblem as problem:
        report.add(False, f"Your notes app does not import, so nothing else can be checked: {problem}",
                   id="app.does-not-import")
        return None


@exercise(
    "25-flask-migrate-and-sqlmodel", "Note.body optional, in batch mode", solutions="25_",
    steps=("the model", "env.py", "the revision", "the database"),
    success="Batch mode is what Flask-Migrate turns on for you; in plain Alembic, you turn it on in env.py.",
)
def check_optional_note_body(folder: Path, report: Report) -> None:
    """Notebook 25: the SQLModel app's ``Note.body`` made optional, with batch mode turned on in ``env.py``.

    Steps: 1 the model, 2 env.py, 3 the revision, 4 the database.
    """
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import func, inspect, select, table

    app = _notes_body_nullable(folder, report)
    if app is None:
        return
    nullable, url = app
    report.add(
        nullable,
        "Note.body may be empty (NULL) in the model." if nullable else
        "Note.body still refuses NULL: make it `body: str | None = None` in notes/models.py.",
        id="model.body-optional" if nullable else "model.body-required",
    )
    env = folder / "alembic" / "env.py"
    env_text = env.read_text(encoding="utf-8") if env.is_file() else ""
    batch = bool(re.search(r"^[^#\n]*render_as_batch\s*=\s*True", env_text, re.MULTILINE))
    report.add(
        batch,
        "alembic/env.py turns on batch mode (`render_as_batch=True`)." if batch else
        "alembic/env.py does not turn on batch mode yet: add `render_as_batch=True` to the `context.configure(...)` "
        "of `run_migrations_online()`.",
        2,
        id="env.batch-mode" if batch else "env.no-batch-mode",
    )
    script = probes.revisions(folder, report, 3)
    if script is None:
        return
    altering = probes.revision_doing(script, "notes", "alter_column", "body")
    in_batch = [revision for revision in altering if any(
        call.name == "alter_column" and call.batch_table == "notes" and call.names("body")
        for call in inspection.operations(script, revision)
    )]
    if in_batch:
        report.add(True, f"Revision {in_batch[0]} changes notes.body inside `batch_alter_table('notes')`.", 3,
                   id="revision.alters-body-in-batch")
    elif altering:
        report.add(
            False,
            f"Revision {altering[0]} changes notes.body with a plain `op.alter_column`, which SQLite refuses. It cannot "
            "have run: delete its file, turn on batch mode in env.py, and autogenerate again.",
            3,
            id="revision.not-in-batch",
        )
    elif probes.newest_is_empty(script):
        report.add(
            False,
            f"The newest revision, {probes.newest_is_empty(script)}, is empty: was notes/models.py saved? Delete that file "
            "and autogenerate again.",
            3,
            id="revision.empty",
        )
    else:
        report.add(False, "No revision changes notes.body yet: autogenerate one.", 3, id="revision.missing")
    if not (probes.one_head(script, report, 3) and in_batch):
        return
    engine = None
    try:
        engine = inspection.engine(folder, url)
        with engine.connect() as connection:
            current = tuple(sorted(MigrationContext.configure(connection).get_current_heads()))
            columns = {column["name"]: column for column in inspect(connection).get_columns("notes")}
            count = connection.execute(select(func.count()).select_from(table("notes"))).scalar_one()
    except Exception as error:
        report.add(False, f"The notes database does not answer: {type(error).__name__}: {error}", 4,
                   id="database.unreadable")
        return
    finally:
        if engine is not None:
            engine.dispose()
    if not probes.at_head(folder, script, report, 4, recorded=current):
        return
    body_nullable = columns.get("body", {}).get("nullable")
    report.add(
        bool(body_nullable),
        "The database's notes.body accepts NULL." if body_nullable else "The database's notes.body still refuses NULL.",
        4,
        id="database.body-optional" if body_nullable else "database.body-required",
    )
    report.add(
        count >= 2,
        f"The notes table kept its {count} notes." if count >= 2 else
        f"The notes table has {count} notes; the two written in the lesson are gone. Run the notebook again from the top.",
        4,
        id="database.notes-kept" if count >= 2 else "database.notes-lost",
    )
