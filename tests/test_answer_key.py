"""The answer key: every registered exercise, solved by its solution files, gets a pass from its checker.

For each exercise of ``EXERCISES``, as a learner would do it: a fresh kernel runs the notebook's
code cells that come before its ``## Your turn`` heading (``## Your task`` in 05), then the exercise's solution files
(``notebooks/solutions/<prefix>*``) in order, each as a cell (what ``%load`` puts in one), then
the checker on the project folder; the report must pass. One test per exercise, so that the
workers share them out.
"""

from __future__ import annotations

import os
import re
import sys

import nbformat
import pytest

from support.paths import NOTEBOOKS, REPOSITORY
from tutorial import exercises, servers

sys.path.insert(0, str(REPOSITORY / "tools"))
from execute_notebooks import run_cells  # noqa: E402

SOLUTIONS = NOTEBOOKS / "solutions"
REPORT_MARK = "ANSWER KEY REPORT"
EXERCISE_HEADING = re.compile(r"^## Your (turn|task)\b", re.MULTILINE)  # 05, the capstone, says "Your task"


def lesson_cells(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """The code cells before the ``## Your turn`` heading (the lesson), without their outputs."""
    cells = []
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and EXERCISE_HEADING.search(cell.source):
            return cells
        if cell.cell_type == "code":
            cells.append(nbformat.v4.new_code_cell(cell.source, metadata=cell.metadata))
    raise AssertionError("the notebook has no `## Your turn` heading")


def check_cell(notebook: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(
        "from tutorial import exercises\n"
        f"report = exercises.EXERCISES[{notebook!r}].check('.')\n"
        f"print({REPORT_MARK!r})\n"
        "print(report.text())\n"
        "print(report.passed)"
    )


@pytest.mark.parametrize("name", list(exercises.EXERCISES))
def test_the_solution_passes_its_checker(name):
    exercise = exercises.EXERCISES[name]
    path = NOTEBOOKS / f"{exercise.notebook}.ipynb"
    server = servers.NOTEBOOKS_ON_A_SERVER.get(exercise.notebook)
    if server and os.environ.get(f"TUTORIAL_REQUIRE_{server.upper()}") != "1":
        reason = servers.unreachable(server)
        if reason:
            pytest.skip(f"{path.name} needs this server: {reason}")
    solutions = sorted(SOLUTIONS.glob(f"{exercise.solutions}*"))
    assert path.is_file(), f"{name}: no notebook {path.name}"
    assert solutions, f"{name}: no solution file {exercise.solutions}* in notebooks/solutions"

    notebook = nbformat.v4.new_notebook()
    notebook.cells = lesson_cells(nbformat.read(path, as_version=4))
    notebook.cells += [nbformat.v4.new_code_cell(file.read_text(encoding="utf-8")) for file in solutions]
    notebook.cells.append(check_cell(name))
    run_cells(notebook, NOTEBOOKS)

    printed = "".join(output.get("text", "") for output in notebook.cells[-1].outputs if output.output_type == "stream")
    report = printed.split(REPORT_MARK + "\n", 1)[-1]
    assert report.rstrip().endswith("True"), f"{name}: the solution does not pass its checker:\n{report}"
    assert "All done!" in report, report
