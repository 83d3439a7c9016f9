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
- the notebooks that work in the browser (``INCLUDED``) and the exercises' ``solutions/``
  are the site's files; the helper package ``tutorial/`` is a wheel of the lock, loaded at start;
- every wheel and the standard library carry their bytecode, compiled by Pyodide under Node.js
  (``lite/compile_bytecode.py``), so that nothing is compiled when the page starts Python; the
  kernel's own packages (IPython and what it needs) keep their bytecode only, as Pyodide's builds do.

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
    "00-start-here.ipynb",
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
    "15-test-your-migrations.ipynb",
    "16-troubleshoot-common-errors.ipynb",
    "21-configure-the-database-url.ipynb",
    "22-adopt-an-existing-database.ipynb",
    "23-tune-autogenerate.ipynb",
    "25-flask-migrate-and-sqlmodel.ipynb",
]
LEFT_OUT = {
    "17-survive-a-failed-migration.ipynb": "needs MariaDB and PostgreSQL servers",
    "18-move-to-postgresql.ipynb": "needs a PostgreSQL server",
    "19-migrate-a-live-database.ipynb": "needs a PostgreSQL server, and sessions of its own beside the notebook",
    "20-change-a-live-schema-safely.ipynb": "needs a PostgreSQL server, and sessions of its own beside the notebook",
    "24-an-async-app-with-fastapi.ipynb": "needs the greenlet package for SQLAlchemy's async engine (PyPI has no build of it for the "
                                          "browser's Python), and its async driver (aiosqlite) and FastAPI's test client each start a "
                                          "thread, which the browser cannot",
    "26-migrate-at-deploy-time.ipynb": "needs a PostgreSQL server, and processes of its own beside the notebook",
    "27-enums-and-type-changes.ipynb": "needs a PostgreSQL server: enum types and casts with USING exist only there",
    "28-views-functions-and-triggers.ipynb": "needs a PostgreSQL server, where the views and triggers live and alembic_utils compares them",
    "29-schemas-and-tenants.ipynb": "needs a PostgreSQL server, whose schemas hold the tenants",
    "30-several-databases.ipynb": "needs a PostgreSQL server, for its two databases",
    "31-check-migrations-in-ci.ipynb": "needs a PostgreSQL server, on which its tests create a database for each test",
}

