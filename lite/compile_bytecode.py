"""Add Python's bytecode to the browser version's wheels and standard library (make lite), in Pyodide itself.

Run by ``lite/run_in_pyodide.mjs`` with a folder of the files mounted at ``/work``:
``compile_bytecode.py <file>... [--without-sources <file>...]`` rewrites each wheel (``*.whl``) or the
standard library (``python_stdlib.zip``) in place. Every member stays as it was; each ``.py`` gains its
bytecode, compiled by this Python (Pyodide's, so its magic number is the one the browser checks):

- in a wheel, as ``__pycache__/<name>.cpython-3XX.pyc`` beside it (listed in the RECORD);
- in the standard library's zip, as ``<name>.pyc`` beside it (where ``zipimport`` looks);
- in a wheel without sources, as ``<name>.pyc`` in its place (where Python imports a module without source).

The bytecode is "unchecked hash-based" (PEP 552): Python uses it without comparing it with the
source, since neither changes once built. The wheels after ``--without-sources`` keep the bytecode
only, as Pyodide's own builds do: they unpack faster, and their tracebacks show no source lines. Pyodide writes no bytecode at run time, so without
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


def rewrite(path: str, keep_sources: bool) -> None:
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
        # Beside its source in __pycache__/, where Python looks first; without it, in the source's place.
        in_cache = is_wheel and keep_sources
        target = importlib.util.cache_from_source(runtime)[len(SITE_PACKAGES) + 1:] if in_cache else name + "c"
        added.append((target, compiled, name))
    dropped = set() if keep_sources else {source for _, _, source in added}
    temporary = path + ".tmp"
    with zipfile.ZipFile(temporary, "w") as new:
        for info, data in members:
            if info.filename in dropped:
                continue
            if is_wheel and info.filename.endswith(".dist-info/RECORD"):
                kept = [line for line in data.decode().splitlines(keepends=True) if line.split(",", 1)[0] not in dropped]
                data = "".join(kept).encode() + "".join(f"{target},,\n" for target, _, _ in added).encode()
            new.writestr(info, data)
        for target, compiled, _ in added:
            new.writestr(zipfile.ZipInfo(target, date_time=(1980, 1, 1, 0, 0, 0)), compiled, zipfile.ZIP_DEFLATED)
    os.replace(temporary, path)
    print(f"{os.path.basename(path)}: {len(added)} modules compiled" + ("" if keep_sources else ", sources left out"))


arguments = sys.argv[1:]
split = arguments.index("--without-sources") if "--without-sources" in arguments else len(arguments)
for argument in arguments[:split]:
    rewrite(argument, keep_sources=True)
for argument in arguments[split + 1:]:
    rewrite(argument, keep_sources=False)
