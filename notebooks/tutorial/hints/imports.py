"""Hints about an import that fails: a model module that is not there, a database driver
that is not installed, a project that is not on Python's path, a misspelled module, and
a revision that uses a module it never imports."""

from __future__ import annotations

import difflib
import importlib.util
import re
from pathlib import Path

from .. import drivers
from ..snapshot import Snapshot
from .registry import Hint, rule

IMPORT_NAME = re.compile(r"cannot import name '(\w+)' from '([\w.]+)'")
MISSING_MODULE = re.compile(r"ModuleNotFoundError: No module named '([\w.]+)'")
UNDEFINED_NAME = re.compile(
    r"NameError: name '(\w+)' is not defined\s+\(raised in (\S+\.py), line \d+\)"
)

# The plain URL (no driver named) that also asks for a driver's module.
PLAIN_URLS = {
    "MySQLdb": " (and plain mysql://)",
    "psycopg": " (and, since SQLAlchemy 2.1, plain postgresql://)",
}


def _drivers_by_module() -> dict[str, tuple[str, str]]:
    """``{module: (the URL that asks for it, the package that installs it)}``, from :mod:`tutorial.drivers`
    (pip's name is not always the module's; one with extras is quoted, as a shell needs)."""
    found: dict[str, tuple[str, str]] = {}
    for driver in drivers.DRIVERS:
        if driver.package and driver.module not in found:
            package = f'"{driver.package}"' if "[" in driver.package else driver.package
            found[driver.module] = (f"{driver.scheme}://{PLAIN_URLS.get(driver.module, '')}", package)
    return found


# The database drivers a URL names (``dialect+driver://``), by the module a missing one
# leaves in the message.
DRIVERS = _drivers_by_module()


@rule(
    "name-not-in-package",
    "a model module imported from a package that does not have it",
)
def _name_not_in_package(s: Snapshot) -> Hint | None:
    missing = IMPORT_NAME.search(s.message)
    if not missing:
        return None
    name, package = missing.groups()
    folder = s.folder / Path(*package.split("."))
    if (
        not folder.is_dir()
        or (folder / f"{name}.py").is_file()
        or (folder / name).is_dir()
    ):
        return None
    return Hint(
        f"there is no {(folder / name).relative_to(s.folder).as_posix()}.py, "
        f"so `from {package} import {name}` fails.",
        "Check the spelling of the import, or create the file.",
    )


@rule("missing-driver", "a database URL whose driver is not installed")
def _missing_driver(s: Snapshot) -> Hint | None:
    missing = MISSING_MODULE.search(s.message)
    if (
        not missing
        or missing.group(1) not in DRIVERS
        or importlib.util.find_spec(missing.group(1)) is not None
    ):
        return None
    url, package = DRIVERS[missing.group(1)]
    return Hint(
        f"`{missing.group(1)}` is the database driver that {url} URLs name, and it "
        "is not installed in the Python that runs Alembic:",
        f"`pip install {package}` (the package's name is not the module's), or "
        "write the URL with a driver you have.",
    )


@rule(
    "module-beside-the-config",
    "`-c` names a config file in another folder, and prepend_sys_path is `.`",
)
def _module_beside_the_config(s: Snapshot) -> Hint | None:
    missing = MISSING_MODULE.search(s.message)
    if not missing or s.own_config or not s.config_file:
        return None
    config = (s.folder / s.config_file).resolve()
    top = missing.group(1).split(".")[0]
    if not config.is_file() or config.parent == s.folder:
        return None
    if not ((config.parent / top).is_dir() or (config.parent / f"{top}.py").is_file()):
        return None
    setting = re.search(
        r"^prepend_sys_path\s*=\s*(.*)$",
        config.read_text(encoding="utf-8"),
        re.MULTILINE,
    )
    if not setting or "%(here)s" in setting.group(1):
        return None
    return Hint(
        f"`{top}` lies beside {s.config_file}, but "
        f"`prepend_sys_path = {setting.group(1).strip()}` there is relative to the "
        "folder you run Alembic from, which is not that one.",
        "Write `prepend_sys_path = %(here)s`, the folder of the config file, "
        "wherever you run from.",
    )


@rule(
    "module-not-found",
    "an import that fails: a missing file, a typo, or the project not on the path",
)
def _module_not_found(s: Snapshot) -> Hint | None:
    missing = MISSING_MODULE.search(s.message)
    if not missing:
        return None
    parts = missing.group(1).split(".")
    top = parts[0]
    if (s.folder / top).is_dir() or (s.folder / f"{top}.py").is_file():
        if not re.search(r"^prepend_sys_path\s*=", s.ini_text, re.MULTILINE):
            return Hint(
                f"`{top}` lies in your project folder, but Python does not look "
                "there:",
                "alembic.ini needs `prepend_sys_path = .`.",
            )
        for depth in range(2, len(parts) + 1):
            path = Path(*parts[:depth])
            if (
                not (s.folder / path).is_dir()
                and not (s.folder / path.with_suffix(".py")).is_file()
            ):
                return Hint(
                    f"there is no {path.as_posix()}.py "
                    f"(nor a package {path.as_posix()}/) in your project.",
                    "Check the spelling of the import, or create the file.",
                )
        return None
    if importlib.util.find_spec(top) is not None:
        return None  # installed: something else went wrong inside it
    ours = sorted(path.name.removesuffix(".py") for path in s.folder.iterdir()
                  if (path / "__init__.py").is_file() or path.suffix == ".py")
    closest = difflib.get_close_matches(top, ours, n=1)
    if closest:
        return Hint(
            f"there is no module `{top}`; your project has `{closest[0]}`.",
            "Check the spelling of the import.",
        )
    return Hint(
        f"`{top}` is not installed in the Python that runs Alembic:",
        "install it, or check the spelling.",
    )


@rule(
    "revision-misses-an-import",
    "a revision that uses a module's types (sqlmodel's) without importing it",
)
def _revision_misses_an_import(s: Snapshot) -> Hint | None:
    undefined = UNDEFINED_NAME.search(s.message)
    if not undefined:
        return None
    module, raised_in = undefined.groups()
    revision = s.folder / raised_in
    if (
        revision.parent.name != "versions"
        or not revision.is_file()
        or importlib.util.find_spec(module) is None
    ):
        return None
    source = revision.read_text(encoding="utf-8")
    imported = re.compile(rf"^\s*(import {module}\b|from {module}\b)", re.MULTILINE)
    if f"{module}." not in source or imported.search(source):
        return None
    template = revision.parent.parent / "script.py.mako"
    for_next = ""
    if template.is_file() and not imported.search(template.read_text(encoding="utf-8")):
        shown = template.relative_to(s.folder).as_posix()
        for_next = (
            " Autogenerate writes your models' types by their module's name but does "
            f"not import it: add `import {module}` under `import sqlalchemy as sa` in "
            f"{shown} too, so that every new revision has it."
        )
    return Hint(
        f"{raised_in} uses `{module}.` but never imports {module}:",
        f"add `import {module}` at its top.{for_next}",
    )
