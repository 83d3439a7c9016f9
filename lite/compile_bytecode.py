"""Add Python's bytecode to the browser version's wheels and standard library (make lite), in Pyodide itself.

Run by ``lite/run_in_pyodide.mjs`` with the site's Pyodide folder mounted at ``/work``:
``compile_bytecode.py <file>...`` rewrites each wheel (``*.whl``) or the standard library
(``python_stdlib.zip``) in place. Every member stays as it was; each ``.py`` gains its bytecode,
compiled by this Python (Pyodide's, so its magic number is the one the browser checks):

- in a wheel, as ``__pycache__/<name>.cpython-3XX.pyc`` beside it (listed in the RECORD);
- in the standard library's zip, as ``<name>.pyc`` beside it (where ``zipimport`` looks).

The bytecode is "unchecked hash-based" (PEP 552): Python uses it without comparing it with the
source, since neither changes once built. Pyodide writes no bytecode at run time, so without
this every import compiles its source again on every start.
"""

import importlib.util
import os
import sys
import zipfile
from importlib._bootstrap_external import _code_to_hash_pyc

SITE_PACKAGES = f"/lib/python{sys.version_info.major}.{sys.version_info.minor}/site-packages"
STDLIB_ZIP = f"/lib/python{sys.version_info.major}{sys.version_info.minor}.zip"


def bytecode(source: bytes, path: str) -> bytes:
    code = compile(source, path, "exec", dont_inherit=True)
    return _code_to_hash_pyc(code, importlib.util.source_hash(source), checked=False)


def rewrite(path: str) -> None:
    is_wheel = path.endswith(".whl")
    with zipfile.ZipFile(path) as old:
        members = [(info, old.read(info)) for info in old.infolist()]
    added = []
    for info, data in members:
        name = info.filename
        if not name.endswith(".py") or (is_wheel and ".data/" in name.split("/", 1)[0]):
            continue
        runtime = f"{SITE_PACKAGES}/{name}" if is_wheel else f"{STDLIB_ZIP}/{name}"
        try:
            compiled = bytecode(data, runtime)
        except SyntaxError:
            continue  # a file not meant to be imported (a template, a test of a syntax error)
        target = importlib.util.cache_from_source(runtime)[len(SITE_PACKAGES) + 1:] if is_wheel else name + "c"
        added.append((target, compiled))
    temporary = path + ".tmp"
    with zipfile.ZipFile(temporary, "w") as new:
        for info, data in members:
            if is_wheel and info.filename.endswith(".dist-info/RECORD"):
                data += "".join(f"{target},,\n" for target, _ in added).encode()
            new.writestr(info, data)
        for target, compiled in added:
            new.writestr(zipfile.ZipInfo(target, date_time=(1980, 1, 1, 0, 0, 0)), compiled, zipfile.ZIP_DEFLATED)
    os.replace(temporary, path)
    print(f"{os.path.basename(path)}: {len(added)} modules compiled")


for argument in sys.argv[1:]:
    rewrite(argument)
