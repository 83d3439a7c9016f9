"""What every exercise of ``tutorial.exercises.EXERCISES`` promises, one test of each kind per exercise.

- its solution files (``notebooks/solutions/<prefix>*``) exist, and its notebook offers each of them (a ``%load``
  line, or the file's name in backquotes);
- the stored notebook shows the exercise unsolved: one "Check my work" button, in the exercise's section, and every
  report of its checker says "Not done yet";
- the answer key, as a learner would do it: a fresh kernel runs the notebook's lesson (the code cells before its
  ``## Your turn``, by the rule of :mod:`support.lessons`), where the checker must read *not started*; then the
  solution files in order, each as a cell (what ``%load`` puts in one), after which the report must pass. One
  kernel run per exercise, so that the workers share them out.
"""

from __future__ import annotations

import os
import re

import nbformat
import pytest

from support.lessons import EXERCISE_HEADING, lesson_cells, solution_files
from support.paths import NOTEBOOKS
from tutorial import exercises, servers
from tutorial.devtools.kernel_runs import run_cells

LOAD = re.compile(r"%load \.\./\.\./notebooks/solutions/([\w.]+)")
SOLUTION_NAME = re.compile(r"`(\d\d_\w+\.(?:py|ipy))`")
REPORT_MARK = "EXERCISE CONTRACT REPORT"
EVERY_EXERCISE = pytest.mark.parametrize("name", list(exercises.EXERCISES))


def cells_of(name: str) -> list[nbformat.NotebookNode]:
    return nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4).cells


def plain_text(cell: nbformat.NotebookNode) -> str:
    return "".join(output.get("data", {}).get("text/plain", "") for output in cell.outputs)


@EVERY_EXERCISE
def test_the_solution_files_exist_and_the_notebook_offers_them(name):
    exercise = exercises.EXERCISES[name]
    files = {path.name for path in solution_files(exercise.solutions)}
    assert files, f"{name}: no solution file {exercise.solutions}* in notebooks/solutions"
    text = "\n".join(cell.source for cell in cells_of(name))
    assert set(LOAD.findall(text)) | set(SOLUTION_NAME.findall(text)) == files


@EVERY_EXERCISE
def test_the_stored_notebook_leaves_the_exercise_unsolved(name):
    check = exercises.EXERCISES[name].check.__name__
    cells = cells_of(name)
    buttons = [cell for cell in cells if f"exercises.button(exercises.{check})" in cell.source]
    assert len(buttons) == 1, f"{name} has no cell, or more than one, with the exercise's button"
    heading = next(index for index, cell in enumerate(cells) if cell.cell_type == "markdown" and EXERCISE_HEADING.search(cell.source))
    summary = next(index for index, cell in enumerate(cells) if cell.source.startswith("## Summary"))
    assert heading < cells.index(buttons[0]) < summary
    for cell in [cell for cell in cells if check in cell.source]:
        text = plain_text(cell)
        assert text.startswith("Check my work:"), text
        assert "Not done yet" in text, f"{name}: the stored notebook shows the exercise solved:\n{text}"


def report_cell(name: str) -> nbformat.NotebookNode:
    """A cell that prints the checker's report on the project folder, then whether it passed or reads not started."""
    return nbformat.v4.new_code_cell(
        "from tutorial import exercises, progress\n"
        f"report = exercises.EXERCISES[{name!r}].check('.')\n"
        f"print({REPORT_MARK!r})\n"
        "print(report.text())\n"
        "print('passed' if report.passed else 'not started' if progress.not_started(report) else 'started')"
    )


def printed_report(cell: nbformat.NotebookNode) -> tuple[str, str]:
    """The report a :func:`report_cell` printed, and its last line (``passed``, ``not started`` or ``started``)."""
    printed = "".join(output.get("text", "") for output in cell.outputs if output.output_type == "stream")
    report = printed.split(REPORT_MARK + "\n", 1)[-1].rstrip()
    return report, report.rsplit("\n", 1)[-1]


@EVERY_EXERCISE
def test_the_lesson_alone_is_not_started_and_the_solution_passes(name):
    exercise = exercises.EXERCISES[name]
    server = servers.NOTEBOOKS_ON_A_SERVER.get(exercise.notebook)
    if server and os.environ.get(f"TUTORIAL_REQUIRE_{server.upper()}") != "1":
        reason = servers.unreachable(server)
        if reason:
            pytest.skip(f"{exercise.notebook} needs this server: {reason}")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [*lesson_cells(exercise.notebook), report_cell(name)]
    after_lesson = notebook.cells[-1]
    notebook.cells += [nbformat.v4.new_code_cell(file.read_text(encoding="utf-8")) for file in solution_files(exercise.solutions)]
    notebook.cells.append(report_cell(name))
    run_cells(notebook, NOTEBOOKS)

    report, verdict = printed_report(after_lesson)
    assert verdict == "not started", f"{name}: the lesson alone does not leave the exercise not started:\n{report}"
    report, verdict = printed_report(notebook.cells[-1])
    assert verdict == "passed" and "All done!" in report, f"{name}: the solution does not pass its checker:\n{report}"


@EVERY_EXERCISE
def test_a_mistake_test_asserts_on_the_exercise_s_finding_ids(name):
    """Tests name a finding by its id ("04.revision.no-index"), not by its English, which may be reworded."""
    number = exercises.EXERCISES[name].number
    tests = "\n".join(path.read_text(encoding="utf-8") for path in (NOTEBOOKS.parent / "tests").glob("test_exercises*.py"))
    ids = set(re.findall(rf"""["']({number}\.[a-z][\w.-]*)["']""", tests))
    assert ids - {f"{number}.step{step}.waiting" for step in range(1, 10)}, (
        f"{name}: no test in tests/test_exercises*.py asserts on one of its findings' ids ({number}.…)"
    )
