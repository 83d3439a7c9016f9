"""Each notebook's own project folder under ``workspace/``, and the backups of earlier work.

The workspace lies beside ``notebooks/``; the variable ``ALEMBIC_TUTORIAL_WORKSPACE``
moves it elsewhere (the tests use a temporary folder, so they never touch yours). In the
browser it lies in the kernel's memory (:data:`tutorial.inbrowser.WORKSPACE`).
"""

from __future__ import annotations

import datetime
import os
import shutil
from pathlib import Path

from . import inbrowser

# The notebooks' folder: in the browser, the file browser's drive (this package is installed in the kernel there).
NOTEBOOKS = Path("/drive") if inbrowser.IN_BROWSER else Path(__file__).resolve().parent.parent
BACKUPS = ".backups"


def root() -> Path:
    """The folder that holds every notebook's project folder."""
    configured = os.environ.get("ALEMBIC_TUTORIAL_WORKSPACE")
    if configured:
        return Path(configured).resolve()
    return inbrowser.WORKSPACE if inbrowser.IN_BROWSER else NOTEBOOKS.parent / "workspace"


def shown(path: Path) -> str:
    """How a path in the workspace is named to the learner: ``workspace/...``, never absolute."""
    return "workspace/" + path.resolve().relative_to(root()).as_posix()


def link(path: Path) -> str:
    """A link to ``path`` that works from a notebook in ``notebooks/``."""
    return "../" + shown(path)


def back_up(folder: Path) -> Path | None:
    """Move ``folder`` into ``workspace/.backups/`` if it holds anything; return where it went."""
    if not folder.exists() or not any(folder.iterdir()):
        return None
    stamp = datetime.datetime.now().strftime("%Y-%m-%d_%H-%M-%S")
    target = root() / BACKUPS / folder.name / stamp
    suffix = 1
    while target.exists():
        suffix += 1
        target = target.with_name(f"{stamp}_{suffix}")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(folder), str(target))
    return target
