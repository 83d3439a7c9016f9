"""What changes when the notebooks run in the browser, in JupyterLite's Pyodide kernel (``make lite``).

Python there runs inside the web page: it has no processes, no threads that
run, and no network sockets, and its files live in the page's memory. So:

- ``import alembic`` needs help (:func:`allow_alembic_import`), and Alembic's post-write hooks, which
  run a program in a new process, are skipped, saying so (:func:`skip_hooks_that_start_a_process`);
- the learner's projects live in the kernel's memory, under :data:`WORKSPACE`, not in
  the file browser's drive, which keeps files in the browser's storage but corrupts
  SQLite databases written through it; a project is lost when the page is reloaded or
  the kernel restarts, and the notebook's first cell builds it again;
  :func:`download_project` saves one as a zip file;
- a cell that starts a process (a ``%%terminal`` ``ruff`` command too: alembic, pytest and flask run in
  the kernel there), a thread or a web server is not run: it says so (:func:`explain_what_cannot_run`),
  and the cells after it still run.
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

# The terminal cells' commands that need a new process even here: tutorial.terminal runs alembic, pytest and
# flask inside the kernel in the browser, and ruff (a program of its own) in a new process only.
NEEDS_A_PROCESS = ("ruff",)

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


# Alembic's post-write hook types that run a program in a new process, and the key that names the program.
PROCESS_HOOKS = {"console_scripts": "entrypoint", "exec": "executable", "module": "module"}


def skip_hooks_that_start_a_process() -> None:
    """In the browser, have Alembic skip, saying so, the post-write hooks that would start a new process.

    Alembic runs each hook of ``[post_write_hooks]`` after writing a new revision file; the types it
    has (:data:`PROCESS_HOOKS`) all start a program in a new process, which fails in Pyodide. The file is
    written before the hooks run; those skipped leave it as it is. A hook of a type registered in Python
    (``write_hooks.register``) still runs, and so does the check of a hook's settings (a missing key fails).
    """
    if not IN_BROWSER:
        return
    from alembic.script import write_hooks

    run_hooks = write_hooks._run_hooks
    if getattr(run_hooks, "skips_processes", False):
        return

    def run_hooks_in_the_browser(path, hooks) -> None:
        skipped = 0
        for hook in hooks:
            program = hook.get(PROCESS_HOOKS.get(hook.get("type"), ""))
            if program is None:
                run_hooks(path, [hook])
                continue
            shown = f"python -m {program}" if hook["type"] == "module" else program
            print(textwrap.fill(
                f"Running post write hook {hook['_hook_name']!r} ... skipped: it runs `{shown}` in a new process, "
                "which Python in the browser cannot start.",
                100, initial_indent="  ", subsequent_indent="  ", break_long_words=False, break_on_hyphens=False,
            ))
            skipped += 1
        if skipped and skipped == len(hooks):
            print("  The new file stays as Alembic wrote it.")

    run_hooks_in_the_browser.skips_processes = True
    write_hooks._run_hooks = run_hooks_in_the_browser


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
            found.add(CANNOT_RUN[name])
        elif _runs_a_command_in_a_new_process(node):
            found.add("starts a new process")
    return next((what for what in dict.fromkeys(CANNOT_RUN.values()) if what in found), None)


def _runs_a_command_in_a_new_process(node: ast.AST) -> bool:
    """A ``%%terminal`` cell, or a ``run("...")`` call, with a command that :func:`tutorial.terminal.run`
    runs in a new process even in the browser: ``ruff`` (alembic, pytest and flask run in the kernel there)."""

    if not isinstance(node, ast.Call) or not node.args:
        return False
    called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
    if called == "run_cell_magic" and len(node.args) == 3 and _text(node.args[0]) == "terminal":
        commands = (_text(node.args[2]) or "").splitlines()
    elif called == "run":
        commands = [_text(node.args[0]) or ""]
    else:
        return False
    programs = [command.split()[0] for command in commands if command.split()]
    return any(program in NEEDS_A_PROCESS for program in programs)


def _text(node: ast.AST) -> str | None:
    """A string constant's value, or the start of an f-string up to its first ``{}``; else None."""
    if isinstance(node, ast.JoinedStr):
        node = node.values[0] if node.values else None
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


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

