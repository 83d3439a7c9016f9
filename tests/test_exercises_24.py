"""The "Your turn" checker of notebook 24 (a paid flag on fastbills' bills): it passes on the solution, and
fails with the message a learner needs on each typical mistake.

As in ``tests/test_exercises_12_18.py``: the notebook's own code cells before ``## Your turn`` run first, in
an IPython shell as in a kernel, then the solution files of ``notebooks/solutions``, each as a cell.
"""

from __future__ import annotations

import sys

import pytest

from support.lessons import alembic, messages, replace, solve
from support.project_health import problems
from tutorial import exercises
from tutorial.progress import not_started

NOTEBOOK = "24-an-async-app-with-fastapi"
PAID = "    paid: Mapped[bool] = mapped_column(server_default=false())\n"
DUE_DATE = "    due_date: Mapped[datetime.date | None]\n"


@pytest.fixture
def fastbills(workspace, monkeypatch, your_turn):
    """The project as the lesson leaves it; the app's modules forgotten afterwards."""
    monkeypatch.syspath_prepend("")
    monkeypatch.delenv("FASTBILLS_DATABASE_URL", raising=False)
    yield your_turn(NOTEBOOK)
    for name in [name for name in sys.modules if name == "fastbills" or name.startswith("fastbills.")]:
        del sys.modules[name]


def test_paid_flag_not_started(fastbills):
    report = exercises.check_paid_flag()
    assert not_started(report)
    assert messages(report) == "The Bill model has no `paid` column yet (fastbills/models.py)."  # the shared probe's
    assert report.missing[1:] == ["24.step2.waiting", "24.step3.waiting"]  # no model: nothing after it
    assert report.verdict() == "Not done yet: 1 thing to do (marked ✗), then 2 steps to check (marked ○)."


def test_paid_flag_solution(fastbills, shell):
    solve(shell, "24_", steps=1)
    assert exercises.check_paid_flag().up_to(1).passed
    solve(shell, "24_", start=1)
    report = exercises.check_paid_flag()
    assert report.passed, report.text()
    assert report.findings[-1].text == "GET /bills answers 200, with paid for each bill (False, False)."
    assert report.ids[-1] == "24.page.shows-paid"
    # The project left is healthy: one head, models match the database, up from empty and down to base.
    assert problems(fastbills.folder) == []


def test_paid_flag_without_server_default(fastbills):
    replace(fastbills, "fastbills/models.py", DUE_DATE, DUE_DATE + "    paid: Mapped[bool]\n")
    report = exercises.check_paid_flag()
    assert report.missing == ["24.model.paid.no-server-default", "24.step2.waiting", "24.step3.waiting"]


def test_paid_flag_may_be_empty(fastbills):
    replace(fastbills, "fastbills/models.py", DUE_DATE, DUE_DATE + "    paid: Mapped[bool | None]\n")
    assert exercises.check_paid_flag().missing[0] == "24.model.paid.may-be-empty"


def test_paid_flag_model_without_a_revision(fastbills, shell):
    solve(shell, "24_", steps=1)
    report = exercises.check_paid_flag()
    assert report.missing == ["24.revision.missing", "24.step3.waiting"]


def test_paid_flag_revision_written_before_the_server_default(fastbills, shell):
    replace(fastbills, "fastbills/models.py", DUE_DATE, DUE_DATE + "    paid: Mapped[bool]\n")
    alembic(fastbills, 'revision --autogenerate -m "add a paid flag to bills"')
    solve(shell, "24_", steps=1)  # the server default added after the autogenerate
    replace(fastbills, "fastbills/models.py", "    paid: Mapped[bool]\n", "")
    assert exercises.check_paid_flag().missing[0] == "24.revision.no-server-default"


def test_paid_flag_not_upgraded(fastbills, shell):
    solve(shell, "24_", steps=2)
    assert exercises.check_paid_flag().missing == ["24.database.not-at-head"]


def test_paid_flag_not_on_the_page(fastbills, shell):
    solve(shell, "24_")
    replace(fastbills, "fastbills/app.py", '        "paid": bill.paid,\n', "")
    assert exercises.check_paid_flag().missing == ["24.page.no-paid"]


def test_paid_flag_page_fails(fastbills, shell):
    solve(shell, "24_")
    replace(fastbills, "fastbills/app.py", '"paid": bill.paid', '"paid": bill.paid_on')
    report = exercises.check_paid_flag()
    assert report.missing == ["24.page.fails"]
    assert messages(report).startswith("GET /bills answers 500")  # it gives the status
