"""The quick loop (``make test-quick``): the quick tests, and strict nbval of the notebooks you changed.

Usage::

    python tools/test_quick.py                           # the notebooks changed since main, committed or not
    python tools/test_quick.py notebooks/04-*.ipynb      # these notebooks instead

The quick tests are those ``conftest.py`` marks ``quick``: every test in tests/ but those it lists in
``NOT_QUICK`` (a whole series of notebooks, a browser, a hub), that is the helper package's unit tests and
the hygiene tests; an exercise's answer key only for the notebooks checked. They run on two workers, with
the notebooks, in one pytest run, as ``make test`` runs everything.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]


def changed_notebooks(repository: Path = REPOSITORY) -> list[str]:
    """The tutorial's notebooks changed since the branch left main (committed, staged, unstaged or new), still there.

    :param repository: the git checkout to look in.
    """
    def git(*arguments: str) -> str | None:
        result = subprocess.run(["git", *arguments], cwd=repository, capture_output=True, text=True)
        return result.stdout if result.returncode == 0 else None

    base = next((name for name in ("main", "origin/main") if git("rev-parse", "--verify", "--quiet", name) is not None), None)
    if base is None:
        print("test-quick: no branch main here; only the notebooks changed since the last commit are run", flush=True)
    listings = [
        git("diff", "--name-only", f"{base}...") if base else "",
        git("diff", "--name-only", "HEAD"),
        git("ls-files", "--others", "--exclude-standard"),
    ]
    names = {line for listing in listings for line in (listing or "").splitlines()}
    return sorted(name for name in names if _is_tutorial_notebook(name) and (repository / name).is_file())


def pytest_command(notebooks: list[str]) -> list[str]:
    """``python -m pytest`` on the quick tests and ``notebooks`` (the cells of a notebook are marked ``notebook``)."""
    return [sys.executable, "-m", "pytest", "-m", "quick or notebook", "tests", *notebooks]


def _is_tutorial_notebook(name: str) -> bool:
    path = Path(name)
    return path.parent == Path("notebooks") and path.suffix == ".ipynb"


def main(arguments: list[str]) -> int:
    notebooks = arguments or changed_notebooks()
    print(f"test-quick: the quick tests, and nbval on {', '.join(notebooks) if notebooks else 'no notebook (none changed)'}",
          flush=True)
    return subprocess.run(pytest_command(notebooks), cwd=REPOSITORY).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