# Pyodide, as the kernel pins it; the integrity is npm's (``npm view pyodide@VERSION dist.integrity``).
PYODIDE_VERSION = "314.0.6"
PYODIDE_INTEGRITY = "sha512-BKDTJyIqFxC4BExLqeRS3f5xvXZIjOt8C3zGLN/Cc7tFxSwvKVhVkchQQ2AGLOtR4YrVOIFxbV8poyDOOmWwxQ=="
PYODIDE_FILES = ("pyodide.mjs", "pyodide.js", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")
PYTHON_VERSION = "3.14"  # Pyodide 314's
# Pyodide, its lock file and the wheels live in static/pyodide/DIGEST/, a folder named after a digest of the files
# it holds (folder_digest): a build whose files differ gets a new address, so a host may let browsers keep that
# folder without asking again (the README's "Publish it"). PYODIDE_PARENT holds that one folder.
PYODIDE_PARENT = Path("static") / "pyodide"
# The kernel loads Pyodide through this module of that folder, which says what it loads (the progress line).
PYODIDE_MODULE = "pyodide-with-progress.mjs"

# Every wheel of the site is pinned, with PyPI's sha256, in lite/wheels.txt (``--pin`` writes it). Its roots:
# what the kernel loads at start (its own packages come with jupyterlite-pyodide-kernel, KERNEL_WHEELS), the
# tutorial's packages, and each included notebook's own (BROWSER_PACKAGES, installed by its first cell).
LITE = REPOSITORY / "lite"  # the browser version's own files: its pins, its bytecode step
PINS = LITE / "wheels.txt"
KERNEL_ROOTS = ("micropip", "ipython", "jedi", "typing-extensions")
TUTORIAL_ROOTS = ("alembic", "sqlalchemy", "ipywidgets")
BUILT_FROM_SOURCE = {"markupsafe"}  # PyPI has no pure wheel of it: built from its pinned sdist, without C speedups
# The wheels jupyterlite-pyodide-kernel ships in its extension's pypi/ folder (checked against its all.json).
KERNEL_WHEELS = ("piplite", "pyodide-kernel", "ipykernel", "widgetsnbextension")
# Loaded while Pyodide starts, from the lock file, in two steps that the page's progress line names
# (lite/pyodide-with-progress.mjs): the kernel skips its own one-by-one installs of the packages named
# here (its worker's ``preloaded`` list), and the first cell finds Alembic and the helpers there.
START_STEPS = [
    {"text": "Loading the kernel's packages (IPython, micropip)",
     "packages": ["micropip", "piplite", "pyodide-kernel", "ipykernel", "comm", "jedi", "ipython"]},
    {"text": "Loading Alembic, SQLAlchemy and the tutorial's helpers", "packages": ["alembic", "ipywidgets", "tutorial"]},
]
PRELOADED = [name for step in START_STEPS for name in step["packages"]]
# The helper package, as a wheel of its own (tutorial_wheel): its name and version.
TUTORIAL_WHEEL = ("tutorial", "1.0.0")
NOT_SHIPPED = ("__pycache__", "*.pyc", ".ipynb_checkpoints")
# What a notebook needs beyond the start set: its first cell on the site installs it from the site (%pip install).
BROWSER_PACKAGES: dict[str, list[str]] = {
    "15-test-your-migrations.ipynb": ["pytest", "pytest-alembic"],
    "25-flask-migrate-and-sqlmodel.ipynb": ["flask-migrate", "flask-sqlalchemy", "sqlmodel"],
}
# Pyodide 314's platform, for pip download and for the environment markers of the wheels' dependencies.
WASM_PLATFORM = "pyemscripten_2026_0_wasm32"
MARKER_ENVIRONMENT = {
    "python_version": PYTHON_VERSION, "python_full_version": f"{PYTHON_VERSION}.2", "sys_platform": "emscripten",
    "platform_system": "Emscripten", "platform_machine": "wasm32", "os_name": "posix", "implementation_name": "cpython",
    "platform_python_implementation": "CPython", "extra": "",
}
# JupyterLab extensions of the full install that talk to a Jupyter server, which the browser version has not:
# jupyter-server-proxy (notebook 04's app through JupyterLab) would ask it for its servers, and get a 404.
SERVER_EXTENSIONS = ["@jupyterhub/jupyter-server-proxy"]
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
    parser.add_argument("--pin", action="store_true", help=f"rewrite {_shown(PINS)} (versions and sha256) instead of building")
    arguments = parser.parse_args()
    try:
        if arguments.pin:
            pin()
            print(f"{_shown(PINS)} written: review the diff, then make lite")
            return 0
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
        pyodide = source / PYODIDE_PARENT
        with cache_held():
            unpack_pyodide(fetch_pyodide(), pyodide)
            wheels = fetch_wheels(json.loads((pyodide / "pyodide-lock.json").read_text(encoding="utf-8")))
            stdlib = pyodide / "python_stdlib.zip"
            kernel = {Path(wheels[name]["_source"]) for name in lock_closure(wheels, START_STEPS[0]["packages"])}
            compiled = with_bytecode([stdlib, *(Path(entry["_source"]) for entry in wheels.values())], pyodide, kernel)
        shutil.copy2(compiled[stdlib], stdlib)
        for entry in wheels.values():
            entry["_source"] = str(compiled[Path(entry["_source"])])
            entry["sha256"] = _sha256(Path(entry["_source"]))
        write_lock(pyodide, wheels)
        shutil.copy2(LITE / PYODIDE_MODULE, pyodide)
        copy_contents(source / "contents")
        write_config(source, output)
        if output.exists():
            shutil.rmtree(output)
        run([str(Path(sys.executable).parent / "jupyter-lite"), "build", "--lite-dir", str(source)], cwd=source)
    finish_site(output)
    check_site(output)
    return output


def folder_digest(folder: Path) -> str:
    """16 hex digits of a sha256 over the names and contents of the files in ``folder``."""
    digest = hashlib.sha256()
    for path in sorted(path for path in folder.rglob("*") if path.is_file()):
        digest.update(f"{path.relative_to(folder).as_posix()}\0{_sha256(path)}\n".encode())
    return digest.hexdigest()[:16]


def pyodide_folder(site: Path) -> Path:
    """The built ``site``'s Pyodide folder, ``static/pyodide/DIGEST``."""
    parent = site / PYODIDE_PARENT
    folders = [path for path in parent.iterdir() if path.is_dir()] if parent.is_dir() else []
    if len(folders) != 1:
        raise BuildError(f"{_shown(parent)} should hold one folder, Pyodide's, and holds {len(folders)}")
    return folders[0]


def name_pyodide_folder(site: Path) -> Path:
    """Move the files ``jupyter lite build`` put in PYODIDE_PARENT into a folder of it named after their digest."""
    parent = site / PYODIDE_PARENT
    named = parent.with_name(folder_digest(parent))
    parent.rename(named)
    parent.mkdir()
    return named.rename(parent / named.name)


def pyodide_url(site: Path) -> str:
    """The address, relative to the site, of the module through which the kernel loads Pyodide (the pyodideUrl setting)."""
    return f"./{pyodide_folder(site).relative_to(site).as_posix()}/{PYODIDE_MODULE}"


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


def read_pins(path: Path = PINS) -> dict[str, tuple[str, str]]:
    """``{name: (version, sha256)}`` from the pins file's ``name==version --hash=sha256:...`` lines."""
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        found = re.fullmatch(r"([A-Za-z0-9_.-]+)==(\S+)\s+--hash=sha256:([0-9a-f]{64})\s*", line)
        if found:
            pins[_normalized(found.group(1))] = (found.group(2), found.group(3))
        elif line.strip() and not line.startswith("#"):
            raise BuildError(f"{_shown(path)}: cannot read {line!r} (name==version --hash=sha256:...)")
    return pins


def fetch_wheels(lock: dict) -> dict[str, dict]:
    """Every wheel of the site, checked against its pin, in the cache: ``{name: lock entry}``.

    ``lock`` is Pyodide's own lock file, for its entries' fields; the site's entries list only these wheels.
    """
    pins = read_pins()
    entries = {}
    for name, (version, sha256) in pins.items():
        archive = fetch_pinned(name, version, sha256)
        wheel = build_pure_wheel(archive) if name in BUILT_FROM_SOURCE else archive
        entries[name] = lock_entry(name, version, wheel)
    for wheel in [*kernel_wheels(), tutorial_wheel(CACHE / "tutorial")]:
        name = _normalized(wheel.name.split("-")[0])
        entries[name] = lock_entry(name, wheel.name.split("-")[1], wheel)
    for name, entry in entries.items():
        missing = [dependency for dependency in entry["depends"] if dependency not in entries]
        if missing:
            raise BuildError(f"{name} depends on {', '.join(missing)}, which {_shown(PINS)} lacks: run tools/build_lite.py --pin")
    return entries


def fetch_pinned(name: str, version: str, sha256: str) -> Path:
    """The pinned file of ``name==version`` from PyPI (a wheel, or the sdist of one built from source), cached."""
    folder = CACHE / "wheels" if name not in BUILT_FROM_SOURCE else CACHE / "sdists"
    for cached in _cached(folder, name, version):
        if _sha256(cached) == sha256:
            return cached
    with tempfile.TemporaryDirectory(prefix="pins-") as scratch:
        requirement = Path(scratch) / "requirement.txt"
        requirement.write_text(f"{name}=={version} --hash=sha256:{sha256}\n", encoding="utf-8")
        process = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--no-deps",
             "--require-hashes", *_download_options(name), "--dest", scratch, "-r", str(requirement)],
            capture_output=True, text=True,
        )
        found = [path for path in _cached(Path(scratch), name, version)]
        if process.returncode or not found:
            raise BuildError(f"{name}=={version} with the sha256 of {_shown(PINS)} could not be downloaded from PyPI:\n"
                             f"{_last_lines(process.stderr)}")
        folder.mkdir(parents=True, exist_ok=True)
        return Path(shutil.copy2(found[0], folder / found[0].name))


