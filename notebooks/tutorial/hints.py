"""One plain-language hint under Alembic's own message, for the mistakes learners make most."""

from __future__ import annotations

import re
from pathlib import Path

NOT_IN_PROJECT = re.compile(r"No 'script_location' key found|No config file 'alembic.ini' found|Path doesn't exist")


def after_failure(command: str, message: str, folder: Path) -> str | None:
    """A hint for a failed command, or None."""
    if NOT_IN_PROJECT.search(message):
        return (
            "this folder has no Alembic project. Run the notebook's first code cell: "
            "it opens the notebook's project folder."
        )
    if "Multiple head revisions are present" in message:
        return "two revisions share a parent. Merge them with `alembic merge heads -m \"merge\"`."
    if "Target database is not up to date" in message:
        return "apply the revisions you have first (`alembic upgrade head`), then autogenerate."
    missing = re.search(r"Can't locate revision identified by '([^']+)'", message)
    if missing and missing.group(1) in command.split():
        return f"no revision matches '{missing.group(1)}'. `alembic history` lists the revisions you have."
    if missing:
        return (
            "the database records a revision that no file in alembic/versions has. "
            "Restore the file, or point the database at a revision you have with `alembic stamp`."
        )
    if "No module named" in message:
        return "env.py cannot import your models: is `prepend_sys_path = .` in alembic.ini?"
    return None


def after_success(result, folder: Path) -> str | None:
    """A hint for a command that worked but probably did not do what the learner wanted."""
    if result.command.split()[1:2] != ["revision"] or "--autogenerate" not in result.command:
        return None
    generated = re.search(r"Generating (\S+\.py)", result.output)
    if not generated:
        return None
    text = (folder / generated.group(1)).read_text(encoding="utf-8")
    upgrade = text.split("def upgrade()", 1)[-1].split("def downgrade()", 1)[0]
    if re.search(r"^\s+pass\s*$", upgrade, re.MULTILINE) and "op." not in upgrade:
        return (
            "this migration is empty: autogenerate found no difference between your models and the "
            "database. If you did change a model, check that env.py imports every model module."
        )
    return None
