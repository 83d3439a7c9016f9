"""Hints about schemas and tenants (notebook 29): a tenant named with ``-x`` whose schema does not exist, and an
autogenerate that compared every schema (``include_schemas=True``) and so drops the tables of schemas that the
project never names.

The first rule recognises PostgreSQL's InvalidSchemaName (SQLSTATE 3F000), as psycopg names it, for a schema
whose name holds the value given with ``-x``, and asks the database which schemas it has before it speaks; the
second reads the revision just written, and the project's own files, before it speaks."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from ..snapshot import SKIPPED_FOLDERS, Snapshot
from .registry import Hint, rule

NO_SUCH_SCHEMA = re.compile(r'\(psycopg2?\.errors\.InvalidSchemaName\) schema "(\w+)" does not exist')
DROP_IN_A_SCHEMA = re.compile(r"""op\.drop_table\(\s*['"](\w+)['"],\s*schema=['"](\w+)['"]""")
GENERATED = re.compile(r"Generating (\S+\.py)")


@rule("no-such-tenant", "`-x tenant=...` names a tenant whose schema does not exist")
def _no_such_tenant(s: Snapshot) -> Hint | None:
    missing = NO_SUCH_SCHEMA.search(s.message or "")
    if not missing:
        return None
    name = missing.group(1)
    given = [s.words[at + 1].partition("=")[2] for at, word in enumerate(s.words[:-1]) if word == "-x"]
    if not any(value and value in name for value in given):  # a schema that no -x named (a revision's, say)
        return None
    schemas = s.schemas
    if schemas is None or name in schemas:
        return None
    ours = [schema for schema in schemas if not schema.startswith("pg_") and schema != "information_schema"]
    closest = difflib.get_close_matches(name, ours, n=len(ours), cutoff=0.0)
    return Hint(
        f"the schema `{name}` does not exist in this database, so Alembic cannot create that tenant's "
        f"`alembic_version` in it.",
        f"Check the name you gave with `-x` (the schemas there are, closest first: {', '.join(closest)}); a new "
        f"tenant's schema is created before its first upgrade (`CREATE SCHEMA {name}`).",
    )


@rule(
    "include-schemas-drops-other-schema",
    "`include_schemas=True` makes autogenerate drop the tables of schemas the project does not name",
    after="success",
)
def _include_schemas_drops_other_schema(s: Snapshot) -> Hint | None:
    if s.subcommand != "revision" or "--autogenerate" not in s.arguments:
        return None
    if not any("include_schemas=True" in line.split("#", 1)[0] for line in s.env_text.splitlines()):
        return None
    generated = GENERATED.search(s.output)
    path = s.folder / generated.group(1) if generated else None
    if path is None or not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    upgrade = text.split("def upgrade()", 1)[-1].split("def downgrade()", 1)[0]
    named = _named_elsewhere(s.folder, path)
    foreign = sorted({schema for _, schema in DROP_IN_A_SCHEMA.findall(upgrade) if schema not in named})
    if not foreign:
        return None
    return Hint(
        f"this migration drops tables of schemas that neither your models nor your revisions name "
        f"({', '.join(foreign)}): with `include_schemas=True`, autogenerate compares every schema of the database.",
        "Delete this file, give `context.configure()` an `include_name` hook that keeps only your schemas "
        "(for `type_ == \"schema\"` it gets `None` for the default schema), and autogenerate again.",
    )


def _named_elsewhere(folder: Path, generated: Path) -> set[str]:
    """Every quoted word of the project's Python files (its models and settings, its other revisions): a schema
    named there may be the project's own, and dropping its tables may be meant."""
    words: set[str] = set()
    for path in folder.rglob("*.py"):
        relative = path.relative_to(folder).parts
        in_versions = relative[:2] == ("alembic", "versions")
        hidden = any(part.startswith(".") for part in relative[:-1])
        if path == generated or hidden or (set(relative[:-1]) & SKIPPED_FOLDERS and not in_versions):
            continue
        words.update(re.findall(r"""['"](\w+)['"]""", path.read_text(encoding="utf-8", errors="replace")))
    return words