def _download_options(name: str) -> list[str]:
    if name in BUILT_FROM_SOURCE:
        return ["--no-binary=:all:"]
    return ["--only-binary=:all:", "--python-version", PYTHON_VERSION, "--implementation", "cp", "--abi", "cp314",
            "--abi", "abi3", "--abi", "none", "--platform", WASM_PLATFORM, "--platform", "any"]


def kernel_wheels() -> list[Path]:
    """The kernel's own wheels, from jupyterlite-pyodide-kernel's extension, checked against its all.json."""
    folder = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "@jupyterlite" / "pyodide-kernel-extension" / "static" / "pypi"
    index = json.loads((folder / "all.json").read_text(encoding="utf-8"))
    wheels = []
    for name in KERNEL_WHEELS:
        releases = index[name]["releases"]
        newest = max(releases, key=lambda version: [int(part) for part in version.split(".")])
        release = releases[newest][0]
        wheel = folder / release["filename"]
        if _sha256(wheel) != release["digests"]["sha256"]:
            raise BuildError(f"{wheel.name} differs from the sha256 in jupyterlite-pyodide-kernel's all.json")
        wheels.append(wheel)
    return wheels


def lock_entry(name: str, version: str, wheel: Path) -> dict:
    """Pyodide's lock entry of a wheel: its file, sha256, top-level imports and dependencies (from its metadata)."""
    with zipfile.ZipFile(wheel) as archive:
        files = archive.namelist()
    metadata = wheel_metadata(wheel)
    imports = sorted({file.split("/")[0].removesuffix(".py") for file in files
                      if not file.split("/")[0].endswith((".dist-info", ".data")) and (file.endswith(".py") or "/" in file)})
    return {
        "name": name, "version": version, "file_name": wheel.name, "install_dir": "site", "sha256": _sha256(wheel),
        "package_type": "package", "imports": imports, "depends": dependencies(metadata), "unvendored_tests": False,
        "_source": str(wheel),
    }


