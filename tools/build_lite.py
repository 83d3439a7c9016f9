"""Build the tutorial as a static JupyterLite site that runs in the browser, offline (``make lite``).

Usage::

    python tools/build_lite.py            # builds build/lite/
    python -m http.server -d build/lite -b 127.0.0.1 8000   # then open http://127.0.0.1:8000/

The site runs Python in the browser (Pyodide, through jupyterlite-pyodide-kernel) and
loads nothing from outside its own folder:

- Pyodide comes from npm's ``pyodide`` package, at the version the kernel pins
  (``npm pack``, checked against the integrity recorded here);
- every wheel the kernel loads comes from PyPI at a pinned version (``pip download``):
  the kernel's own start-up set at the versions of Pyodide's lock file, and the
  tutorial's packages at the versions of ``requirements.txt``; MarkupSafe, which has
  no pure wheel on PyPI, is built from its source without its C speedups;
- Pyodide's lock file is rewritten to list only those wheels (with their own sha256),
  so nothing is fetched from Pyodide's CDN, and the kernel's fallback to PyPI is off;
- the notebooks that work in the browser (``INCLUDED``), the helper package
  ``tutorial/`` and the exercises' ``solutions/`` are the site's files.

Downloads are kept in ``build/lite-cache/``; a missing package, a changed pin or a
wrong checksum stops the build with a message saying which and what to do.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPOSITORY / "notebooks"
OUTPUT = REPOSITORY / "build" / "lite"
CACHE = REPOSITORY / "build" / "lite-cache"

# The notebooks that run in the browser, and why the others do not (the README lists both).
INCLUDED = [
    "01-build-the-models.ipynb",
    "02-connect-alembic.ipynb",
    "03-change-a-model.ipynb",
    "04-upgrade-the-database.ipynb",
    "05-your-turn-hovershare.ipynb",
    "06-go-back-with-downgrade.ipynb",
    "07-read-the-history.ipynb",
    "08-write-offline-sql.ipynb",
    "09-keep-models-and-database-in-sync.ipynb",
    "10-use-batch-mode-on-sqlite.ipynb",
    "11-rename-a-column-safely.ipynb",
    "12-name-your-constraints.ipynb",
    "13-migrate-data.ipynb",
    "14-branch-and-merge.ipynb",
    "16-troubleshoot-common-errors.ipynb",
]
LEFT_OUT = {
    "00-start-here.ipynb": "checks a local installation against requirements.txt; the site needs none",
    "15-test-your-migrations.ipynb": "runs pytest in a new process, and the browser has no processes",
    "17-survive-a-failed-migration.ipynb": "needs MariaDB and PostgreSQL servers",
    "18-move-to-postgresql.ipynb": "needs a PostgreSQL server",
    "19-migrate-a-live-database.ipynb": "needs a PostgreSQL server, and sessions of its own beside the notebook",
    "20-change-a-live-schema-safely.ipynb": "needs a PostgreSQL server, and sessions of its own beside the notebook",
    "21-configure-the-database-url.ipynb": "runs alembic from other folders in new processes, and the browser has no processes",
    "22-adopt-an-existing-database.ipynb": "is for a project of your own, on a full install (not tried in the browser)",
    "23-tune-autogenerate.ipynb": "runs ruff in a new process (a write hook), and the browser has no processes",
    "24-an-async-app-with-fastapi.ipynb": "needs an async driver and FastAPI's test client, which run threads the browser has none of",
    "25-flask-migrate-and-sqlmodel.ipynb": "runs `flask db` in a new process, and the browser has no processes",
    "26-migrate-at-deploy-time.ipynb": "needs a PostgreSQL server, and processes of its own beside the notebook",
    "27-enums-and-type-changes.ipynb": "needs a PostgreSQL server: enum types and casts with USING exist only there",
    "28-views-functions-and-triggers.ipynb": "needs a PostgreSQL server, where the views and triggers live and alembic_utils compares them",
    "29-schemas-and-tenants.ipynb": "needs a PostgreSQL server, whose schemas hold the tenants",
    "30-several-databases.ipynb": "needs a PostgreSQL server, for its two databases",
    "31-check-migrations-in-ci.ipynb": "needs a PostgreSQL server, and processes of its own beside the notebook (pytest, the app's web server)",
}

# Pyodide, as the kernel pins it; the integrity is npm's (``npm view pyodide@VERSION dist.integrity``).
PYODIDE_VERSION = "314.0.6"
PYODIDE_INTEGRITY = "sha512-BKDTJyIqFxC4BExLqeRS3f5xvXZIjOt8C3zGLN/Cc7tFxSwvKVhVkchQQ2AGLOtR4YrVOIFxbV8poyDOOmWwxQ=="
PYODIDE_FILES = ("pyodide.mjs", "pyodide.js", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")
PYTHON_VERSION = "3.14"  # Pyodide 314's

# What the kernel loads at start (and their dependencies), at the versions of Pyodide's lock file.
LOCK_ROOTS = ("micropip", "ipython", "jedi", "typing-extensions")
# The tutorial's own packages: name -> (the pin's source, imports, dependencies). A version of None is
# read from requirements.txt, so that the browser runs what the notebooks' stored outputs were made with.
TUTORIAL_PACKAGES = {
    "alembic": (None, ["alembic"], ["sqlalchemy", "mako", "typing-extensions"]),
    "sqlalchemy": (None, ["sqlalchemy"], ["typing-extensions"]),
    "mako": ("1.4.3", ["mako"], ["markupsafe"]),
    "markupsafe": ("3.0.3", ["markupsafe"], []),  # built from its sdist: PyPI has no pure wheel
    "ipywidgets": (None, ["ipywidgets"], ["comm", "ipython", "traitlets", "jupyterlab-widgets"]),
    "comm": ("0.2.3", ["comm"], ["traitlets"]),
    "jupyterlab-widgets": ("3.0.17", ["jupyterlab_widgets"], []),
}
KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"
# JupyterLab settings of the site: no news or update checks (they would leave the site); a notebook
# starts the Pyodide kernel without asking which (the notebooks name CPython's); every cell is kept
# in the page, so that a long notebook's outputs are all there for the tests to read.
SITE_SETTINGS = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none", "autoStartDefaultKernel": True},
}


class BuildError(Exception):
    """Something the build needs is missing or wrong; the message says what to do."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT, help="where to write the site (default build/lite)")
    arguments = parser.parse_args()
    try:
        build(arguments.output.resolve())
    except BuildError as error:
        print(f"make lite: {error}", file=sys.stderr)
        return 1
    print(f"Site built in {arguments.output}: serve it with `python3 -m http.server -d {_shown(arguments.output)} -b 127.0.0.1 8000`")
    return 0


