"""The repository's tools (``tools/*.py``), for the tests that test them: loaded from their file, ``sys.path`` untouched."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from support.paths import REPOSITORY


def load(path: Path) -> ModuleType:
    """The module in the file ``path``, imported once (as ``sys.modules[its stem]``)."""
    if path.stem in sys.modules:
        return sys.modules[path.stem]
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module  # a dataclass of the module looks itself up there
    spec.loader.exec_module(module)
    return module


def tool(name: str) -> ModuleType:
    """The tool ``tools/<name>.py``, as a module."""
    return load(REPOSITORY / "tools" / f"{name}.py")
