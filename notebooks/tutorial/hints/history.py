"""Hints about where the database stands in the revision history: two heads, revisions
not applied yet, a step past either end, a revision id no file has, an edit to a
revision already run, `alembic current` printing nothing, and a command that finds no
revision at all."""

from __future__ import annotations

import re
from pathlib import Path

from ..snapshot import Snapshot
from .registry import Hint, rule

UNKNOWN_REVISION = re.compile(r"Can't locate revision identified by '([^']+)'")
RELATIVE = re.compile(r"Relative revision ([+-])(\d+) didn't produce \d+ migrations")


@rule(
    "multiple-heads",
    "two revisions on one parent, and a command that needs one head",
)
def _multiple_heads(s: Snapshot) -> Hint | None:
    if "Multiple head" not in s.message or len(s.heads) < 2:
        return None
    return Hint(
        f"your history has {len(s.heads)} heads ({', '.join(s.heads)}): two "
        "revisions share a parent, so `head` names more than one.",
        'Join them with `alembic merge heads -m "merge"`, then upgrade.',
    )


@rule("autogenerate-behind", "autogenerate while a revision waits to be applied")
def _autogenerate_behind(s: Snapshot) -> Hint | None:
    waiting = _waiting(s, "revision")
    if waiting is None:
        return None
    return Hint(
        f"{_revisions(waiting)} to be applied:",
        "run `alembic upgrade head` first, then autogenerate. "
        "Autogenerate compares the models with the database, which lacks those "
        "revisions' changes, so it would write them a second time.",
    )


@rule("check-behind", "`alembic check` while the revision exists but is not applied")
def _check_behind(s: Snapshot) -> Hint | None:
    waiting = _waiting(s, "check")
    if waiting is None:
        return None
    return Hint(
        f"{_revisions(waiting)} to be applied, so `alembic check` cannot compare yet.",
        "Run `alembic upgrade head`, then check again. No new revision is needed for "
        "those changes: one exists.",
    )


def _waiting(s: Snapshot, subcommand: str) -> int | None:
    """How many revisions wait above the database, if that made ``subcommand`` fail."""
    if (
        s.subcommand != subcommand
        or "Target database is not up to date" not in s.message
    ):
        return None
    if (
        s.database_revisions is None
        or len(s.heads) != 1  # with several heads, `alembic upgrade head` fails too
        or set(s.database_revisions) == set(s.heads)
    ):
        return None
    steps = s.steps_between(s.database_revisions, s.heads)
    return steps or None


def _revisions(count: int) -> str:
    return "1 revision waits" if count == 1 else f"{count} revisions wait"


@rule(
    "relative-past-the-end",
    "`downgrade -N` past base, or `upgrade +N` past the head",
)
def _relative_past_the_end(s: Snapshot) -> Hint | None:
    moved = RELATIVE.search(s.message)
    if not moved or s.database_revisions is None or len(s.heads) != 1:
        return None
    sign, wanted = moved.group(1), int(moved.group(2))
    current = s.database_revisions
    where = f"at {current[0]}" if len(current) == 1 else "at base (no revision applied)"
    if len(current) > 1:
        return None
    if sign == "-" and s.subcommand == "downgrade":
        below = s.steps_between("base", current) if current else 0
        if below is None or below >= wanted:
            return None
        if below == 0:
            return Hint(
                f"the database is {where} already:", "there is nothing to downgrade."
            )
        return Hint(
            f"the database is {where}, {below} step{'s' if below > 1 else ''} above "
            "base:",
            f"`alembic downgrade -{below}` at most, or `alembic downgrade base`.",
        )
    if sign == "+" and s.subcommand == "upgrade":
        above = s.steps_between(current, s.heads)
        if above is None or above >= wanted:
            return None
        if above == 0:
            return Hint(
                f"the database is {where}, the head:", "there is nothing to upgrade."
            )
        return Hint(
            f"the database is {where}, {above} step{'s' if above > 1 else ''} below "
            "the head:",
            f"`alembic upgrade +{above}` at most, or `alembic upgrade head`.",
        )
    return None


