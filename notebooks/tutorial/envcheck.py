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


def environment_report(path: Path = REQUIREMENTS) -> list[tuple[str, str, bool]]:
    """``(what, verdict, ok)`` for Python and for every package pinned in requirements.txt."""
    python_ok = sys.version_info >= (3, 11)
    report = [(
        "Python",
        f"{sys.version_info.major}.{sys.version_info.minor} " + ("OK" if python_ok else "is too old: the tutorial needs 3.11 or newer"),
        python_ok,
    )]
    for name, wanted in pinned_versions(path).items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            report.append((name, f"MISSING (pinned {wanted}): run `make lab`, or pip install -r requirements.txt", False))
            continue
        if installed == wanted:
            report.append((name, f"{installed} OK", True))
        else:
            report.append((name, f"{installed} differs from the pinned {wanted}: generated files may differ", False))
    return report


def check_environment(path: Path = REQUIREMENTS) -> None:
    """Print one verdict per pinned package, and a last line saying whether all is well."""
    report = environment_report(path)
    width = max(len(name) for name, _, _ in report)
    for name, verdict, _ in report:
        print(f"{name:<{width}}  {verdict}")
    print("All set." if all(ok for _, _, ok in report) else "Some packages differ from the pins: see above.")
