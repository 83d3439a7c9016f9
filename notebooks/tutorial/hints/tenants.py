"""Hints about schemas and tenants (notebook 29): a tenant named with ``-x`` whose schema does not exist, and an
autogenerate that compared every schema (``include_schemas=True``) and so drops the tables of schemas that the
project never names.

The first rule recognises PostgreSQL's InvalidSchemaName (SQLSTATE 3F000), as psycopg names it, for a schema
whose name holds the value given with ``-x``, and asks the database which schemas it has before it speaks; the
second reads the revision just written, and the project's own files, before it speaks. The third speaks after an
``alembic upgrade`` or ``downgrade`` that worked without ``-x tenant=...``: env.py then migrates the default schema
only, and the rule reads every other schema's ``alembic_version`` to name the tenants it left behind."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from ..snapshot import SKIPPED_FOLDERS, Snapshot
from .registry import Hint, rule

NO_SUCH_SCHEMA = re.compile(r'\(psycopg2?\.errors\.InvalidSchemaName\) schema "(\w+)" does not exist')
DROP_IN_A_SCHEMA = re.compile(r"""op\.drop_table\(\s*['"](\w+)['"],\s*schema=['"](\w+)['"]""")
GENERATED = re.compile(r"Generating (\S+\.py)")
TENANT_PREFIX = re.compile(r"""\bf(["'])(\w*)\{tenant\}\1""")  # env.py's f"tenant_{tenant}": the schema's prefix
LOOP = "migrate_tenants.py"  # notebook 29's loop over the tenants


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


@rule(
    "tenant-not-given",
    "`alembic upgrade` or `downgrade` without `-x tenant=...` moved the default schema only, not the tenants",
    after="success",
)
def _tenant_not_given(s: Snapshot) -> Hint | None:
    if s.subcommand not in ("upgrade", "downgrade") or "--sql" in s.arguments or _tenant_given(s.words):
        return None
    code = "\n".join(line.split("#", 1)[0] for line in s.env_text.splitlines())
    if "get_x_argument" not in code or not re.search(r"""["']tenant["']""", code):
        return None
    here = s.database_revisions  # the default schema's alembic_version: where this command left it
    versions = s.rows("SELECT table_schema, table_schema = current_schema() FROM information_schema.tables "
                      "WHERE table_name = 'alembic_version' ORDER BY 1")
    if here is None or not versions or s.script is None or not set(here) <= s.revisions:
        return None
    default = next((schema for schema, is_default in versions if is_default), None)
    prefix = TENANT_PREFIX.search(code)
    prefix = prefix.group(2) if prefix else ""
    upgrade = s.subcommand == "upgrade"
    # each tenant's schema -> its revisions (None: no alembic_version yet), when they are behind the default schema
    # after an upgrade, ahead of it after a downgrade
    elsewhere: dict[str, tuple[str, ...] | None] = {}
    for schema, is_default in versions:
        if is_default or not schema.startswith(prefix) or schema == prefix:
            continue
        rows = s.rows(f"SELECT version_num FROM {_quoted(schema)}.alembic_version")
        if rows is None:
            continue
        theirs = tuple(sorted(revision for (revision,) in rows))
        if theirs == here or not set(theirs) <= s.revisions:  # in step, or another project's version table
            continue
        lower, upper = (theirs, here) if upgrade else (here, theirs)
        if set(lower) < _ancestors(s, upper):  # strictly below: behind it, or ahead of it
            elsewhere[schema] = theirs
    if prefix and upgrade and here:  # a tenant's schema (env.py's prefix) that no upgrade has reached yet
        versioned = {schema for schema, _ in versions}
        for schema in s.schemas or []:
            if schema.startswith(prefix) and schema != prefix and schema not in versioned:
                elsewhere[schema] = None
    if default is None or not elsewhere:
        return None
    at_head = upgrade and here == s.heads
    if not at_head and len(here) > 1:  # no one command takes a tenant to two revisions but `head`
        return None
    target = "head" if at_head else (here[0] if here else "base")
    where = ", ".join(
        f"`{schema}` " + ("not migrated yet" if theirs is None else f"at {', '.join(theirs) or 'base'}")
        for schema, theirs in sorted(elsewhere.items())
    )
    one = min(elsewhere)[len(prefix):]
    loop = f", or all of them with the loop, `python {LOOP}`" if at_head and (s.folder / LOOP).is_file() else ""
    return Hint(
        f"without `-x tenant=...`, this command migrated `{default}` only (now at {', '.join(here) or 'base'}); "
        f"the tenants stay where they were: {where}.",
        f"Migrate each tenant with `-x`: `alembic -x tenant={one} {s.subcommand} {target}` for one{loop}.",
    )


def _tenant_given(words: list[str]) -> bool:
    """The command names a tenant: ``-x tenant=NAME`` (or ``-xtenant=NAME``)."""
    values = [after for word, after in zip(words, words[1:]) if word == "-x"]
    values += [word[2:] for word in words if word.startswith("-x") and word != "-x"]
    return any(value.startswith("tenant=") for value in values)


def _ancestors(s: Snapshot, revisions: tuple[str, ...]) -> set[str]:
    """``revisions`` and every revision below them; empty for base."""
    if not revisions:
        return set()
    return {script.revision for script in s.script.iterate_revisions(revisions, "base")}


def _quoted(name: str) -> str:
    """A schema's name as PostgreSQL reads an identifier, whatever it holds."""
    return '"' + name.replace('"', '""') + '"'


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
