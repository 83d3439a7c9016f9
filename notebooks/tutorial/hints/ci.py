"""Hints about what a project's CI checks: `alembic check` finding a model change that no revision makes, and
`alembic check` passing on a history that has more than one head (it compares models and database only)."""

from __future__ import annotations

from ..snapshot import Snapshot
from .registry import Hint, rule


@rule("check-found-changes", "`alembic check` on a database at the head, with a model change no revision makes")
def _check_found_changes(s: Snapshot) -> Hint | None:
    if s.subcommand != "check" or "New upgrade operations detected" not in s.message:
        return None
    if not s.heads or s.database_revisions is None or set(s.database_revisions) != set(s.heads):
        return None  # not at the head: autogenerate would write what a waiting revision does
    differences = s.model_differences
    if not differences:
        return None  # what it found is not in the models' own tables (a setting of env.py, a table of another tool)
    return Hint(
        f"the database is at the head, yet your models differ from it ({', '.join(differences)}): "
        "no revision makes that change.",
        'Write one with `alembic revision --autogenerate -m "..."`, read it, run `alembic upgrade head`, '
        "then check again.",
    )


@rule("check-passes-with-several-heads", "`alembic check` passes while the history has two heads", after="success")
def _check_passes_with_several_heads(s: Snapshot) -> Hint | None:
    if s.subcommand != "check" or len(s.heads) < 2:
        return None
    return Hint(
        f"`alembic check` compares the models with the database only, and they agree; but the history has "
        f"{len(s.heads)} heads ({', '.join(s.heads)}), so `alembic upgrade head` fails, on this database and on "
        "every other.",
        'Join them with `alembic merge heads -m "merge"`; in CI, test that there is one head '
        "(`ScriptDirectory.get_heads()`).",
    )
