"""Forget the learner's project modules, so the next import reads the files as they are now.

A kernel caches every module it imported. After the learner edits a model
file, Alembic (run in this kernel) and the app must see the edit, not the
cached copy: otherwise autogenerate writes an empty migration.
"""

from __future__ import annotations

import importlib
import os
import shutil
import sys
import sysconfig
from pathlib import Path

TUTORIAL = os.path.dirname(os.path.abspath(__file__))  # this package's folder


def forget_project_modules(folder: Path) -> list[str]:
    """Drop from ``sys.modules`` every module whose file lies inside ``folder``, and every module of a package
    the folder holds, wherever it was imported from (another project's ``billtracker`` would shadow this one's).

    :param folder: the learner's project folder.
    :returns: the names of the modules dropped.
    """
    folder = folder.resolve()
    # Resolving each of the kernel's ~1000 module paths is slow: skip the installed ones and the tutorial's own
    # at once. (The library's folders are named too: in the browser's Pyodide, ``sys.prefix`` is ``/``; and
    # there each path resolved in the file browser's drive costs a request to the page.)
    libraries = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix, os.path.dirname(os.__file__), TUTORIAL}
    libraries.update(sysconfig.get_paths()[name] for name in ("stdlib", "platstdlib", "purelib", "platlib"))
    libraries = {"/" + prefix.lstrip("/") for prefix in libraries}  # Pyodide's sysconfig says //lib/...
    installed = tuple(os.path.join(prefix, "") for prefix in libraries if not folder.is_relative_to(prefix))
    packages = {path.name for path in folder.glob("*/__init__.py") for path in [path.parent]} if folder.is_dir() else set()
    dropped = []
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if name.split(".")[0] in packages or (
            file and not file.startswith(installed) and Path(file).resolve().is_relative_to(folder)
        ):
            _close_engines(module)
            forget_sqlmodel_tables(name, module)
            del sys.modules[name]
            dropped.append(name)
    for cache in folder.rglob("__pycache__"):
        shutil.rmtree(cache, ignore_errors=True)
    importlib.invalidate_caches()
    return dropped


def _close_engines(module) -> None:
    """Close the pooled connections of any engine the module made (an app's ``db_session``, say).

    Its next import makes a new engine; the old one's connections would otherwise stay open on a
    database server until the garbage collector came by.
    """
    engine_class = getattr(sys.modules.get("sqlalchemy.engine"), "Engine", None)
    if engine_class is None:
        return
    for value in list(vars(module).values()):
        if isinstance(value, engine_class):
            value.dispose()


def forget_sqlmodel_tables(name: str, module) -> None:
    """Take the module's SQLModel tables out of ``SQLModel.metadata``, and its classes out of SQLModel's registry.

    Both live in the installed ``sqlmodel`` package and outlive the module: without this, its next import
    would define each table a second time, which SQLAlchemy refuses ("Table 'notes' is already defined").
    """
    sqlmodel = sys.modules.get("sqlmodel")
    if sqlmodel is None:
        return
    for value in list(vars(module).values()):
        if (isinstance(value, type) and value.__module__ == name and issubclass(value, sqlmodel.SQLModel)
                and "__table__" in vars(value)):
            sqlmodel.SQLModel.metadata.remove(value.__table__)
            value._sa_registry._dispose_cls(value)


def import_fresh(module_name: str, folder: Path):
    """Import ``module_name`` from the files in ``folder`` as they are on disk now, and leave it imported.

    For the cells of notebooks 24 and 25, which use the module in the cells after. The package's own
    code uses :func:`tutorial.sandbox.imported_afresh`, which also forgets the module after its block.
    """
    forget_project_modules(folder)
    path_entry = str(folder.resolve())
    added = path_entry not in sys.path
    if added:
        sys.path.insert(0, path_entry)
    try:
        return importlib.import_module(module_name)
    finally:
        if added:
            sys.path.remove(path_entry)
