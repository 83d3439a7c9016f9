"""What changes when the notebooks run in the browser, in JupyterLite's Pyodide kernel (``make lite``).

Python there runs inside the web page: it has no processes, no threads that
run, and no network sockets, and its files live in the page's memory. So:

- ``import alembic`` needs help (:func:`allow_alembic_import`, the one workaround);
- the learner's projects live in the kernel's memory, under :data:`WORKSPACE`, not in
  the file browser's drive, which keeps files in the browser's storage but corrupts
  SQLite databases written through it; a project is lost when the page is reloaded or
  the kernel restarts, and the notebook's first cell builds it again;
  :func:`download_project` saves one as a zip file;
- a cell that starts a process, a thread or a web server is not run: it says so
  (:func:`explain_what_cannot_run`), and the cells after it still run.
"""

from __future__ import annotations

import ast
import base64
import html
import io
import sys
import textwrap
import zipfile
from pathlib import Path

IN_BROWSER = sys.platform == "emscripten"
WORKSPACE = Path("/home/pyodide/workspace")  # in the kernel's memory (Emscripten's MEMFS)

# What a cell's code does that the browser cannot: the names it calls, and how the learner is told.
# (``!command`` lines reach the transformer as ``get_ipython().system(...)``.)
CANNOT_RUN = {
    "make_server": "starts a web server",
    "serve_forever": "starts a web server",
    "subprocess": "starts a new process",
    "system": "starts a new process",
    "getoutput": "starts a new process",
    "Thread": "starts a thread",
}


def allow_alembic_import() -> None:
    """Import Alembic in the Pyodide kernel, which otherwise fails with ``AttributeError``.

    The kernel puts empty stand-ins for ``fcntl`` and ``termios`` in ``sys.modules``;
    ``alembic.util.messaging`` calls ``fcntl.ioctl(0, termios.TIOCGWINSZ, ...)`` when
    imported, to learn the terminal's width, and catches only ``ImportError`` and
    ``OSError``. While it is imported, ``import termios`` raises ``ImportError`` (a
    ``None`` in ``sys.modules`` does that), so Alembic takes its default width.
    """
    if not IN_BROWSER or "alembic.util.messaging" in sys.modules:
        return
    missing = object()
    stand_in = sys.modules.get("termios", missing)
    sys.modules["termios"] = None
    try:
        import alembic.util.messaging  # noqa: F401
    finally:
        if stand_in is missing:
            del sys.modules["termios"]
        else:
            sys.modules["termios"] = stand_in


def what_cannot_run(code: str) -> str | None:
    """What the cell's ``code`` does that the browser cannot (``"starts a web server"``), or None.

    Only the code itself counts, not its strings or comments (a ``%%writefile`` cell's text is a string).
    """
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    found = set()
    for node in ast.walk(tree):
        name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else None
        if name in CANNOT_RUN and (name not in ("system", "getoutput") or _called_on_os_or_ipython(node)):
            found.add(name)
    return next((what for name, what in CANNOT_RUN.items() if name in found), None)


def _called_on_os_or_ipython(node: ast.AST) -> bool:
    """``os.system`` or ``get_ipython().system``, not any other ``.system``."""
    if not isinstance(node, ast.Attribute):
        return False
    owner = node.value
    return (isinstance(owner, ast.Name) and owner.id == "os") or (
        isinstance(owner, ast.Call) and isinstance(owner.func, ast.Name) and owner.func.id == "get_ipython"
    )


def explain_what_cannot_run(lines: list[str]) -> list[str]:
    """An IPython input transformer: a cell the browser cannot run is replaced by a message saying so."""
    what = what_cannot_run("".join(lines))
    if what is None:
        return lines
    message = (
        f"This cell {what}, which Python cannot do in the browser: it runs inside the web page, "
        "with no processes, threads or network connections of its own. It was not run; the next "
        "cells do not need it. To run it, use the tutorial in JupyterLab (README: Set up and run)."
    )
    return [f"print({textwrap.fill(message, 100)!r})\n"]  # broken between words: a notebook breaks anywhere


def register(shell) -> None:
    """In the browser, have ``shell`` explain, instead of run, the cells it cannot run."""
    if IN_BROWSER and explain_what_cannot_run not in shell.input_transformers_post:
        shell.input_transformers_post.append(explain_what_cannot_run)


class Download:
    """A link that saves a file from the kernel to the learner's computer (the file's bytes are in the link)."""

    def __init__(self, name: str, data: bytes, what: str):
        self.name = name
        self.data = data
        self.what = what

    def _repr_html_(self) -> str:
        encoded = base64.b64encode(self.data).decode("ascii")
        return (
            f'<a download="{html.escape(self.name)}" href="data:application/zip;base64,{encoded}">'
            f"Download {html.escape(self.name)}</a> ({self.what}, {len(self.data) // 1024 + 1} KB)"
        )

    def __repr__(self) -> str:
        return f"{self.name}: {self.what}, {len(self.data) // 1024 + 1} KB"


def download_project(folder: Path | str = ".") -> Download:
    """A zip file of the project ``folder`` (by default the current one, your project), with a link to save it.

    Everything in it is included, its SQLite database too; Python's caches are left out.
    """
    folder = Path(folder).resolve()
    buffer = io.BytesIO()
    count = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                archive.write(path, Path(folder.name) / path.relative_to(folder))
                count += 1
    return Download(f"{folder.name}.zip", buffer.getvalue(), f"{count} files of {folder.name}/")


def unavailable(what: str) -> str:
    """The plain words for a command the browser cannot run."""
    return (
        f"{what} cannot run in the browser: Python there runs inside the web page and cannot start "
        "a new process. Use the tutorial in JupyterLab for it (README: Set up and run)."
    )