def wheel_metadata(wheel: Path) -> str:
    """The text of a wheel's ``METADATA`` file."""
    with zipfile.ZipFile(wheel) as archive:
        return archive.read(next(file for file in archive.namelist() if file.endswith(".dist-info/METADATA"))).decode("utf-8")


def dependencies(metadata: str) -> list[str]:
    """The normalized names a wheel's ``Requires-Dist`` lines ask for in Pyodide (no extras)."""
    return sorted({_normalized(requirement.name) for requirement in requirements(metadata)})


def requirements(metadata: str) -> list:
    """The ``Requires-Dist`` lines of a wheel's metadata that apply in Pyodide (no extras), as ``Requirement``s."""
    from packaging.requirements import Requirement

    found = []
    for line in metadata.splitlines():
        if line.startswith("Requires-Dist:"):
            requirement = Requirement(line.split(":", 1)[1].strip())
            if requirement.marker is None or requirement.marker.evaluate(MARKER_ENVIRONMENT):
                found.append(requirement)
    return found


def build_pure_wheel(sdist: Path) -> Path:
    """A pure-Python wheel built from an sdist, its optional C extension not built (cached).

    MarkupSafe's ``setup.py`` falls back to its pure-Python build when the C compiler fails;
    ``CC=false`` makes it fail.
    """
    folder = CACHE / "wheels"
    name, version = sdist.name.removesuffix(".tar.gz").rsplit("-", 1)
    for cached in _cached(folder, name, version):
        return cached
    with tempfile.TemporaryDirectory(prefix="sdist-") as scratch:
        environment = {**os.environ, "CC": "false", "LDSHARED": "false"}
        process = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check", "--no-deps",
             "--no-build-isolation", "--wheel-dir", scratch, str(sdist)],
            capture_output=True, text=True, env=environment,
        )
        built = list(Path(scratch).glob("*.whl"))
        if process.returncode or not built:
            raise BuildError(f"building {sdist.name} failed:\n{_last_lines(process.stderr)}")
        if not built[0].name.endswith("-none-any.whl"):
            raise BuildError(f"{built[0].name} is not a pure wheel; Pyodide cannot load it")
        folder.mkdir(parents=True, exist_ok=True)
        return Path(shutil.copy2(built[0], folder / built[0].name))


