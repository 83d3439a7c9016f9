"""The migration explorer: one widget to move a project's database between revisions and watch what changes.

In any notebook, once its first cell has opened the project folder::

    from tutorial.explorer import MigrationExplorer
    MigrationExplorer()

It shows the revision graph with the database's revision marked, the database's tables and
columns (SQLAlchemy's inspector), what autogenerate would find between the models and the
database (Alembic's ``compare_metadata``, through the project's ``env.py``), and a log of every
command its buttons ran, as you would type it, with Alembic's output. The buttons run the very
commands of a ``%%terminal`` cell: ``alembic upgrade <revision>``, ``alembic downgrade -1``...

Whatever goes wrong (no project, no database, a migration that fails) is said in a banner, in plain
words, never as a traceback. Everything shown lives in widget state: nothing is printed, so the
notebook's stored outputs stay the same from run to run.
"""

from __future__ import annotations

import contextlib
import html
import io
from pathlib import Path

import ipywidgets as widgets

from . import graph, inspection, magics, terminal

LOG_LENGTH = 12  # commands kept in the log
BOX = "border:1px solid #bdbdbd;border-radius:4px;padding:4px 8px;margin:2px 0"


class MigrationExplorer(widgets.VBox):
    """A project's revisions, database and models side by side, with buttons that migrate the database.

    :param folder: the project folder, the one holding ``alembic.ini`` (the current folder by default:
        the notebook's project, once its first cell ran).
    """

    def __init__(self, folder: Path | str = "."):
        self.folder = Path(folder).resolve()
        self.commands: list[tuple[str, str, str | None]] = []  # (command, output, error)
        self.problem: str | None = None
        self.history: graph.RevisionGraph | None = None
        self.tables: dict[str, inspection.TableInfo] = {}
        self.diffs: list[str] | None = None

        self.title = widgets.HTML()
        self.banner = widgets.HTML()
        self.target = widgets.Dropdown(description="Revision:", layout=widgets.Layout(width="32em"))
        self.upgrade_button = widgets.Button(description="upgrade to", icon="arrow-up", tooltip="alembic upgrade <revision>")
        self.downgrade_button = widgets.Button(description="downgrade to", icon="arrow-down", tooltip="alembic downgrade <revision>")
        self.step_up_button = widgets.Button(description="upgrade +1", tooltip="alembic upgrade +1")
        self.step_down_button = widgets.Button(description="downgrade -1", tooltip="alembic downgrade -1")
        self.refresh_button = widgets.Button(description="refresh", icon="refresh", tooltip="alembic current, and read everything again")
        self.graph_view = widgets.Output(layout=widgets.Layout(width="22em"))
        self.schema_view = widgets.HTML()
        self.diff_view = widgets.HTML()
        self.log_view = widgets.HTML()

        self.upgrade_button.on_click(lambda _: self.upgrade())
        self.downgrade_button.on_click(lambda _: self.downgrade())
        self.step_up_button.on_click(lambda _: self.upgrade("+1"))
        self.step_down_button.on_click(lambda _: self.downgrade("-1"))
        self.refresh_button.on_click(lambda _: self.refresh())
        buttons = [self.upgrade_button, self.downgrade_button, self.step_down_button, self.step_up_button, self.refresh_button]
        for button in buttons:
            button.layout = widgets.Layout(width="auto")

        super().__init__(
            [
                self.title,
                self.banner,
                widgets.HBox([self.target, *buttons], layout=widgets.Layout(flex_flow="row wrap")),
                widgets.HBox(
                    [
                        widgets.VBox(
                            [widgets.HTML("<b>Revisions</b> (the database's is highlighted)"), self.graph_view],
                            layout=widgets.Layout(flex="0 0 auto", margin="0 16px 0 0"),
                        ),
                        widgets.VBox(
                            [widgets.HTML("<b>The database's tables</b>"), self.schema_view],
                            layout=widgets.Layout(flex="1 1 24em"),
                        ),
                    ],
                    layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start"),
                ),
                widgets.HTML("<b>Models compared with the database</b> (what autogenerate would find)"),
                self.diff_view,
                widgets.HTML("<b>Commands run</b> (as you would type them in a terminal)"),
                self.log_view,
            ]
        )
        self._read()

    # ------------------------------------------------------------------ what the buttons do

    def upgrade(self, target: str | None = None) -> None:
        """Run ``alembic upgrade <target>`` (the revision chosen in the list by default), then read again."""
        self.run(f"alembic upgrade {target or self.target.value}")

    def downgrade(self, target: str | None = None) -> None:
        """Run ``alembic downgrade <target>`` (the revision chosen in the list by default), then read again."""
        self.run(f"alembic downgrade {target or self.target.value}")

    def refresh(self) -> None:
        """Ask ``alembic current`` where the database stands, and read everything again."""
        self.run("alembic current")

    def run(self, command: str) -> None:
        """Run ``command`` as a ``%%terminal`` cell would, log it with its output, and read everything again."""
        before = self.current
        captured = io.StringIO()
        error = None
        try:
            with contextlib.redirect_stdout(captured):
                magics.run(command, self.folder)
        except terminal.CommandFailed as failure:
            error = failure.message + (f"\nHint: {failure.hint}" if failure.hint else "")
        except Exception as failure:  # never a bare traceback: say what happened
            error = f"{type(failure).__name__}: {failure}"
        output = captured.getvalue()
        self._read(failed=f"`{command}` failed: {error.splitlines()[0]}" if error else None)
        verb = command.split()[1]
        if error is None and verb in ("upgrade", "downgrade") and self.current == before and self.history is not None:
            output += (
                "(The database did not move: "
                + ("upgrade only goes forward; to go back, use downgrade.)\n" if verb == "upgrade"
                   else "downgrade only goes back; to go forward, use upgrade.)\n")
            )
        self.commands = [*self.commands, (command, output, error)][-LOG_LENGTH:]
        self.log_view.value = self._log_html()

    # ------------------------------------------------------------------ what it shows

    @property
    def current(self) -> tuple[str, ...]:
        """The revisions the database is at, as last read (empty at ``base`` or with no database)."""
        return self.history.current if self.history else ()

    def _read(self, failed: str | None = None) -> None:
        """Read the project again (revisions, database, models) and update every view."""
        problems = [failed] if failed else []
        self.history, self.tables, self.diffs = None, {}, None
        try:
            self.history = graph.revision_graph(self.folder)
        except Exception as error:
            problems.append(self._explain(error))
        else:
            try:
                self.tables = inspection.schema(self.folder)
            except inspection.ProjectProblem as error:
                problems.append(str(error))
            else:
                try:
                    self.diffs = [inspection.describe(diff) for diff in inspection.differences(self.folder)]
                except inspection.ProjectProblem as error:
                    problems.append(f"Alembic cannot compare your models with the database: {error}")
        self.problem = "\n".join(problems) or None
        self._show()

    def _explain(self, error: Exception) -> str:
        try:
            inspection.script_directory(self.folder)
        except inspection.ProjectProblem as problem:
            return str(problem)
        return f"{type(error).__name__}: {error}"

    def _show(self) -> None:
        where = html.escape(inspection.shown(self.folder))
        self.title.value = f"<b>Migration explorer</b> · <code>{where}</code> · {html.escape(self._position())}"
        self.banner.value = (
            f'<div style="{BOX};border-color:#c62828;background:#ffebee;white-space:pre-wrap">'
            f"<b>Something is wrong:</b> {html.escape(self.problem)}</div>"
            if self.problem else ""
        )
        usable = self.history is not None
        for control in (self.target, self.upgrade_button, self.downgrade_button, self.step_up_button, self.step_down_button):
            control.disabled = not usable
        chosen = self.target.value
        self.target.options = self._choices()
        values = [value for _, value in self.target.options]
        self.target.value = chosen if chosen in values else "head"
        self.graph_view.outputs = ()
        if self.history is not None:  # Markdown: JupyterLab draws its mermaid block, even inside a widget
            self.graph_view.outputs = (
                {
                    "output_type": "display_data",
                    "data": {"text/markdown": self.history._repr_markdown_(), "text/plain": self.history.text()},
                    "metadata": {},
                },
            )
        self.schema_view.value = self._schema_html()
        self.diff_view.value = self._diff_html()
        self.log_view.value = self._log_html()

    def _position(self) -> str:
        if self.history is None:
            return "no Alembic project"
        if not self.tables and not self.current and self.problem:
            return "no database"
        if not self.current:
            return "database at base (no revision applied)"
        heads = set(self.history.heads)
        at = ", ".join(f"{revision} (head)" if revision in heads else revision for revision in self.current)
        behind = "" if set(self.current) == heads else ": not at the head"
        return f"database at {at}{behind}"

    def _choices(self) -> list[tuple[str, str]]:
        if self.history is None:
            return [("head", "head")]
        choices = [("head", "head")]
        for revision in reversed(self.history.revisions):
            marks = [label for label in self.history.labels(revision) if label == "head"]
            if revision.id in self.current:
                marks.append("database")
            suffix = f"  ({', '.join(marks)})" if marks else ""
            choices.append((f"{revision.id}  {revision.message}{suffix}", revision.id))
        choices.append(("base  (before the first revision)" + ("  (database)" if not self.current else ""), "base"))
        return choices

    def _schema_html(self) -> str:
        if not self.tables:
            return "<i>No tables.</i>" if self.diffs is not None else "<i>Nothing to show.</i>"
        rows = []
        for table in self.tables.values():
            indexed = {column for _, columns, _ in table.indexes for column in columns}
            columns = ", ".join(
                f"{html.escape(name)} <small>{html.escape(kind)}{'' if nullable else ' NOT NULL'}"
                f"{' · indexed' if name in indexed else ''}</small>"
                for name, kind, nullable in table.columns
            )
            note = " <small>(Alembic's own)</small>" if table.name == "alembic_version" else ""
            rows.append(f"<tr><td style='vertical-align:top;padding-right:8px'><b>{html.escape(table.name)}</b>{note}</td><td>{columns}</td></tr>")
        return f"<table>{''.join(rows)}</table>"

    def _diff_html(self) -> str:
        if self.diffs is None:
            return "<i>Not compared.</i>"
        if not self.diffs:
            return '<div style="color:#2e7d32">No difference: the database matches the models.</div>'
        items = "".join(f"<li>{html.escape(diff)}</li>" for diff in self.diffs)
        heads = set(self.history.heads) if self.history else set()
        note = (
            "The database is not at the head: <code>alembic upgrade head</code> applies the revisions you have "
            "(autogenerate refuses to write a new one until then)."
            if self.current and set(self.current) != heads or (not self.current and heads)
            else "No revision does this yet: <code>alembic revision --autogenerate -m \"...\"</code> would write one."
        )
        return f"<ul style='margin:2px 0'>{items}</ul><div><small>{note}</small></div>"

    def _log_html(self) -> str:
        if not self.commands:
            return "<i>No command yet: use the buttons above.</i>"
        entries = []
        for command, output, error in self.commands:
            text = f"$ {html.escape(command)}\n{html.escape(output)}"
            if error:
                text += f'<span style="color:#c62828">{html.escape(error)}</span>\n'
            entries.append(text)
        return f'<pre style="{BOX};max-height:20em;overflow:auto;margin:0">{"".join(entries)}</pre>'

    # ------------------------------------------------------------------ as text (stored outputs, plain viewers)

    def text(self) -> str:
        """What the explorer shows, in plain text."""
        lines = [f"Migration explorer: {inspection.shown(self.folder)}, {self._position()}"]
        if self.problem:
            lines.append(f"Something is wrong: {self.problem}")
        if self.history is not None:
            lines += self.history.text().splitlines()
        if self.tables:
            lines.append("Tables: " + "; ".join(
                f"{table.name} ({', '.join(column[0] for column in table.columns)})" for table in self.tables.values()
            ))
        if self.diffs is not None:
            lines.append("Models compared with the database: " + ("; ".join(self.diffs) or "no difference"))
        for command, output, error in self.commands:
            lines.append(f"$ {command}")
            lines += (output + (error or "")).splitlines()
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.text()

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = self.text()
        return bundle


def open(folder: Path | str = ".") -> MigrationExplorer:  # noqa: A001  (reads as "open the explorer")
    """Open the migration explorer on the project in ``folder`` (the current folder by default)."""
    return MigrationExplorer(folder)
