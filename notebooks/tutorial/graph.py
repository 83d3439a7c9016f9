"""A picture of a project's revision graph, read from Alembic itself, with the database's position marked.

In a notebook::

    from tutorial import graph
    graph.revision_graph()

shows the graph as a Mermaid diagram (JupyterLab draws it), oldest revision at
the bottom, newest at the top, as ``alembic history`` lists them. The revisions
the database is at (its rows in ``alembic_version``) are highlighted and linked
to a *database* node; when no revision is applied, the *base* node is.

The revisions come from Alembic's ``ScriptDirectory`` (the files in
``alembic/versions``), the database's position from Alembic's
``MigrationContext``: nothing here parses a command's output. Only
``down_revision`` links are drawn (``depends_on`` is left out).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import inspection

BASE = "base"


@dataclass(frozen=True)
class Revision:
    """One revision file: its id, its message, and the revisions it comes after (``base`` for the first)."""

    id: str
    message: str
    parents: tuple[str, ...]


@dataclass(frozen=True)
class RevisionGraph:
    """The revisions of a project, oldest first, and where its database stands.

    :param revisions: every revision, parents before children (ties: by message, then id).
    :param current: the revisions the database is at; empty when none is applied (it is at ``base``).
    """

    revisions: tuple[Revision, ...]
    current: tuple[str, ...]

    @property
    def ids(self) -> list[str]:
        """The revision ids, oldest first."""
        return [revision.id for revision in self.revisions]

    @property
    def edges(self) -> list[tuple[str, str]]:
        """``(parent, child)`` pairs, ``parent`` being ``"base"`` for a first revision."""
        return [(parent, revision.id) for revision in self.revisions for parent in revision.parents]

    @property
    def heads(self) -> list[str]:
        """The revisions no other revision comes after."""
        parents = {parent for parent, _ in self.edges}
        return [revision.id for revision in self.revisions if revision.id not in parents]

    @property
    def marked(self) -> list[str]:
        """The nodes marked as the database's position: the current revisions, or ``["base"]``."""
        return list(self.current) if self.current else [BASE]

    @property
    def unknown_current(self) -> list[str]:
        """Revisions the database records but no revision file has."""
        known = set(self.ids)
        return [revision for revision in self.current if revision not in known]

    def labels(self, revision: Revision) -> list[str]:
        """Alembic's words for a revision's place in the graph: head, branchpoint, mergepoint."""
        children = sum(1 for parent, _ in self.edges if parent == revision.id)
        labels = []
        if children == 0:
            labels.append("head")
        if children > 1:
            labels.append("branchpoint")
        if len(revision.parents) > 1:
            labels.append("mergepoint")
        return labels

    def mermaid(self) -> str:
        """The graph as a Mermaid flowchart, base at the bottom, heads at the top."""
        lines = ["flowchart BT", f'    {BASE}(("{BASE}"))']
        for revision in self.revisions:
            title = revision.id + "".join(f" ({label})" for label in self.labels(revision))
            lines.append(f'    {_node(revision.id)}["{_escape(title)}<br>{_escape(revision.message)}"]')
        for revision in self.unknown_current:
            lines.append(f'    {_node(revision)}["{_escape(revision)}<br>(no revision file)"]')
        for parent, child in self.edges:
            lines.append(f"    {_node(parent)} --> {_node(child)}")
        lines.append('    database[("database")]')
        for node in self.marked:
            lines.append(f"    {_node(node)} -.- database")
        lines.append("    classDef current fill:#ffe08a,stroke:#b7791f,stroke-width:3px")
        lines.append(f"    class {','.join(_node(node) for node in self.marked)} current")
        return "\n".join(lines)

    def text(self) -> str:
        """The graph in plain text, newest first, ``*`` where the database is."""
        order = {revision_id: index for index, revision_id in enumerate([BASE, *self.ids])}
        rows = []
        for revision in reversed(self.revisions):
            title = revision.id + "".join(f" ({label})" for label in self.labels(revision))
            parents = ", ".join(sorted(revision.parents, key=lambda parent: order.get(parent, -1)))
            rows.append((revision.id in self.current, title, revision.message, parents))
        for revision in self.unknown_current:
            rows.insert(0, (True, revision, "(no revision file)", "?"))
        title_width = max((len(row[1]) for row in rows), default=0)
        message_width = max((len(row[2]) for row in rows), default=0)
        lines = ["Revisions, newest first (* = the database is here):"]
        for is_current, title, message, parents in rows:
            marker = "*" if is_current else " "
            lines.append(f"{marker} {title:<{title_width}}  {message:<{message_width}}  <- {parents}")
        lines.append(f"{'*' if not self.current else ' '} {BASE}")
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        return f"```mermaid\n{self.mermaid()}\n```"

    def __repr__(self) -> str:
        return self.text()


def revision_graph(folder: Path | str = ".") -> RevisionGraph:
    """Read the revision graph of the Alembic project in ``folder``, and where its database stands.

    :param folder: the project folder, the one holding ``alembic.ini`` (the current folder by default).
    """
    folder = Path(folder).resolve()
    script = inspection.script_directory(folder)
    revisions = [
        Revision(item.revision, item.doc or "", _parents(item.down_revision)) for item in script.walk_revisions()
    ]
    current = _current_revisions(folder)
    return RevisionGraph(tuple(_oldest_first(revisions)), current)


def _parents(down_revision) -> tuple[str, ...]:
    if down_revision is None:
        return (BASE,)
    if isinstance(down_revision, str):
        return (down_revision,)
    return tuple(down_revision)


def _oldest_first(revisions: list[Revision]) -> list[Revision]:
    """Parents before children; revisions as far from base are ordered by message, then id."""
    by_id = {revision.id: revision for revision in revisions}
    depth: dict[str, int] = {BASE: 0}

    def depth_of(revision_id: str) -> int:
        if revision_id not in depth:
            parents = by_id[revision_id].parents if revision_id in by_id else ()
            depth[revision_id] = 1 + max((depth_of(parent) for parent in parents), default=0)
        return depth[revision_id]

    return sorted(revisions, key=lambda revision: (depth_of(revision.id), revision.message, revision.id))


def _current_revisions(folder: Path) -> tuple[str, ...]:
    """The rows of ``alembic_version``, read by Alembic; empty if there is no database yet."""
    try:
        return inspection.current_revisions(folder)
    except inspection.NoDatabaseYet:
        return ()


def _node(revision_id: str) -> str:
    """A Mermaid node id: revision ids may start with a digit, so every one gets a prefix."""
    return BASE if revision_id == BASE else "r_" + "".join(c if c.isalnum() else "_" for c in revision_id)


def _escape(text: str) -> str:
    """Text safe inside a quoted Mermaid label."""
    text = text.replace("#", "#35;")
    return text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
