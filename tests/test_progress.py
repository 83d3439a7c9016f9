"""My progress: each exercise counts as done, not started, or started and not right yet, with what to do."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

import tutorial
from support.lessons import solve_project
from support.paths import NOTEBOOKS, REPOSITORY
from tutorial import exercises, progress


def state(table, notebook):
    row = next(row for row in table.rows if row.exercise.notebook == notebook)
    return row.state, row.to_do


def test_a_fresh_workspace_has_every_exercise_not_started(workspace):
    table = progress.table()
    assert [row.exercise.notebook for row in table.rows] == list(exercises.EXERCISES)
    for row in table.rows:
        number = row.exercise.notebook[:2]
        assert (row.state, row.to_do) == (
            progress.NOT_STARTED, f"Open notebook {number} and run it from the top: its project folder does not exist yet."
        )
    assert table.counts() == f"0 of {len(exercises.EXERCISES)} exercises done, 0 started and not right yet."


def test_a_project_whose_first_step_fails_is_not_started(workspace):
    tutorial.start("01-build-the-models", stage="models")
    assert state(progress.table(), "01-build-the-models") == (
        progress.NOT_STARTED, "The Bill model has no `due_date` column yet (billtracker/data/bills.py)."
    )


def test_a_first_step_done_and_the_rest_not_is_started_and_wrong(workspace, shell):
    project = tutorial.start("02-connect-alembic", stage="tables")
    solve_project(shell, project, "02_", steps=1)  # the model file, not registered in __all_models.py
    assert state(progress.table(), "02-connect-alembic") == (
        progress.WRONG, "__all_models.py does not import payments yet: env.py, and so Alembic, cannot see the table."
    )


def test_a_solved_exercise_is_done(workspace, shell):
    project = tutorial.start("01-build-the-models", stage="models")
    solve_project(shell, project, "01_")
    os.chdir(workspace)  # the table reads each project folder, wherever the learner stands
    table = progress.table()
    assert state(table, "01-build-the-models") == (progress.DONE, "")
    assert table.counts().startswith("1 of ")
    assert "✓ 01-build-the-models" in table.text()


def test_a_checker_that_cannot_read_the_project_says_so(workspace, monkeypatch):
    def broken(folder):
        raise PermissionError("no access")

    (workspace / "99-x").mkdir(parents=True)
    monkeypatch.setitem(exercises.EXERCISES, "99-x", exercises.Exercise("99-x", "x", broken, "99_"))
    assert state(progress.table(), "99-x") == (
        progress.WRONG, "The check could not read your project (PermissionError: no access): run notebook 99 again."
    )


@pytest.mark.parametrize(
    "findings, expected",
    [
        ([(False, 1), (False, 1), (False, 2)], progress.NOT_STARTED),
        ([(True, 1), (False, 1), (False, 2)], progress.WRONG),
        ([(True, 1), (False, 2)], progress.WRONG),
        ([(True, 1), (True, 2)], progress.DONE),
    ],
    ids=["step 1 all wrong", "step 1 half done", "step 2 to do", "all right"],
)
def test_the_state_follows_the_first_step(workspace, monkeypatch, findings, expected):
    def check(folder):
        report = exercises.Report("x")
        for number, (ok, step) in enumerate(findings):
            report.add(ok, f"finding {number}", step)
        return report

    (workspace / "99-x").mkdir(parents=True)
    monkeypatch.setattr(exercises, "EXERCISES", {"99-x": exercises.Exercise("99-x", "x", check, "99_")})
    row = progress.table().rows[0]
    first_wrong = next((f"finding {n}" for n, (ok, _) in enumerate(findings) if not ok), "")
    assert (row.state, row.to_do) == (expected, first_wrong)


def test_the_table_in_a_notebook_links_each_notebook(workspace):
    html = progress.table()._repr_html_()
    for name in exercises.EXERCISES:
        assert f"<a href='{name}.ipynb'>{name}</a>" in html
    assert html.count("<tr>") == len(exercises.EXERCISES) + 1


def test_make_progress_prints_the_table_in_a_terminal(workspace):
    """What ``make progress`` runs: the module, from notebooks/, on the workspace."""
    workspace.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "ALEMBIC_TUTORIAL_WORKSPACE": str(workspace)}
    done = subprocess.run(
        [sys.executable, "-m", "tutorial.progress"], cwd=NOTEBOOKS, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"My progress: 0 of {len(exercises.EXERCISES)} exercises done, 0 started and not right yet."
    assert [line.split()[1] for line in lines[1:]] == list(exercises.EXERCISES)
    assert "cd notebooks && ../$(BIN)/python -m tutorial.progress" in (REPOSITORY / "Makefile").read_text()


def test_the_json_rows_say_what_the_table_says_with_each_findings_id(workspace, shell, capsys):
    """``python -m tutorial.progress --json``: what each learner's server answers the teacher's class view."""
    project = tutorial.start("02-connect-alembic", stage="tables")
    solve_project(shell, project, "02_", steps=1)
    capsys.readouterr()
    assert progress.main(["--json"]) == 0
    rows = {row["notebook"]: row for row in json.loads(capsys.readouterr().out)}
    assert list(rows) == list(exercises.EXERCISES)
    table_row = next(row for row in progress.table().rows if row.exercise.notebook == "02-connect-alembic")
    assert rows["02-connect-alembic"] == {
        "notebook": "02-connect-alembic", "title": table_row.exercise.title, "state": progress.WRONG,
        "to_do": table_row.to_do, "finding": table_row.finding,
    }
    assert table_row.finding.startswith("02."), table_row.finding
    assert rows["01-build-the-models"]["state"] == progress.NOT_STARTED and rows["01-build-the-models"]["finding"] == ""
