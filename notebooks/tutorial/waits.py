"""A picture of who waits for whom on a database, from rows the learner read in ``pg_stat_activity``.

In a notebook::

    rows = site.sql(QUEUE)            # (who, state, waiting for, query) per session
    waits.table(rows)                 # the rows, as psql would print them
    waits.picture(rows)               # a Mermaid graph: an arrow from each waiting session to its blocker

Nothing here queries the database: the SQL stays in the notebook, where the learner reads it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WaitGraph:
    """Sessions, and who waits for whom: ``(waiting, blocker)`` pairs."""

    sessions: tuple[str, ...]
    waits: tuple[tuple[str, str], ...]

    def mermaid(self) -> str:
        lines = ["graph RL"]
        for session in self.sessions:
            lines.append(f'    {_node(session)}["{session}"]')
        for waiting, blocker in self.waits:
            lines.append(f"    {_node(waiting)} -->|waits for| {_node(blocker)}")
        blocked = {waiting for waiting, _ in self.waits}
        for session in self.sessions:
            if session in blocked:
                lines.append(f"    style {_node(session)} fill:#fde2e1,stroke:#c0392b")
        return "\n".join(lines)

    def text(self) -> str:
        if not self.waits:
            return "nobody waits"
        return "\n".join(f"{waiting} waits for {blocker}" for waiting, blocker in self.waits)

    def _repr_markdown_(self) -> str:
        return f"```mermaid\n{self.mermaid()}\n```"

    def __repr__(self) -> str:
        return self.text()


def picture(rows, who: int = 0, blockers: int = 2) -> WaitGraph:
    """The wait graph of ``rows``: column ``who`` names a session, column ``blockers`` lists who it waits for."""
    sessions = tuple(row[who] for row in rows)
    waits = tuple((row[who], blocker) for row in rows for blocker in (row[blockers] or []))
    return WaitGraph(sessions, waits)


def table(rows, headers: tuple[str, ...]) -> None:
    """Print ``rows`` under ``headers``, in columns, as ``psql`` does."""
    cells = [[_cell(value) for value in row] for row in rows]
    widths = [max([len(header)] + [len(row[index]) for row in cells]) for index, header in enumerate(headers)]
    print(" | ".join(header.ljust(width) for header, width in zip(headers, widths)).rstrip())
    print("-+-".join("-" * width for width in widths))
    for row in cells:
        print(" | ".join(value.ljust(width) for value, width in zip(row, widths)).rstrip())


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "{" + ",".join(str(item) for item in value) + "}"
    return str(value)


def _node(name: str) -> str:
    return "s_" + "".join(character if character.isalnum() else "_" for character in name)