def with_bytecode(files: list[Path], pyodide: Path, without_sources: set[Path] = frozenset()) -> dict[Path, Path]:
    """Each wheel or zip of ``files`` with its modules' bytecode added (``lite/compile_bytecode.py``), cached;
    those in ``without_sources`` keep the bytecode only.

    Pyodide compiles every module it imports from source, on every start, and writes no bytecode;
    Python 3.14's bytecode can only be made by a Python 3.14, so Pyodide itself makes it, under Node.js
    (``lite/run_in_pyodide.mjs``), from the pristine Pyodide folder ``pyodide``.
    """
    folder = CACHE / "bytecode" / _sha256(LITE / "compile_bytecode.py")[:16]  # made again when the step changes
    compiled = {file: folder / f"{_sha256(file)[:16]}-{'pyc' if file in without_sources else 'py'}-{file.name}" for file in files}
    missing = [file for file, target in compiled.items() if not target.exists()]
    if missing:
        if shutil.which("node") is None:
            raise BuildError("Node.js is not installed (Debian: `apt-get install -y nodejs`): it compiles the site's bytecode")
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="bytecode-", dir=folder) as scratch:
            for file in missing:
                shutil.copy2(file, Path(scratch) / file.name)
            run(["node", str(LITE / "run_in_pyodide.mjs"), str(pyodide), scratch, str(LITE / "compile_bytecode.py"),
                 *(f"/work/{file.name}" for file in missing if file not in without_sources), "--without-sources",
                 *(f"/work/{file.name}" for file in missing if file in without_sources)], cwd=REPOSITORY)
            for file in missing:
                os.replace(Path(scratch) / file.name, compiled[file])
                compiled[file].chmod(0o644)
    return compiled


def lock_closure(entries: dict[str, dict], roots) -> list[str]:
    """The names of ``roots`` and of everything they depend on, in the lock's ``entries``."""
    seen: list[str] = []
    pending = [_normalized(root) for root in roots]
    while pending:
        name = pending.pop()
        if name not in seen:
            seen.append(name)
            pending.extend(entries[name]["depends"])
    return sorted(seen)


def write_lock(pyodide: Path, wheels: dict[str, dict]) -> None:
    """Pyodide's lock file, listing only the site's wheels, which are copied beside it."""
    lock_path = pyodide / "pyodide-lock.json"
    lock = json.loads(lock_path.read_text(encoding="utf-8"))
    lock["packages"] = {}
    for name in sorted(wheels):
        entry = dict(wheels[name])
        shutil.copy2(entry.pop("_source"), pyodide / entry["file_name"])
        lock["packages"][name] = entry
    lock_path.write_text(json.dumps(lock, indent=1, sort_keys=True), encoding="utf-8")


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _cached(folder: Path, name: str, version: str) -> list[Path]:
    """The files of ``name==version`` in ``folder``: its wheels and its sdist."""
    stem = _normalized(name)
    found = []
    for path in sorted(folder.glob("*")) if folder.is_dir() else []:
        parts = path.name.removesuffix(".tar.gz").rsplit("-", 1) if path.name.endswith(".tar.gz") else path.name.split("-")
        if path.suffix in (".whl", ".gz") and _normalized(parts[0]) == stem and parts[1] == version:
            found.append(path)
    return found


# --------------------------------------------------------------------------- pinning


