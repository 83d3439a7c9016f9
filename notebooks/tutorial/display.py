"""Show the learner's files: highlighted, as diffs, with a link to open them in JupyterLab."""

from __future__ import annotations

import difflib
import html
from pathlib import Path

from IPython.display import HTML, display
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import TextLexer, get_lexer_by_name

from . import inbrowser, workspace


class Highlighted:
    """Code highlighted with inline styles (no stylesheet to leak into the page), and as plain text."""

    def __init__(self, text: str, language: str, summary: str | None = None):
        self.text = text
        self.language = language
        self.summary = summary  # when given, the HTML is folded under this line: a click opens it

    def _repr_html_(self) -> str:
        lexer = get_lexer_by_name(self.language) if self.language != "text" else TextLexer()
        code = highlight(self.text, lexer, HtmlFormatter(noclasses=True, style="default"))
        if self.summary is None:
            return code
        return f"<details><summary>{html.escape(self.summary)}</summary>{code}</details>"

    def __repr__(self) -> str:
        return self.text


LANGUAGES = {".py": "python", ".ini": "ini", ".sql": "sql", ".mako": "mako", ".toml": "toml"}


def show_file(
    path: Path | str, first_line: int = 1, last_line: int | None = None, folded: bool = False
) -> None:
    """Show a file of the project, highlighted, with a link that opens it in JupyterLab's editor.

    :param folded: fold the file away (HTML ``<details>``): one summary line, a click opens it.
        The plain-text form is the same either way.
    """
    path = Path(path).resolve()
    if not path.exists():
        raise FileNotFoundError(f"{workspace.shown(path)} does not exist (yet): run the cells above first.")
    lines = path.read_text(encoding="utf-8").splitlines()
    shown_lines = lines[first_line - 1 : last_line]
    summary = None
    if folded:
        whole = first_line == 1 and len(shown_lines) == len(lines)
        part = "whole" if whole else f"lines {first_line}-{first_line + len(shown_lines) - 1}"
        summary = f"{path.name}, {part} ({len(shown_lines)} lines): click to open"
    display(_link(path))
    display(Highlighted("\n".join(shown_lines), language=LANGUAGES.get(path.suffix, "text"), summary=summary))


def edit_file(path: Path | str, old: str, new: str) -> None:
    """Replace the text ``old`` by ``new`` in a file, as you would in an editor, and show the diff.

    Running it again once the edit is made does nothing and says so.
    """
    path = Path(path).resolve()
    before = path.read_text(encoding="utf-8")
    if new in before:
        print(f"{workspace.shown(path)} already has this edit: nothing to do.")
        return
    if old not in before:
        raise ValueError(
            f"The text to replace is not in {workspace.shown(path)}. Was the file changed by hand? "
            "Run the notebook's first code cell to start this notebook's project again "
            "(your files are backed up first)."
        )
    after = before.replace(old, new, 1)
    path.write_text(after, encoding="utf-8")
    show_diff(before, after, path)


def show_diff(before: str, after: str, path: Path) -> None:
    """Show the change from ``before`` to ``after`` as a highlighted unified diff."""
    name = workspace.shown(path).split("/", 2)[-1]
    diff = difflib.unified_diff(
        before.splitlines(), after.splitlines(), f"a/{name}", f"b/{name}", n=2, lineterm=""
    )
    display(Highlighted("\n".join(diff), language="diff"))


def _link(path: Path) -> HTML:
    name = html.escape(workspace.shown(path))
    if inbrowser.IN_BROWSER:  # the project is in the kernel's memory, not in the file browser
        return HTML(f"{name} (in the kernel's memory: <code>tutorial.download_project()</code> saves it)")
    return HTML(f'<a href="{html.escape(workspace.link(path))}" target="_blank">{name}</a> (opens in the editor)')
