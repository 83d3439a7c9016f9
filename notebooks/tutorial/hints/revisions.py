"""Hints about the revision file `alembic revision` just wrote, when the command worked
but probably not as meant: no message, a table dropped, an empty autogenerate, or an
empty template although the models changed."""

from __future__ import annotations

import re
from pathlib import Path

from ..snapshot import Snapshot
from .registry import Hint, rule


@rule("revision-without-message", "`alembic revision` without `-m`", after="success")
def _revision_without_message(s: Snapshot) -> Hint | None:
    if s.subcommand != "revision" or any(
        word in ("-m", "--message") or word.startswith("--message=")
        for word in s.arguments
    ):
        return None
    generated = _generated_file(s)
    if generated is None or not generated.name.endswith("_.py"):
        return None
    return Hint(
        f"this revision has no message (`-m`): its file is named {generated.name} and "
        "`alembic history` shows it without a description.",
        'Delete the file and run the command again with `-m "what it does"`.',
    )


@rule(
    "autogenerate-drops-a-modelled-table",
    "env.py misses a model module, so autogenerate drops its table",
    after="success",
)
def _autogenerate_drops_a_modelled_table(s: Snapshot) -> Hint | None:
    dropped = _dropped_tables(s)
    modelled = [name for name in dropped if s.models and name in s.models.tables]
    if not modelled:
        return None
    files = ", ".join(sorted({s.models.tables[name] for name in modelled}))
    return Hint(
        f"this migration drops {_tables(modelled)}, whose models exist ({files}) but "
        "are not imported by env.py.",
        "Delete this file, make env.py import every model module, and autogenerate "
        "again.",
    )


@rule(
    "autogenerate-drops-a-foreign-table",
    "autogenerate drops a table that no model defines",
    after="success",
)
def _autogenerate_drops_a_foreign_table(s: Snapshot) -> Hint | None:
    dropped = _dropped_tables(s)
    if not dropped or any(s.models and name in s.models.tables for name in dropped):
        return None
    return Hint(
        f"this migration drops {_tables(dropped)}, which no model of yours defines.",
        "If another tool owns it, make env.py skip it with `include_name`; if you "
        "deleted its model on purpose, this is right.",
    )


@rule(
    "empty-autogenerate-models-differ",
    "an empty autogenerate although the models changed",
    after="success",
)
def _empty_autogenerate_models_differ(s: Snapshot) -> Hint | None:
    if not _empty_generated(s, autogenerate=True) or not s.model_differences:
        return None
    return Hint(
        "this migration is empty, yet your models differ from the database "
        f"({_summary(s.model_differences)}): env.py does not see every model.",
        "Make it import every model module (new ones too), then delete this file and "
        "autogenerate again.",
    )


@rule("empty-autogenerate", "an autogenerate with nothing to do", after="success")
def _empty_autogenerate(s: Snapshot) -> Hint | None:
    if (
        not _empty_generated(s, autogenerate=True)
        or s.model_differences
        or s.database_revisions is None
    ):
        return None
    return Hint(
        "this migration is empty: your models and the database already match.",
        "If you did change a model, check that the file is saved and that env.py "
        "imports every model module; otherwise delete this revision.",
    )


@rule(
    "plain-revision-models-differ",
    "`alembic revision` without `--autogenerate` after a model change",
    after="success",
)
def _plain_revision_models_differ(s: Snapshot) -> Hint | None:
    generated = _empty_generated(s, autogenerate=False)
    if generated is None:
        return None
    parent = re.search(
        r"^down_revision[^=]*=\s*'([^']+)'",
        generated.read_text(encoding="utf-8"),
        re.MULTILINE,
    )
    if list(s.database_revisions or []) != ([parent.group(1)] if parent else []):
        return None  # the database lags behind: that is why it differs from the models
    if not s.model_differences or s.env_sees_differences is None:
        return None
    if not s.env_sees_differences:
        return Hint(
            "without `--autogenerate` the revision is an empty template, and your "
            f"models differ from the database ({_summary(s.model_differences)}) in a "
            "way env.py does not see, so `--autogenerate` would miss it too:",
            "make env.py import every model module (new ones too), then delete this "
            "file and autogenerate.",
        )
    return Hint(
        "without `--autogenerate` the revision is an empty template, yet your models "
        f"differ from the database ({_summary(s.model_differences)}).",
        "Fill in upgrade() and downgrade() yourself, or delete this file and add "
        "`--autogenerate`.",
    )


# --- reading the file just written --------------------------------------------------


def _generated_file(s: Snapshot) -> Path | None:
    generated = re.search(r"Generating (\S+\.py)", s.output)
    if not generated or not (s.folder / generated.group(1)).is_file():
        return None
    return s.folder / generated.group(1)


def _empty_generated(s: Snapshot, autogenerate: bool) -> Path | None:
    """The file ``alembic revision`` just wrote, if its upgrade() does nothing."""
    if s.subcommand != "revision" or ("--autogenerate" in s.arguments) != autogenerate:
        return None
    generated = _generated_file(s)
    if generated is None:
        return None
    body = _upgrade_body(generated.read_text(encoding="utf-8"))
    return generated if _is_empty(body) else None


def _dropped_tables(s: Snapshot) -> list[str]:
    if s.subcommand != "revision" or "--autogenerate" not in s.arguments or s.several_databases:
        return []  # with several databases, a table dropped from one may be modelled for another
    generated = _generated_file(s)
    if generated is None:
        return []
    body = _upgrade_body(generated.read_text(encoding="utf-8"))
    return re.findall(r"op\.drop_table\('([^']+)'\)", body)  # in the default schema (tenants.py: in others)


def _upgrade_body(revision: str) -> str:
    """The text of the file's ``upgrade()`` and, in a ``multidb`` revision, of each ``upgrade_<database>()``."""
    bodies = re.findall(r"^def upgrade\w*\(.*?(?=^def |\Z)", revision, re.MULTILINE | re.DOTALL)
    return "\n".join(bodies)


def _is_empty(body: str) -> bool:
    return bool(re.search(r"^\s+pass\s*$", body, re.MULTILINE)) and "op." not in body


def _tables(names: list[str]) -> str:
    quoted = ", ".join(f"'{name}'" for name in names)
    return f"table {quoted}" if len(names) == 1 else f"tables {quoted}"


def _summary(differences: list[str]) -> str:
    more = len(differences) - 1
    return differences[0] + (f" and {more} more" if more else "")
