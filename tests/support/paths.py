"""Where the repository's parts are: the notebooks, their solutions, the repository itself."""

from __future__ import annotations

from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPOSITORY / "notebooks"
SOLUTIONS = NOTEBOOKS / "solutions"


def all_notebooks() -> list[Path]:
    """Every tutorial notebook; fails loudly when there is none."""
    notebooks = sorted(NOTEBOOKS.glob("*.ipynb"))
    if not notebooks:
        raise AssertionError(f"No notebooks found in {NOTEBOOKS}")
    return notebooks
