"""Move the pins of the requirements files to the newest releases (``make bump``).

Usage::

    python tools/bump.py              # rewrite the pins
    python tools/bump.py --dry-run    # print each pin's old -> new version, change nothing

The newest releases are those pip resolves together for the unpinned requirements, on this
Python (``pip install --dry-run --report``: nothing is installed). ``make bump`` then runs
``make outputs``, which reinstalls ``.venv`` from the new pins and regenerates every stored
output; nothing is committed, the diff is left for review.

Every pin of the five requirements files moves, except two (``HELD``): jupyterlite-pyodide-kernel
pins the Pyodide that ``tools/build_lite.py`` pins too (``PYODIDE_VERSION``, with npm's integrity,
and the wheels of Pyodide's lock file), and jupyterlite-core is released with it; move them with
``tools/build_lite.py``, by hand, and try ``make lite``. The browser version's wheels, pinned with
their sha256 in ``lite/wheels.txt``, follow the new pins: ``make bump`` rewrites that file last
(``tools/build_lite.py --pin``). ``environment.yml`` pins no package, only the
oldest Python the course supports: nothing to move.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_latest import PIN, REPOSITORY, requirement_lines, strip_pin  # noqa: E402

FILES = [
    REPOSITORY / name
    for name in ("requirements.txt", "requirements-servers.txt", "requirements-lite.txt", "requirements-site.txt", "requirements-test.txt")
]
HELD = {
    "jupyterlite-pyodide-kernel": "it pins the Pyodide that tools/build_lite.py pins: move the two together",
    "jupyterlite-core": "it is released with jupyterlite-pyodide-kernel",
}


def normalized(name: str) -> str:
    """A package's name as PyPI compares names (PEP 503), extras left out: ``Flask_SQLAlchemy`` gives ``flask-sqlalchemy``."""
    return re.sub(r"[-_.]+", "-", name.split("[", 1)[0]).lower()


def rewrite_pins(text: str, newest: dict[str, str]) -> tuple[str, list[tuple[str, str, str]]]:
    """``text`` of a requirements file with each pin moved to ``newest[normalized name]``; and ``(name, old, new)`` moved.

    Comments, extras, ``-r`` lines and packages missing from ``newest`` stay as they are.
    """
    lines, moved = [], []
    for line in text.splitlines(keepends=True):
        match = PIN.match(line.strip())
        new = newest.get(normalized(match.group("name"))) if match else None
        old = match.group("version") if match else None
        if new and new != old:
            line = line.replace(f"=={old}", f"=={new}", 1)
            moved.append((match.group("name"), old, new))
        lines.append(line)
    return "".join(lines), moved


def wanted() -> list[str]:
    """What pip resolves: every file's own requirements, unpinned except those held."""
    lines = [line for path in FILES for line in requirement_lines(path) if not line.startswith("-r")]
    return [line if normalized(strip_pin(line)) in HELD else strip_pin(line) for line in lines]


def newest_versions(requirements: list[str]) -> dict[str, str]:
    """``{normalized name: version}`` of what pip would install for ``requirements`` into an empty environment."""
    with tempfile.TemporaryDirectory(prefix="bump-") as folder:
        listing, report = Path(folder) / "requirements.txt", Path(folder) / "report.json"
        listing.write_text("\n".join(requirements) + "\n", encoding="utf-8")
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet",
             "--disable-pip-version-check", "--report", str(report), "-r", str(listing)],
            check=True,
        )
        installs = json.loads(report.read_text(encoding="utf-8"))["install"]
    return {normalized(item["metadata"]["name"]): item["metadata"]["version"] for item in installs}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="print old -> new, change nothing")
    args = parser.parse_args()
    newest = {name: version for name, version in newest_versions(wanted()).items() if name not in HELD}
    for path in FILES:
        text, moved = rewrite_pins(path.read_text(encoding="utf-8"), newest)
        for name, old, new in moved:
            print(f"{path.name}: {name} {old} -> {new}")
        if moved and not args.dry_run:
            path.write_text(text, encoding="utf-8")
    for name, reason in HELD.items():
        print(f"{name}: held ({reason})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