def build(output: Path) -> Path:
    """Build the site into ``output`` and check it; return ``output``."""
    version = kernel_pyodide_version()
    if version != PYODIDE_VERSION:
        raise BuildError(
            f"jupyterlite-pyodide-kernel pins Pyodide {version}, this script {PYODIDE_VERSION}: set PYODIDE_VERSION "
            f"and PYODIDE_INTEGRITY in tools/build_lite.py (npm view pyodide@{version} dist.integrity)"
        )
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lite-source-") as source:
        source = Path(source)
        pyodide = source / "static" / "pyodide"
        with cache_held():
            unpack_pyodide(fetch_pyodide(), pyodide)
            wheels = fetch_wheels(json.loads((pyodide / "pyodide-lock.json").read_text(encoding="utf-8")))
        write_lock(pyodide, wheels)
        copy_contents(source / "contents")
        write_config(source, output)
        if output.exists():
            shutil.rmtree(output)
        run([str(Path(sys.executable).parent / "jupyter-lite"), "build", "--lite-dir", str(source)], cwd=source)
    check_site(output)
    return output


@contextlib.contextmanager
def cache_held():
    """The download cache for this build alone: the website's build and the tests may build the site at once."""
    with open(CACHE / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


# --------------------------------------------------------------------------- Pyodide


def kernel_pyodide_version() -> str:
    """The Pyodide version jupyterlite-pyodide-kernel loads by default (from its CDN URL)."""
    try:
        import jupyterlite_pyodide_kernel  # noqa: F401
    except ImportError as error:
        raise BuildError("jupyterlite-pyodide-kernel is not installed: run `make lite` (it installs requirements-lite.txt)") from error
    extension = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "@jupyterlite" / "pyodide-kernel-extension" / "static"
    for script in sorted(extension.glob("*.js")):
        found = re.search(r"pyodide/v([0-9.]+)/full/pyodide\.mjs", script.read_text(encoding="utf-8", errors="replace"))
        if found:
            return found.group(1)
    raise BuildError(f"cannot tell which Pyodide the kernel pins: no pyodide URL in {extension}")


def fetch_pyodide() -> Path:
    """npm's ``pyodide`` tarball at the pinned version, checked against its recorded integrity."""
    tarball = CACHE / f"pyodide-{PYODIDE_VERSION}.tgz"
    if not tarball.exists():
        if shutil.which("npm") is None:
            raise BuildError("npm is not installed (Debian: `apt-get install -y npm`): it fetches Pyodide")
        run(["npm", "pack", f"pyodide@{PYODIDE_VERSION}", "--pack-destination", str(CACHE), "--silent"], cwd=CACHE)
    digest = "sha512-" + base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if digest != PYODIDE_INTEGRITY:
        tarball.unlink()
        raise BuildError(f"{tarball.name} does not match the integrity recorded in tools/build_lite.py; it was deleted, run again")
    return tarball


def unpack_pyodide(tarball: Path, target: Path) -> None:
    target.mkdir(parents=True)
    with tarfile.open(tarball) as archive:
        for name in PYODIDE_FILES:
            try:
                member = archive.getmember(f"package/{name}")
            except KeyError as error:
                raise BuildError(f"{tarball.name} has no {name}") from error
            (target / name).write_bytes(archive.extractfile(member).read())


# --------------------------------------------------------------------------- wheels


def fetch_wheels(lock: dict) -> dict[str, dict]:
    """Every wheel of the site, in the cache: ``{name: lock entry}``, each entry naming its file and sha256."""
    packages = lock["packages"]
    entries = {}
    for name in lock_closure(packages, LOCK_ROOTS):
        entry = dict(packages[name])
        entry.update(file_name=download_wheel(entry["name"], entry["version"]).name)
        entries[name] = entry
    pins = pinned_versions(REPOSITORY / "requirements.txt")
    for name, (version, imports, depends) in TUTORIAL_PACKAGES.items():
        version = version or pins.get(name)
        if version is None:
            raise BuildError(f"{name} is not pinned in requirements.txt")
        wheel = build_pure_wheel(name, version) if name == "markupsafe" else download_wheel(name, version)
        entries[name] = {
            "name": name, "version": version, "file_name": wheel.name, "install_dir": "site",
            "package_type": "package", "imports": imports, "depends": depends, "unvendored_tests": False,
        }
    for name, entry in entries.items():
        entry["sha256"] = hashlib.sha256((CACHE / "wheels" / entry["file_name"]).read_bytes()).hexdigest()
        missing = [dependency for dependency in entry["depends"] if _normalized(dependency) not in entries]
        if missing:
            raise BuildError(f"{name} depends on {', '.join(missing)}, which the site would not have")
    return entries


def lock_closure(packages: dict, roots) -> list[str]:
    """The lock's names of ``roots`` and everything they depend on."""
    seen: list[str] = []
    pending = list(roots)
    while pending:
        name = _normalized(pending.pop())
        if name in seen:
            continue
        if name not in packages:
            raise BuildError(f"Pyodide's lock file has no {name}")
        seen.append(name)
        pending.extend(packages[name]["depends"])
    return sorted(seen)


def pinned_versions(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        found = re.fullmatch(r"\s*([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==(\S+)\s*", line)
        if found:
            pins[found.group(1).lower().replace("_", "-")] = found.group(2)
    return pins


def download_wheel(name: str, version: str) -> Path:
    """The pure (``none-any``) wheel of ``name==version`` from PyPI, cached."""
    folder = CACHE / "wheels"
    cached = _cached_wheel(folder, name, version)
    if cached:
        return cached
    process = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--no-deps",
         "--only-binary=:all:", "--python-version", PYTHON_VERSION, "--platform", "any",
         "--dest", str(folder), f"{name}=={version}"],
        capture_output=True, text=True,
    )
    cached = _cached_wheel(folder, name, version)
    if process.returncode or cached is None:
        raise BuildError(f"no pure wheel of {name}=={version} could be downloaded from PyPI:\n{_last_lines(process.stderr)}")
    return cached


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _cached_wheel(folder: Path, name: str, version: str) -> Path | None:
    stem = re.sub(r"[-_.]+", "_", name).lower()
    for wheel in folder.glob("*.whl"):
        parts = wheel.name.split("-")
        if parts[0].lower() == stem and parts[1] == version and wheel.name.endswith("-none-any.whl"):
            return wheel
    return None