def pin(path: Path = PINS) -> None:
    """Write the pins file: the closure of the site's roots, each at its version, with PyPI's sha256.

    A version is requirements.txt's, else Pyodide's lock file's, else the one installed here (what
    the notebooks' stored outputs were made with). For what only a notebook needs (BROWSER_PACKAGES),
    the one installed here comes first: the lock names Pyodide's own builds, which PyPI may lack (its
    pydantic-core 2.41.5 has no Pyodide wheel there), and the installed set is one pip resolved. A
    package the start set has too keeps its version if the notebook's packages accept it, else takes the
    installed one (typing-extensions 4.16.0, which pydantic 2.14 needs).
    """
    import importlib.metadata

    from packaging.specifiers import SpecifierSet

    learner = {_normalized(name): version for name, version in pinned_versions(REPOSITORY / "requirements.txt").items()}

    def installed(name: str) -> str | None:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return None

    with cache_held():
        lock = json.loads(tarfile.open(fetch_pyodide()).extractfile("package/pyodide-lock.json").read())["packages"]
        kernel = {_normalized(wheel.name.split("-")[0]) for wheel in kernel_wheels()}
        pins: dict[str, tuple[str, str]] = {}
        for roots, notebooks in (([*KERNEL_ROOTS, *TUTORIAL_ROOTS], False),
                                 ([name for names in BROWSER_PACKAGES.values() for name in names], True)):
            pending = [(_normalized(name), SpecifierSet(), "the site") for name in roots]
            while pending:
                name, wanted, wanted_by = pending.pop()
                if name in kernel or (name in pins and wanted.contains(pins[name][0], prereleases=True)):
                    continue
                locked = lock[name]["version"] if name in lock else None
                version = learner.get(name) or ((installed(name) or locked) if notebooks else (locked or installed(name)))
                if version is None or not wanted.contains(version, prereleases=True):
                    raise BuildError(f"{wanted_by} needs {name}{wanted}; the version to pin is {version} "
                                     "(requirements.txt's, Pyodide's lock file's or the installed one): install one that fits")
                archive = _download_unpinned(name, version)
                wheel = build_pure_wheel(archive) if name in BUILT_FROM_SOURCE else archive
                pins[name] = (version, _sha256(archive))
                pending.extend((_normalized(requirement.name), requirement.specifier, f"{name} {version}")
                               for requirement in requirements(wheel_metadata(wheel)))
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("#")] if path.exists() else []
    lines += [f"{name}=={version} --hash=sha256:{sha256}" for name, (version, sha256) in sorted(pins.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _download_unpinned(name: str, version: str) -> Path:
    folder = CACHE / "wheels" if name not in BUILT_FROM_SOURCE else CACHE / "sdists"
    cached = _cached(folder, name, version)
    if cached:
        return cached[0]
    process = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--no-deps",
         *_download_options(name), "--dest", str(folder), f"{name}=={version}"],
        capture_output=True, text=True,
    )
    cached = _cached(folder, name, version)
    if process.returncode or not cached:
        raise BuildError(f"no file of {name}=={version} for Pyodide could be downloaded from PyPI:\n{_last_lines(process.stderr)}")
    return cached[0]


