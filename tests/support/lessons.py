"""A notebook's lesson (its code cells before ``## Your turn``), and its exercise's solution files after it.

One rule, for every test that starts where a learner starts an exercise: a cell tagged ``raises-exception`` runs
and may raise (it is meant to); a cell tagged ``nbval-skip`` is left out, as the notebook test leaves it out; any
other cell that raises fails the test. :func:`run_lesson` runs the lesson in an IPython shell of the test process;
:func:`lesson_cells` gives the same cells to a kernel of its own (``tests/test_exercise_contract.py``).
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path

import nbformat
import pytest

import tutorial
from support.paths import NOTEBOOKS, SOLUTIONS
from support.servers import require

EXERCISE_HEADING = re.compile(r"^## Your (turn|task)\b", re.MULTILINE)  # 05, the capstone, says "Your task"


def lesson_cells(notebook: str) -> list[nbformat.NotebookNode]:
    """The code cells of ``notebook`` (its name) before its exercise's heading, without their outputs or ``nbval-skip``."""
    cells = []
    for cell in nbformat.read(NOTEBOOKS / f"{notebook}.ipynb", as_version=4).cells:
        if cell.cell_type == "markdown" and EXERCISE_HEADING.search(cell.source):
            return cells
        if cell.cell_type == "code" and "nbval-skip" not in cell.metadata.get("tags", []):
            cells.append(nbformat.v4.new_code_cell(cell.source, metadata=cell.metadata))
    raise AssertionError(f"{notebook} has no `## Your turn` heading")


@contextmanager
def folder_and_path_kept():
    """Put back the current folder and ``sys.path`` as they were (a lesson moves into its project and may add '.')."""
    folder, path = os.getcwd(), list(sys.path)
    try:
        yield
    finally:
        os.chdir(folder)
        sys.path[:] = path


def run_lesson(shell, notebook: str):
    """Run ``notebook``'s lesson in ``shell`` (reset first), as Run All would; return its project.

    The lesson runs with the current folder first on ``sys.path``, as in a kernel. The current folder and ``sys.path``
    are left as they were: a test that stands in the project moves there itself.
    """
    shell.reset(new_session=False)
    shell.user_ns.update(tutorial=tutorial)
    with folder_and_path_kept():
        sys.path.insert(0, "")
        for cell in lesson_cells(notebook):
            result = shell.run_cell(cell.source)
            if "raises-exception" not in cell.metadata.get("tags", []):
                error = result.error_in_exec or result.error_before_exec
                assert result.success, f"{notebook}: a lesson cell failed: {cell.source[:200]!r}: {error!r}"
    return shell.user_ns["project"]


@contextmanager
def lesson_on_postgres(tmp_path_factory, shell, notebook: str, unset: tuple[str, ...] = ()):
    """Run ``notebook``'s lesson once, on PostgreSQL, in a workspace of its own; give its project and a copy of its
    files (``(project, files)``), from which each test starts again. Skips (or fails, when required) without a server.

    :param unset: variables the lesson sets (an app's URL), emptied for it and put back afterwards.
    Afterwards every database of that workspace is dropped (the notebook's own, and any beside it).
    """
    from tutorial import servers

    root = tmp_path_factory.mktemp(f"notebook-{notebook[:2]}")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ALEMBIC_TUTORIAL_WORKSPACE", str(root / "workspace"))
        patch.setenv("DATABASE_URL", require("postgres"))
        for name in unset:
            patch.setenv(name, "")
        patch.chdir(root)
        try:
            project = run_lesson(shell, notebook)
            shutil.copytree(project.folder, root / "files")
            yield project, root / "files"
        finally:
            servers.drop_workspace_databases()


def restore_files(project, files: Path) -> None:
    """Put the project's folder back as ``files`` (the copy :func:`lesson_on_postgres` made) holds it."""
    shutil.rmtree(project.folder)
    shutil.copytree(files, project.folder)


def solution_files(prefix: str) -> list[Path]:
    """The solution files whose names start with ``prefix`` (``"06_"``: all of notebook 06's), in order."""
    return sorted(SOLUTIONS.glob(f"{prefix}*"))


def solve(shell, *names: str, steps: int | None = None, start: int = 0) -> None:
    """Run solution files as cells, in order, as ``%load`` puts each in one.

    Each name may be a prefix (``"06_"``: all of them); of the files named, those from ``start`` to ``steps`` run.
    """
    files = [path for name in names for path in solution_files(name)][start:steps]
    assert files, f"no solution file {names}"
    for path in files:
        result = shell.run_cell(path.read_text(encoding="utf-8"))
        assert result.success, f"{path.name} failed: {result.error_in_exec or result.error_before_exec!r}"


def solve_project(shell, project, *names: str, steps: int | None = None) -> None:
    """:func:`solve`, for a project made by ``tutorial.start`` rather than a lesson: the cells see it as ``project``."""
    shell.user_ns.update(tutorial=tutorial, project=project)
    solve(shell, *names, steps=steps)


def messages(report) -> str:
    """What a checker's report still asks for, one finding a line."""
    return "\n".join(finding.text for finding in report.to_do)


def replace(project, path: str | Path, old: str, new: str) -> None:
    """Replace the first ``old`` with ``new`` in the project's file ``path`` (which must contain it)."""
    file = project.path(path) if isinstance(path, str) else path
    text = file.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {file.name}"
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def alembic(project, command: str) -> None:
    """Run ``alembic <command>`` in the project's folder, quietly."""
    tutorial.run(f"alembic {command}", project.folder, echo=False)