@rule("unknown-revision-typed", "a revision id that no file has, typed in the command")
def _unknown_revision_typed(s: Snapshot) -> Hint | None:
    missing = UNKNOWN_REVISION.search(s.message)
    if not missing or missing.group(1) not in s.arguments or s.script is None:
        return None
    typed = missing.group(1)
    if any(revision.startswith(typed) for revision in s.revisions):
        return None
    return Hint(
        f"no revision matches '{typed}'.",
        "`alembic history` lists the revisions you have.",
    )


@rule(
    "unknown-revision-in-database",
    "the database is at a revision whose file is gone",
)
def _unknown_revision_in_database(s: Snapshot) -> Hint | None:
    missing = UNKNOWN_REVISION.search(s.message)
    if not missing or missing.group(1) in s.arguments:
        return None
    lost = missing.group(1)
    if s.database_revisions is None or lost not in s.database_revisions:
        return None
    if s.script is not None and lost in s.revisions:
        return None
    return Hint(
        f"the database says it is at revision {lost}, but no file in alembic/versions "
        "has it: the file was deleted or is on another branch, a newer release of the "
        "code migrated this database, or the history was squashed into a new "
        "baseline.",
        "Restore the file, or run the code whose history has it. After a squash, "
        "upgrade this database with the previous release first (its "
        "`alembic upgrade head`), then with this one; that works when the new "
        "baseline kept the old head's id (`--rev-id`).",
    )


@rule(
    "upgrade-after-editing-an-applied-revision",
    "an edit to a revision the database already ran",
    after="success",
)
def _upgrade_after_editing_an_applied_revision(s: Snapshot) -> Hint | None:
    if (
        s.subcommand != "upgrade"
        or "--sql" in s.arguments
        or "Running upgrade" in s.output
    ):
        return None
    if s.sqlite_file is None or not s.database_revisions or s.script is None:
        return None
    applied = [
        Path(revision.path)
        for revision in s.script.iterate_revisions(s.database_revisions, "base")
    ]
    changed = [
        path
        for path in applied
        if path.stat().st_mtime_ns > s.sqlite_file.stat().st_mtime_ns
    ]
    if not changed:
        return None
    name = changed[0].relative_to(s.folder).as_posix()
    return Hint(
        f"nothing ran, yet {name}, which this database already ran, was saved since.",
        "Alembic never runs a revision twice, so an edit to it changes nothing here: "
        "put the change in a new revision.",
    )


@rule("current-prints-nothing", "`alembic current` prints no revision", after="success")
def _current_prints_nothing(s: Snapshot) -> Hint | None:
    if s.subcommand != "current" or re.search(r"^[0-9a-f]{4,}", s.output, re.MULTILINE):
        return None  # (a revision was printed: no need to read the database)
    if s.database_revisions != () or s.script is None or s.tables is None:
        return None
    others = sorted(name for name in s.tables if name != "alembic_version")
    if others:
        return Hint(
            f"no revision is recorded, yet the database has tables "
            f"({', '.join(others)}): they were made without Alembic (by "
            "`create_all()` or by hand), or a stamp was undone.",
            "If they are exactly what your newest revision builds, "
            "`alembic stamp head` records that; otherwise Alembic cannot tell where "
            "this database stands.",
        )
    count = len(s.revisions)
    if count == 0:
        first = '`alembic revision --autogenerate -m "..."` writes the first one'
        if re.search(r"^target_metadata\s*=\s*None\s*$", s.env_text, re.MULTILINE):
            first = "once env.py knows your models (`target_metadata`), " + first
        return Hint(
            "the database has no revision because the project has none yet:",
            f"{first}.",
        )
    return Hint(
        f"the database is at base: none of your {count} "
        f"revision{'s' if count > 1 else ''} is applied yet.",
        "`alembic upgrade head` applies them.",
    )


@rule(
    "no-revisions-yet",
    "`alembic upgrade`, `history` or `heads` in a project that has no revision",
    after="success",
)
def _no_revisions_yet(s: Snapshot) -> Hint | None:
    if s.subcommand not in ("upgrade", "history", "heads") or "--sql" in s.arguments:
        return None
    if s.script is None or s.revisions:
        return None
    did = {"upgrade": "nothing ran", "history": "there is no history to show"}
    return Hint(
        f"this project has no revision yet, so {did.get(s.subcommand, 'there is no head')}"
        ": alembic/versions holds no file.",
        '`alembic revision --autogenerate -m "..."` writes the first one from your '
        "models; then `alembic upgrade head` applies it.",
    )
