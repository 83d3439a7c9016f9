"""My progress: every notebook's exercise checked on your workspace, in one table.

Each exercise of :data:`tutorial.exercises.EXERCISES` is checked on its notebook's project folder in
the workspace and counts as *done* (its checker passes), *not started* (no project folder yet, or
every check of its first step fails) or *started, not right yet*, with the first thing still to do.
In a notebook::

    from tutorial import progress
    progress.table()

In a terminal, from the repository's root: ``make progress``; ``cd notebooks && python -m tutorial.progress
--json`` prints the same rows as JSON (what a teacher's class view on a hub reads, ``lab/progress_endpoint.py``).
In the browser, where each notebook's project lives in the memory of its own kernel, the table says so instead.
"""

from __future__ import annotations

import html
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from . import exercises, inbrowser, workspace

DONE, NOT_STARTED, WRONG = "done", "not started", "started, not right yet"
MARKS = {DONE: "✓", NOT_STARTED: "·", WRONG: "✗"}
COLORS = {DONE: "#2e7d32", NOT_STARTED: "#616161", WRONG: "#b26a00"}
# What the table says in the browser, where no notebook's kernel can read another's memory.
ELSEWHERE = (
    "In the browser, each notebook's project lives in the memory of that notebook's own Python, which this "
    "notebook cannot read. Each notebook's Your turn has a Check my work button: it checks the exercise there."
)


@dataclass
class Row:
    """One exercise's line in the table: where the learner stands, and what to do next."""

    exercise: exercises.Exercise
    state: str
    to_do: str  # empty when done
    finding: str = ""  # the id of the first finding still to do ("04.revision.empty"), if it has one


def row(exercise: exercises.Exercise, root: Path | None = None) -> Row:
    """Check ``exercise`` on its project folder in the workspace (``root``, by default the learner's)."""
    folder = (root or workspace.root()) / exercise.notebook
    number = exercise.notebook.split("-")[0]
    if not folder.is_dir():
        return Row(exercise, NOT_STARTED, f"Open notebook {number} and run it from the top: its project folder does not exist yet.")
    try:
        report = exercise.check(folder)
    except Exception as error:  # a project so broken that its checker cannot read it
        return Row(exercise, WRONG, f"The check could not read your project ({type(error).__name__}: {error}): run notebook {number} again.")
    if report.passed:
        return Row(exercise, DONE, "")
    first = (report.to_do or report.waiting)[0]
    return Row(exercise, NOT_STARTED if not_started(report) else WRONG, first.text, first.id)


def not_started(report: exercises.Report) -> bool:
    """A failed report counts as *not started* when every finding of its first checked step fails."""
    first = min((finding.step for finding in report.findings if not finding.waiting), default=None)
    first_step = [finding for finding in report.findings if finding.step == first]
    return bool(first_step) and not any(finding.ok for finding in first_step)


def rows(root: Path | None = None) -> list[Row]:
    """Every registered exercise's row, in the order of the series."""
    return [row(exercise, root) for exercise in exercises.EXERCISES.values()]


@dataclass
class Progress:
    """The table of :func:`rows`; shown as HTML in a notebook and as text in a terminal."""

    rows: list[Row]
    elsewhere: bool = False  # in the browser: the projects are out of reach (ELSEWHERE)

    def counts(self) -> str:
        done = sum(row.state == DONE for row in self.rows)
        wrong = sum(row.state == WRONG for row in self.rows)
        return f"{done} of {len(self.rows)} exercises done, {wrong} started and not right yet."

    def text(self) -> str:
        if self.elsewhere:
            return ELSEWHERE
        width = max((len(row.exercise.notebook) for row in self.rows), default=8)
        lines = [f"My progress: {self.counts()}"]
        for row in self.rows:
            line = f"{MARKS[row.state]} {row.exercise.notebook:<{width}}  {row.state:<{len(WRONG)}}"
            lines.append(f"{line}  {row.to_do}".rstrip())
        return "\n".join(lines)

    def html(self) -> str:
        if self.elsewhere:
            return f"<div><b>My progress:</b> {html.escape(ELSEWHERE)}</div>"
        cells = "".join(
            f"<tr><td style='text-align:left'><a href='{row.exercise.notebook}.ipynb'>{html.escape(row.exercise.notebook)}</a></td>"
            f"<td style='text-align:left'>{html.escape(row.exercise.title)}</td>"
            f"<td style='text-align:left;color:{COLORS[row.state]}'><b>{MARKS[row.state]} {row.state}</b></td>"
            f"<td style='text-align:left'>{exercises._code(row.to_do)}</td></tr>"
            for row in self.rows
        )
        head = "".join(f"<th style='text-align:left'>{name}</th>" for name in ("notebook", "exercise", "state", "what to do"))
        return f"<div><b>My progress:</b> {html.escape(self.counts())}<table><tr>{head}</tr>{cells}</table></div>"

    def as_json(self) -> str:
        """One object per exercise: its notebook, its title, its state, what to do and the finding's id."""
        return json.dumps([
            {"notebook": row.exercise.notebook, "title": row.exercise.title, "state": row.state,
             "to_do": row.to_do, "finding": row.finding}
            for row in self.rows
        ], ensure_ascii=False)

    def __repr__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        return self.html()


def table(root: Path | None = None) -> Progress:
    """Every exercise checked on the workspace (``root``, by default the learner's), as one table."""
    if inbrowser.IN_BROWSER and root is None:
        return Progress([], elsewhere=True)
    return Progress(rows(root))


def main(arguments: list[str]) -> int:
    """``make progress``: print the table, for a terminal; with ``--json``, as JSON."""
    print(table().as_json() if "--json" in arguments else table().text())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