def pinned_versions(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        found = re.fullmatch(r"\s*([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==(\S+)\s*", line)
        if found:
            pins[found.group(1).lower().replace("_", "-")] = found.group(2)
    return pins


# --------------------------------------------------------------------------- the site


# Put after each notebook's title on the site: what is not as its text says, in the browser.
BROWSER_NOTE = """\
> **In your browser.** This copy of the notebook runs in JupyterLite: Python runs inside this page
> (Pyodide), with nothing installed. Where the text below says otherwise, this is what holds here:
> - **Your project lives in this kernel's memory**, not in the file browser on the left, and reloading
>   the page loses it: `tutorial.download_project()` in a cell saves it as a zip file first.
> - **No process can start**: no terminal, no web server, no `pytest` in a process of its own. The cells
>   that need one say so when they run, and the app's page is asked inside the kernel, not over HTTP.
{own}{elsewhere}"""
LEFT_OUT_LINE = """\
> - **The notebooks that need the full install** (a database server, or processes or threads of their
>   own) are not on this site, and are named without a link: {left_out}.
"""
START_PAGE = "00-start-here.ipynb"
START_PAGE_LINES = """\
> - **On this site:** notebooks {included}. **Not here**, for the full install (named without a link below):
{reasons}> - **Nothing is installed here**: the environment check below says what runs here instead. *My progress*
>   cannot see your exercises: each notebook's project lives in the memory of that notebook's own kernel.
"""
# Lines of the note for one notebook, where its text says otherwise than what holds in the browser.
BROWSER_NOTE_LINES = {
    "15-test-your-migrations.ipynb": """\
> - **`pytest` runs inside this kernel** (`pytest.main`), not in a new Python: each `pytest` of a
>   `%%terminal` cell reads your project's files as they are then, as a new process would. nbval, which
>   `pytest.ini` leaves out, is not installed here.
""",
    "23-tune-autogenerate.ipynb": """\
> - **ruff cannot run here**: Python in the browser has no build of it, and cannot start the new process a
>   hook runs it in. So in *Every new file formatted* Alembic skips the two post-write hooks, saying so,
>   and the new revision file stays as Alembic wrote it: under *After: the new one, as the hooks left it*,
>   it looks like the revision before it, not rewritten by ruff as the text says. The cells that run ruff
>   say that they cannot run, and *Check my work* does not check the file's formatting.
""",
}
NOTEBOOK_LINK = re.compile(r"\[([^\]]+)\]\(([0-9][0-9]-[a-z0-9-]+\.ipynb)(#[^)]*)?\)")


def browser_note(name: str) -> str:
    """The note put after the title of the notebook ``name`` on the site: what differs there from its text.

    The start page's says which notebooks are on the site, and why each other one is not (``LEFT_OUT``).
    """
    if name == START_PAGE:
        reasons = "".join(f">   - {left[:2]} {why}\n" for left, why in sorted(LEFT_OUT.items()))
        elsewhere = START_PAGE_LINES.format(included=_numbers(INCLUDED), reasons=reasons)
    else:
        elsewhere = LEFT_OUT_LINE.format(left_out=", ".join(left[:2] for left in sorted(LEFT_OUT)))
    return BROWSER_NOTE.format(own=BROWSER_NOTE_LINES.get(name, ""), elsewhere=elsewhere)


def _numbers(names: list[str]) -> str:
    """The notebooks' numbers, runs shortened: ``00 to 16, 21 to 23 and 25``."""
    runs: list[list[int]] = []
    for number in sorted(int(name[:2]) for name in names):
        if runs and number == runs[-1][1] + 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    parts = [f"{first:02d}" if first == last else f"{first:02d} to {last:02d}" for first, last in runs]
    return " and ".join([", ".join(parts[:-1]), parts[-1]]) if len(parts) > 1 else parts[0]


def for_the_browser(notebook: dict, name: str = "") -> dict:
    """``notebook`` (the file ``name``) as the site holds it: the note on what differs after its title, then
    the install of its own packages (``BROWSER_PACKAGES``) from the site; no link to a notebook not on the site."""

    def unlink(match: re.Match) -> str:
        return match.group(0) if match.group(2) in INCLUDED else match.group(1)

    cells = []
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            source = "".join(cell["source"])
            cell = {**cell, "source": NOTEBOOK_LINK.sub(unlink, source)}
        cells.append(cell)
    added = [{"cell_type": "markdown", "id": "in-your-browser", "metadata": {}, "source": browser_note(name)}]
    if BROWSER_PACKAGES.get(name):
        added.append({
            "cell_type": "code", "id": "browser-packages", "metadata": {}, "execution_count": None, "outputs": [],
            "source": f"# What this notebook needs besides Alembic, installed from this site\n%pip install {' '.join(BROWSER_PACKAGES[name])}",
        })
    return {**notebook, "cells": [*cells[:1], *added, *cells[1:]]}


def copy_contents(target: Path) -> None:
    """The included notebooks and the solutions: the files a learner sees."""
    target.mkdir(parents=True)
    for name in INCLUDED:
        notebook = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))
        (target / name).write_text(json.dumps(for_the_browser(notebook, name), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    shutil.copytree(NOTEBOOKS / "solutions", target / "solutions", ignore=shutil.ignore_patterns(*NOT_SHIPPED))


def tutorial_wheel(folder: Path) -> Path:
    """The helper package ``tutorial`` as a wheel in ``folder``, loaded with the kernel (``PRELOADED``).

    Not in the file browser's drive: every file read there is a request to the page, and its
    modules would be compiled on every start; a wheel is unpacked into the kernel's memory, with
    its bytecode. Its bytes depend only on the package's files (same dates, same order), so that
    its bytecode is made once.
    """
    name, version = TUTORIAL_WHEEL
    distribution = f"{name.replace('-', '_')}-{version}"
    files = {}
    for path in sorted((NOTEBOOKS / "tutorial").rglob("*")):
        relative = path.relative_to(NOTEBOOKS)
        if path.is_file() and not any(part in ("devtools", "__pycache__") for part in relative.parts) and path.suffix != ".pyc":
            files[relative.as_posix()] = path.read_bytes()
    files[f"{distribution}.dist-info/METADATA"] = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode()
    files[f"{distribution}.dist-info/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: tools/build_lite.py\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    record = "".join(f"{path},sha256={_record_hash(data)},{len(data)}\n" for path, data in files.items())
    files[f"{distribution}.dist-info/RECORD"] = (record + f"{distribution}.dist-info/RECORD,,\n").encode()
    wheel = folder / f"{distribution}-py3-none-any.whl"
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in files.items():
            archive.writestr(zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return wheel


def _record_hash(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def finish_site(output: Path) -> None:
    """What ``jupyter lite build`` cannot be told: the kernel's Pyodide in a folder named after its files
    (name_pyodide_folder), loaded through the module that says what it loads (the build sets pyodide.mjs), the
    page's progress line (``lite/progress.js``), loaded by JupyterLab's page before anything else, no extension
    that needs a Jupyter server, and the site's icon at its root (where a browser asks for it) and in lab/,
    JupyterLab's own 32 KB one instead of JupyterLite's 319 KB."""
    path = output / "jupyter-lite.json"
    config = json.loads(path.read_text(encoding="utf-8"))
    settings = config["jupyter-config-data"]
    name_pyodide_folder(output)
    settings["litePluginSettings"][KERNEL_PLUGIN]["pyodideUrl"] = pyodide_url(output)
    settings["federated_extensions"] = [extension for extension in settings["federated_extensions"]
                                        if extension["name"] not in SERVER_EXTENSIONS]
    for name in SERVER_EXTENSIONS:
        shutil.rmtree(output / "extensions" / name, ignore_errors=True)
    path.write_text(json.dumps(config, indent=2), encoding="utf-8")
    for folder in (output, output / "lab"):
        shutil.copy2(output / "static" / "favicons" / "favicon.ico", folder / "favicon.ico")
    shutil.copy2(LITE / "progress.js", output / "progress.js")
    page = output / "lab" / "index.html"
    html = page.read_text(encoding="utf-8")
    anchor = '<script id="jupyter-config-data"'
    if anchor not in html:
        raise BuildError(f"{_shown(page)} has no {anchor}>: where does the progress line go in this JupyterLite?")
    page.write_text(html.replace(anchor, '<script src="../progress.js"></script>\n    ' + anchor, 1), encoding="utf-8")


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
                    # Loaded from the site's lock file while Pyodide starts, all at once (PRELOADED).
                    "loadPyodideOptions": {"packages": PRELOADED, "tutorialSteps": START_STEPS},
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
    if kernel.get("pyodideUrl") != pyodide_url(output):
        raise BuildError(f"the site would load Pyodide from {kernel.get('pyodideUrl')!r}, not its own folder")
    if kernel.get("disablePyPIFallback") is not True:
        raise BuildError("the site's kernel could fall back to PyPI")
    pyodide = pyodide_folder(output)
    if pyodide.name != folder_digest(pyodide):
        raise BuildError(f"{pyodide.name}/ is not named after the digest of its files: browsers could keep stale ones")
    lock = json.loads((pyodide / "pyodide-lock.json").read_text(encoding="utf-8"))
    for name, entry in lock["packages"].items():
        wheel = pyodide / entry["file_name"]
        if "/" in entry["file_name"] or not wheel.exists():
            raise BuildError(f"the lock's {name} points at {entry['file_name']}, which the site does not hold")
        if hashlib.sha256(wheel.read_bytes()).hexdigest() != entry["sha256"]:
            raise BuildError(f"{wheel.name}'s sha256 differs from the lock's")
    missing = sorted({_normalized(name) for names in BROWSER_PACKAGES.values() for name in names} - set(lock["packages"]))
    if missing:
        raise BuildError(f"BROWSER_PACKAGES names {', '.join(missing)}, which {_shown(PINS)} lacks: run tools/build_lite.py --pin")
    for name in INCLUDED:
        if not (output / "files" / name).exists():
            raise BuildError(f"the site lacks {name}")
    if not (output / "files" / "solutions" / "README.md").exists():
        raise BuildError("the site lacks solutions/README.md")
    if TUTORIAL_WHEEL[0] not in lock["packages"]:
        raise BuildError("the site's lock file lacks the helper package's wheel")
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
