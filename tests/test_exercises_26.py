"""Notebook 26's exercise, release three: its checker passes the solution, and names each typical mistake.

The project is brought where the exercise starts by the notebook's own lesson cells, run in an IPython
shell on the PostgreSQL server (without one these tests skip, saying why; TUTORIAL_REQUIRE_POSTGRES=1
makes them fail instead).
"""

from __future__ import annotations

import contextlib

import pytest

import tutorial
from support import lessons, project_health
from tutorial import exercises, live

pytestmark = pytest.mark.postgres

NOTEBOOK = "26-migrate-at-deploy-time"


@pytest.fixture(scope="module")
def lesson(tmp_path_factory, shell):
    """Notebook 26's project where its exercise starts (release two deployed, on PostgreSQL), and a copy of its files.

    The lesson runs once (its races take seconds); each test starts from the copy.
    """
    with lessons.lesson_on_postgres(tmp_path_factory, shell, NOTEBOOK, unset=("SHOP_DATABASE_URL",)) as (project, files):
        yield project, files


@pytest.fixture
def shop(lesson, monkeypatch):
    """The project as the exercise starts; afterwards its database is taken back to 0002 and its files restored."""
    project, files = lesson
    monkeypatch.chdir(project.folder)
    yield project
    with contextlib.suppress(tutorial.CommandFailed):  # a test that deployed 0003 leaves the database there
        tutorial.run("alembic downgrade 0002", project.folder, echo=False)
    lessons.restore_files(project, files)


def solve(shell, project, steps: slice = slice(None)) -> None:
    """Run the solution files of notebook 26 (the ``steps`` of them) as cells, in order."""
    files = lessons.solution_files("26_")
    assert len(files) == 4, files
    lessons.solve_project(shell, project, *[path.name for path in files[steps]])


def to_do(report=None) -> list[str]:
    report = report or exercises.check_stock_release()
    return [finding.text for finding in report.to_do]


def release(project) -> live.Outcome:
    with live.sessions(project) as site:
        return site.alembic("python release.py").wait()


def edit(project, path: str, old: str, new: str) -> None:
    file = project.path(path)
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_not_started_then_a_model_that_may_be_empty_or_has_no_default(shop):
    report = exercises.check_stock_release()
    assert to_do(report)[0] == "The Product model has no `stock` column yet (shop/models.py)."  # the shared probe's
    assert report.missing[1:] == ["26.revision.missing", "26.step3.waiting"]  # no revision: nothing to deploy yet
    assert report.verdict() == "Not done yet: 2 things to do (marked ✗), then 1 step to check (marked ○)."
    edit(shop, "shop/models.py", "    price_cents: Mapped[int]\n", "    price_cents: Mapped[int]\n    stock: Mapped[int | None]\n")
    assert "26.model.stock.may-be-empty" in exercises.check_stock_release().missing
    edit(shop, "shop/models.py", "stock: Mapped[int | None]", "stock: Mapped[int]")
    assert "26.model.stock.no-server-default" in exercises.check_stock_release().missing


def test_a_revision_without_server_default_fails_to_deploy_and_the_checker_says_why(shop, shell):
    solve(shell, shop, slice(3))
    edit(shop, "alembic/versions/0003_add_stock.py", ', server_default="0"', "")
    failed = release(shop)
    assert failed.status == 1 and "NotNullViolation" in failed.rows[0] and "still at 0002" in failed.rows[0]
    assert exercises.check_stock_release().missing == ["26.revision.no-server-default", "26.database.not-at-head"]


def test_env_py_without_the_lock_is_named(shop, shell):
    solve(shell, shop)
    edit(shop, "alembic/env.py", "            context.execute(MIGRATION_LOCK)", "            pass")
    assert exercises.check_stock_release().missing == ["26.env.no-advisory-lock"]


def test_a_downgrade_that_keeps_the_column_is_named_and_a_batch_one_counts(shop, shell):
    solve(shell, shop, slice(3))
    edit(shop, "alembic/versions/0003_add_stock.py", 'op.drop_column("products", "stock")',
         '# op.drop_column("products", "stock")\n    pass')
    assert "26.revision.downgrade-keeps-stock" in exercises.check_stock_release().missing  # a comment drops nothing
    edit(shop, "alembic/versions/0003_add_stock.py", '# op.drop_column("products", "stock")\n    pass',
         'with op.batch_alter_table("products") as batch_op:\n        batch_op.drop_column("stock")')
    assert "26.revision.downgrade-keeps-stock" not in exercises.check_stock_release().ids


def test_the_solution_passes_and_leaves_a_healthy_project(shop, shell):
    solve(shell, shop, slice(3))
    assert exercises.check_stock_release().missing == ["26.database.not-at-head"]
    solve(shell, shop, slice(3, 4))
    report = exercises.check_stock_release()
    assert report.passed, report.text()
    assert "26.database.at-head" in report.ids and "26.database.matches-models" in report.ids
    for command in ("alembic check", "alembic downgrade base", "alembic upgrade head", "alembic check"):
        tutorial.run(command, shop.folder, echo=False)
    assert tutorial.run("alembic heads", shop.folder, echo=False).output.strip() == "0003 (head)"
    assert exercises.check_stock_release().passed
    assert project_health.problems(shop.folder) == []  # pytest-alembic's tests too, on an empty PostgreSQL database
