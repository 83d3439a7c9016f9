"""Check that the installed packages are the versions the tutorial pins.

A learner needs ``requirements.txt``. The database drivers of ``requirements-servers.txt``
are needed only to run the tutorial on a server (``DATABASE_URL``): their absence is
reported, but is a problem only when ``DATABASE_URL`` names a server they drive.
The test tools (``requirements-test.txt``) are not checked here. In the browser (JupyterLite), where nothing
is installed, the check says what runs there instead.
"""

from __future__ import annotations

import os
import re
import sys
from importlib import metadata
from pathlib import Path

from . import drivers, inbrowser

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = ROOT / "requirements.txt"
SERVER_REQUIREMENTS = ROOT / "requirements-servers.txt"

# package of requirements-servers.txt: (the server it drives, the URL prefixes that use it)
DRIVERS = {
    **drivers.server_packages(),
    # not drivers: the migration linter notebook 20 runs, and the extensions of Alembic of notebooks 27 and 28
    "squawk-cli": ("PostgreSQL (notebook 20)", ()),
    "alembic-postgresql-enum": ("PostgreSQL (notebook 27)", ()),
    "alembic_utils": ("PostgreSQL (notebook 28)", ()),
}
INSTALL_DRIVERS = "make lab SERVERS=1, or pip install -r requirements-servers.txt"
# What the browser version loads when its Python starts, named by its environment check.
LOADED_IN_THE_BROWSER = ("alembic", "SQLAlchemy", "ipywidgets")


def pinned_versions(path: Path = REQUIREMENTS) -> dict[str, str]:
    """``{package: version}`` for every ``name==version`` line of a requirements file.

    ``-r other.txt`` lines are followed, so the pins of ``requirements-test.txt`` include
    those of the two files it names.
    """
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        include = re.match(r"^-r\s+(\S+)", line)
        if include:
            pins.update(pinned_versions(path.parent / include.group(1)))
            continue
        match = re.match(r"^([A-Za-z0-9_.-]+)(\[[^\]]*\])?==([^\s;#]+)", line)
        if match:
            pins[match.group(1)] = match.group(3)
    return pins


def _installed(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def environment_report(
    path: Path = REQUIREMENTS, servers: Path | None = SERVER_REQUIREMENTS
) -> list[tuple[str, str, bool]]:
    """``(what, verdict, ok)`` for Python, every package pinned in ``path``, then every driver in ``servers``."""
    python_ok = sys.version_info >= (3, 11)
    report = [(
        "Python",
        f"{sys.version_info.major}.{sys.version_info.minor} " + ("OK" if python_ok else "is too old: the tutorial needs 3.11 or newer"),
        python_ok,
    )]
    for name, wanted in pinned_versions(path).items():
        installed = _installed(name)
        if installed is None:
            report.append((name, f"MISSING (pinned {wanted}): run `make lab`, or pip install -r {path.name}", False))
        elif installed == wanted:
            report.append((name, f"{installed} OK", True))
        else:
            report.append((name, f"{installed} differs from the pinned {wanted}: generated files may differ", False))
    if servers is not None and servers.exists():
        report.extend(_driver_report(name, wanted) for name, wanted in pinned_versions(servers).items())
    return report


def _driver_report(name: str, wanted: str) -> tuple[str, str, bool]:
    """A driver's line: not installed is fine, unless ``DATABASE_URL`` names a server that needs it."""
    server, prefixes = DRIVERS.get(name, ("a database server", ()))
    installed = _installed(name)
    if installed is None:
        if os.environ.get("DATABASE_URL", "").strip().startswith(prefixes):
            return name, f"MISSING, and DATABASE_URL names {server}: {INSTALL_DRIVERS}", False
        return name, f"not installed: only needed on {server} ({INSTALL_DRIVERS})", True
    if installed == wanted:
        return name, f"{installed} OK (for {server})", True
    return name, f"{installed} differs from the pinned {wanted} (for {server})", False


def check_environment(path: Path = REQUIREMENTS, servers: Path | None = SERVER_REQUIREMENTS) -> None:
    """Print one verdict per pinned package, and a last line saying whether all is well.

    In the browser, where nothing is installed, print what runs there instead (:func:`in_the_browser`).
    """
    if inbrowser.IN_BROWSER:
        print(in_the_browser())
        return
    report = environment_report(path, servers)
    width = max(len(name) for name, _, _ in report)
    for name, verdict, _ in report:
        print(f"{name:<{width}}  {verdict}")
    print("All set." if all(ok for _, _, ok in report) else "Some packages are missing or differ from the pins: see above.")


def in_the_browser() -> str:
    """What the environment check says in the browser: nothing to check, and what this page runs."""
    loaded = [("Python", f"{sys.version_info.major}.{sys.version_info.minor} (Pyodide, inside this web page)")]
    loaded += [(name, _installed(name)) for name in LOADED_IN_THE_BROWSER if _installed(name)]
    width = max(len(name) for name, _ in loaded)
    return "\n".join([
        "Nothing to check: this is the browser version of the tutorial, which needs no installation.",
        "What runs here, loaded from this site:",
        *(f"{name:<{width}}  {version}" for name, version in loaded),
        "A notebook that needs more installs it from this site, in a cell below its title.",
        "To check an installation on your computer, run this cell in JupyterLab (README: Set up and run).",
    ])
