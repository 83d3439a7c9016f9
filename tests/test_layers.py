"""The helper package's layers: every module imports on its own, first of all, with no circle to trip on."""

from __future__ import annotations

import importlib.util
import pkgutil
import subprocess
import sys

import tutorial
from support.paths import NOTEBOOKS

MODULES = sorted(
    info.name for info in pkgutil.walk_packages(tutorial.__path__, "tutorial.") if ".templates" not in info.name
)

# In a process of its own (this one keeps its modules): each module imported before any other of the package,
# as a notebook's or a tool's first import would be; a circle fails with "partially initialized module".
EACH_FIRST = """
import importlib, sys, traceback
failed = []
for name in sys.argv[1:]:
    for loaded in [module for module in sys.modules if module == "tutorial" or module.startswith("tutorial.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception:
        failed.append(name + ": " + traceback.format_exc(limit=1).strip().splitlines()[-1])
print("\\n".join(failed))
sys.exit(1 if failed else 0)
"""


def test_every_module_imports_first_of_all():
    process = subprocess.run([sys.executable, "-c", EACH_FIRST, *MODULES], cwd=NOTEBOOKS,
                             capture_output=True, text=True, timeout=120)
    assert len(MODULES) > 50 and process.returncode == 0, process.stdout + process.stderr


def test_the_notebooks_modules_never_import_the_tools_subpackage():
    """tutorial.devtools is the tools' and tests' own: the browser version leaves it out."""
    for name in MODULES:
        if not name.startswith("tutorial.devtools"):
            with open(importlib.util.find_spec(name).origin, encoding="utf-8") as source:
                assert "devtools" not in source.read(), f"{name} imports tutorial.devtools"