def build_pure_wheel(name: str, version: str) -> Path:
    """A pure-Python wheel built from the sdist on PyPI, its optional C extension not built.

    MarkupSafe's ``setup.py`` falls back to its pure-Python build when the C compiler fails;
    ``CC=false`` makes it fail.
    """
    folder = CACHE / "wheels"
    cached = _cached_wheel(folder, name, version)
    if cached:
        return cached
    with tempfile.TemporaryDirectory(prefix="sdist-") as scratch:
        environment = {**os.environ, "CC": "false", "LDSHARED": "false"}
        process = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check", "--no-deps",
             "--no-binary=:all:", "--no-build-isolation", "--wheel-dir", scratch, f"{name}=={version}"],
            capture_output=True, text=True, env=environment,
        )
        built = [wheel for wheel in Path(scratch).glob("*.whl")]
        if process.returncode or not built:
            raise BuildError(f"building {name}=={version} from its source failed:\n{_last_lines(process.stderr)}")
        if not built[0].name.endswith("-none-any.whl"):
            raise BuildError(f"{built[0].name} is not a pure wheel; Pyodide cannot load it")
        folder.mkdir(parents=True, exist_ok=True)
        return Path(shutil.copy2(built[0], folder / built[0].name))


def write_lock(pyodide: Path, wheels: dict[str, dict]) -> None:
    """Pyodide's lock file, listing only the site's wheels, which are copied beside it."""
    lock_path = pyodide / "pyodide-lock.json"
    lock = json.loads(lock_path.read_text(encoding="utf-8"))
    lock["packages"] = {name: wheels[name] for name in sorted(wheels)}
    lock_path.write_text(json.dumps(lock, indent=1, sort_keys=True), encoding="utf-8")
    for entry in wheels.values():
        shutil.copy2(CACHE / "wheels" / entry["file_name"], pyodide / entry["file_name"])


