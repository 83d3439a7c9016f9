"""Rewrite a whole function of a file (``upgrade()`` of a revision, say), as in an editor, and show the diff.

``edit_file`` needs the exact text to replace. A generated revision's text
can differ a little from one database to another (PostgreSQL adds
``autoincrement=False`` to some columns), so for a hand-written ``upgrade()``
or ``downgrade()`` it is simpler to give the whole new function.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from . import display, workspace

DEF_LINE = re.compile(r"^def (\w+)\(")


def function(path: Path | str, new_source: str) -> None:
    """Replace, in the file ``path``, the top-level function that ``new_source`` defines, and show the diff.

    :param path: the file, e.g. a revision in ``alembic/versions``.
    :param new_source: the whole new function, from its ``def`` line; the name says which function it replaces.
    :raises ValueError: ``new_source`` defines no function, or the file has no function of that name.

    The old function runs from its ``def`` line to the last indented line before
    the next top-level line, its comments included. Running it again once the
    function is rewritten does nothing and says so.
    """
    path = Path(path).resolve()
    new_lines = textwrap.dedent(new_source).strip("\n").splitlines()
    match = DEF_LINE.match(new_lines[0]) if new_lines else None
    if match is None:
        raise ValueError("new_source must start with the function's `def` line, e.g. `def upgrade() -> None:`")
    before = path.read_text(encoding="utf-8")
    lines = before.splitlines()
    start, end = _span(lines, match.group(1), path)
    if lines[start:end] == new_lines:
        print(f"{workspace.shown(path)} already has this edit: nothing to do.")
        return
    after = "\n".join(lines[:start] + new_lines + lines[end:]) + "\n"
    path.write_text(after, encoding="utf-8")
    display.show_diff(before, after, path)


def _span(lines: list[str], name: str, path: Path) -> tuple[int, int]:
    """The first line of function ``name`` and the line after its last non-blank line."""
    starts = [number for number, line in enumerate(lines) if DEF_LINE.match(line) and DEF_LINE.match(line).group(1) == name]
    if not starts:
        raise ValueError(f"{workspace.shown(path)} has no top-level function `{name}()`.")
    start = starts[0]
    end = start + 1
    for number in range(start + 1, len(lines)):
        line = lines[number]
        if line.strip() and not line[0].isspace():
            break
        if line.strip():
            end = number + 1
    return start, end
