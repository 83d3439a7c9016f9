"""Check that the installed packages are the versions the tutorial pins."""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

REQUIREMENTS = Path(__file__).resolve().parents[2] / "requirements.txt"


def pinned_versions(path: Path = REQUIREMENTS) -> dict[str, str]:
    """``{package: version}`` for every ``name==version`` line of requirements.txt."""
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)(\[[^\]]*\])?==([^\s;#]+)", line.strip())
        if match:
            pins[match.group(1)] = match.group(3)
    return pins


def check_environment(path: Path = REQUIREMENTS) -> bool:
    """Print one verdict per pinned package; return True when all match."""
    print(f"Python {sys.version_info.major}.{sys.version_info.minor}: "
          + ("OK" if sys.version_info >= (3, 11) else "too old, the tutorial needs 3.11 or newer"))
    all_ok = sys.version_info >= (3, 11)
    pins = pinned_versions(path)
    width = max(map(len, pins))
    for name, wanted in pins.items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            verdict, all_ok = f"MISSING (pinned {wanted}): run `make lab` or pip install -r requirements.txt", False
        else:
            if installed == wanted:
                verdict = f"{installed} OK"
            else:
                verdict, all_ok = f"{installed} differs from the pinned {wanted}: outputs may differ", False
        print(f"{name:<{width}}  {verdict}")
    print("All set." if all_ok else "Some packages differ: see above.")
    return all_ok