# --------------------------------------------------------------------------- the site


# Put after each notebook's title on the site: what is not as its text says, in the browser.
BROWSER_NOTE = """\
> **In your browser.** This copy of the notebook runs in JupyterLite: Python runs inside this page
> (Pyodide), with nothing installed. Where the text below says otherwise, this is what holds here:
> - **Your project lives in this kernel's memory**, not in the file browser on the left, and reloading
>   the page loses it: `tutorial.download_project()` in a cell saves it as a zip file first.
> - **No process can start**: no terminal, no web server, no `pytest` in a process of its own. The cells
>   that need one say so when they run, and the app's page is asked inside the kernel, not over HTTP.
> - **The notebooks that need the full install** (a database server, processes of their own, or an
>   installation to check) are not on this site, and are named without a link: {left_out}.
"""
NOTEBOOK_LINK = re.compile(r"\[([^\]]+)\]\(([0-9][0-9]-[a-z0-9-]+\.ipynb)(#[^)]*)?\)")


def for_the_browser(notebook: dict) -> dict:
    """``notebook`` as the site holds it: the note on what differs after its title; no link to a notebook not on the site."""
    left_out = ", ".join("the start page" if name.startswith("00") else name[:2] for name in sorted(LEFT_OUT))

    def unlink(match: re.Match) -> str:
        return match.group(0) if match.group(2) in INCLUDED else match.group(1)

    cells = []
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            source = "".join(cell["source"])
            cell = {**cell, "source": NOTEBOOK_LINK.sub(unlink, source)}
        cells.append(cell)
    note = {"cell_type": "markdown", "id": "in-your-browser", "metadata": {}, "source": BROWSER_NOTE.format(left_out=left_out)}
    return {**notebook, "cells": [*cells[:1], note, *cells[1:]]}


def copy_contents(target: Path) -> None:
    """The included notebooks, the helper package and the solutions: the files a learner sees."""
    target.mkdir(parents=True)
    for name in INCLUDED:
        notebook = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))
        (target / name).write_text(json.dumps(for_the_browser(notebook), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", "devtools")  # the tools' own
    for folder in ("tutorial", "solutions"):
        shutil.copytree(NOTEBOOKS / folder, target / folder, ignore=ignore)


def write_config(source: Path, output: Path) -> None:
    build_config = {
        "LiteBuildConfig": {
            "contents": ["contents"],
            "output_dir": str(output),
            "apps": ["lab"],
            "no_sourcemaps": True,
            "no_unused_shared_packages": True,
        },
    }
    site_config = {
        "jupyter-lite-schema-version": 0,
        "jupyter-config-data": {
            "appName": "Alembic, hands-on",
            "litePluginSettings": {
                KERNEL_PLUGIN: {
                    "disablePyPIFallback": True,
                    # Loaded from the site's lock file while Pyodide starts, before the first cell.
                    "loadPyodideOptions": {"packages": ["alembic", "ipywidgets"]},
                },
            },
        },
    }
    (source / "jupyter_lite_config.json").write_text(json.dumps(build_config, indent=2), encoding="utf-8")
    (source / "jupyter-lite.json").write_text(json.dumps(site_config, indent=2), encoding="utf-8")
    (source / "overrides.json").write_text(json.dumps(SITE_SETTINGS, indent=2), encoding="utf-8")


def check_site(output: Path) -> None:
    """The built site loads Pyodide and every wheel from its own folder, and never from PyPI."""
    config = json.loads((output / "jupyter-lite.json").read_text(encoding="utf-8"))["jupyter-config-data"]
    kernel = config["litePluginSettings"][KERNEL_PLUGIN]
    if kernel.get("pyodideUrl") != "./static/pyodide/pyodide.mjs":
        raise BuildError(f"the site would load Pyodide from {kernel.get('pyodideUrl')!r}, not its own folder")
    if kernel.get("disablePyPIFallback") is not True:
        raise BuildError("the site's kernel could fall back to PyPI")
    pyodide = output / "static" / "pyodide"
    lock = json.loads((pyodide / "pyodide-lock.json").read_text(encoding="utf-8"))
    for name, entry in lock["packages"].items():
        wheel = pyodide / entry["file_name"]
        if "/" in entry["file_name"] or not wheel.exists():
            raise BuildError(f"the lock's {name} points at {entry['file_name']}, which the site does not hold")
        if hashlib.sha256(wheel.read_bytes()).hexdigest() != entry["sha256"]:
            raise BuildError(f"{wheel.name}'s sha256 differs from the lock's")
    for name in INCLUDED:
        if not (output / "files" / name).exists():
            raise BuildError(f"the site lacks {name}")
    for name in ("tutorial/__init__.py", "solutions/README.md"):
        if not (output / "files" / name).exists():
            raise BuildError(f"the site lacks {name}")
    with zipfile.ZipFile(next(pyodide.glob("alembic-*.whl"))) as wheel:
        wheel.testzip()


# --------------------------------------------------------------------------- plumbing


def run(command: list[str], cwd: Path) -> None:
    process = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if process.returncode:
        raise BuildError(f"`{' '.join(command[:3])} ...` failed:\n{_last_lines(process.stdout + process.stderr)}")


def _last_lines(text: str, count: int = 15) -> str:
    lines = [line for line in text.splitlines() if not line.startswith("WARNING: Location")]
    return "\n".join(lines[-count:])


def _shown(path: Path) -> str:
    path = path.resolve()
    return str(path.relative_to(REPOSITORY)) if path.is_relative_to(REPOSITORY) else str(path)


if __name__ == "__main__":
    sys.exit(main())
