"""The "Check my work" checkers: each passes on its solution, and fails with a helpful message on typical mistakes.

The solutions are applied as a learner would: each file of ``notebooks/solutions`` is run as a cell
(``%load`` puts it in one) in an IPython shell, in the notebook's project folder.
"""

from __future__ import annotations

import pytest

import tutorial
from support.lessons import alembic, messages, replace
from support.lessons import solve_project as solve
from support.paths import REPOSITORY, SOLUTIONS
from support.servers import require
from tutorial import database, exercises, graph

# --------------------------------------------------------------------------- the report and the button


def test_a_report_lists_each_check_then_a_verdict():
    report = exercises.Report("x", success="Well done.")
    report.add(True, "one", 1)
    report.add(False, "two", 2)
    assert report.text() == "Check my work: x\n✓ one\n✗ two\nNot done yet: 1 thing to do (marked ✗)."
    assert report.up_to(1).text() == "Check my work: x\n✓ one\nSo far, so good: on to the next step."
    report.findings[1].ok = True
    assert report.passed and report.verdict() == "All done! Well done."


def test_the_button_checks_again_on_each_click(workspace):
    project = tutorial.start("x-button", stage="last_login-applied")
    widget = exercises.button(exercises.check_last_payment)
    assert "has no <code>last_payment</code> column yet" in widget.view.value
    assert widget._repr_mimebundle_()["text/plain"] == widget.report.text()
    replace(
        project, "billtracker/data/bills.py",
        "    paid: Mapped[float] = mapped_column(Float, default=0.0)\n",
        "    paid: Mapped[float] = mapped_column(Float, default=0.0)\n"
        "    last_payment: Mapped[datetime.datetime | None] = mapped_column(DateTime, index=True)\n",
    )
    widget.button.click()
    assert "Bill has <code>last_payment</code>" in widget.view.value
    assert "checked 2 times" in widget.view.value


# --------------------------------------------------------------------------- 01: Bill.due_date


@pytest.fixture
def models(workspace):
    return tutorial.start("01-build-the-models", stage="models")


def test_due_date_not_done(models):
    report = exercises.check_due_date()
    assert not report.passed
    assert report.missing == ["01.model.due_date.missing"]


def test_due_date_solution(models, shell):
    solve(shell, models, "01_")
    report = exercises.check_due_date()
    assert report.passed, report.text()
    assert "Bill has `due_date` (a DateTime, may be empty)." in report.text()


BILL_TOTAL = "    total: Mapped[float] = mapped_column(Float)\n"


@pytest.mark.parametrize(
    "line, expected",
    [
        ("    due_date: Mapped[str | None] = mapped_column(String)\n", "01.model.due_date.wrong-type"),
        ("    due_date: Mapped[datetime.datetime] = mapped_column(DateTime)\n", "01.model.due_date.not-nullable"),
        ("    due_date: Mapped[datetime.datetime | None] = mapped_column(DateTime(\n", "01.models.not-importing"),
    ],
    ids=["wrong type", "not nullable", "syntax error"],
)
def test_due_date_mistakes(models, line, expected):
    replace(models, "billtracker/data/bills.py", BILL_TOTAL, BILL_TOTAL + line)
    report = exercises.check_due_date()
    assert not report.passed and report.missing == [expected]


def test_due_date_on_the_wrong_model(models):
    replace(
        models, "billtracker/data/users.py",
        "    hashed_password: Mapped[str | None] = mapped_column(String)\n",
        "    hashed_password: Mapped[str | None] = mapped_column(String)\n"
        "    due_date: Mapped[datetime.datetime | None] = mapped_column(DateTime)\n",
    )
    assert exercises.check_due_date().missing == ["01.model.due_date.wrong-table"]


def test_a_syntax_error_says_where(models):
    replace(models, "billtracker/data/bills.py", BILL_TOTAL, BILL_TOTAL + "    due_date: Mapped[\n")
    assert "(raised in billtracker/data/bills.py, line" in messages(exercises.check_due_date())


# --------------------------------------------------------------------------- 02: a payments table


@pytest.fixture
def tables(workspace):
    return tutorial.start("02-connect-alembic", stage="tables")


def test_payments_not_done(tables):
    report = exercises.check_payments()
    assert report.missing == [
        "02.model.payments-file.missing",
        "02.models.payments-not-registered",
        "02.revision.missing",
        "02.database.payments.missing",
    ]


def test_payments_models_not_importing_leave_the_registration_waiting(tables):
    """The checker stops early when the models do not import: step 2 is listed as waiting, after step 1."""
    replace(tables, "billtracker/data/bills.py", BILL_TOTAL, BILL_TOTAL + "    due_date: Mapped[\n")
    report = exercises.check_payments()
    assert report.missing[:3] == ["02.model.payments-file.missing", "02.models.not-importing", "02.step2.waiting"]
    assert "○ Its registration: checked once the steps before it are done." in report.text()


def test_payments_solution(tables, shell):
    solve(shell, tables, "02_")
    report = exercises.check_payments()
    assert report.passed, report.text()


def test_payments_not_registered_gives_an_empty_revision(tables, shell):
    solve(shell, tables, "02_", steps=1)  # the model file only
    alembic(tables, 'revision --autogenerate -m "add payments table"')
    missing = exercises.check_payments().missing
    assert "02.models.payments-not-registered" in missing
    assert "02.revision.empty" in missing


def test_payments_without_a_foreign_key(tables, shell):
    solve(shell, tables, "02_", steps=1)
    replace(tables, "billtracker/data/payments.py", 'mapped_column(ForeignKey("bills.id"), index=True)', "mapped_column(index=True)")
    assert "02.model.bill_id.no-foreign-key" in exercises.check_payments().missing


def test_payments_not_upgraded(tables, shell):
    solve(shell, tables, "02_", steps=4)  # everything but the upgrade
    assert exercises.check_payments().missing == ["02.database.not-at-head", "02.database.payments.missing"]


# --------------------------------------------------------------------------- 03: users.phone


@pytest.fixture
def pending(workspace):
    return tutorial.start("03-change-a-model", stage="last_login-revision")


def test_phone_not_done(pending):
    assert exercises.check_phone().missing == ["03.model.phone.missing", "03.database.last-login-not-applied", "03.revision.missing"]


def test_phone_solution(pending, shell):
    solve(shell, pending, "03_")
    report = exercises.check_phone()
    assert report.passed, report.text()


def test_phone_autogenerate_refused_while_the_database_is_behind(pending, shell):
    solve(shell, pending, "03_", steps=1)
    with pytest.raises(tutorial.CommandFailed, match="Target database is not up to date"):
        alembic(pending, 'revision --autogenerate -m "add phone to users"')
    assert exercises.check_phone().missing == ["03.database.last-login-not-applied", "03.revision.missing"]


def test_phone_as_a_number(pending):
    replace(
        pending, "billtracker/data/users.py",
        "    hashed_password: Mapped[str | None] = mapped_column(String)\n",
        "    hashed_password: Mapped[str | None] = mapped_column(String)\n    phone: Mapped[int | None]\n",
    )
    assert "03.model.phone.wrong-type" in exercises.check_phone().missing


# --------------------------------------------------------------------------- 04: bills.last_payment


@pytest.fixture
def applied(workspace):
    return tutorial.start("04-upgrade-the-database", stage="last_login-applied")


def test_last_payment_not_done(applied):
    report = exercises.check_last_payment()
    assert report.missing == ["04.model.last_payment.missing", "04.revision.missing", "04.database.last_payment.missing"]
    assert "04.page.works" in report.ids


def test_last_payment_solution(applied, shell):
    solve(shell, applied, "04_")
    report = exercises.check_last_payment()
    assert report.passed, report.text()


def test_last_payment_not_upgraded(applied, shell):
    solve(shell, applied, "04_", steps=3)
    report = exercises.check_last_payment()
    assert report.missing == ["04.database.not-at-head", "04.database.last_payment.missing", "04.page.fails"]
    assert "no such column: bills.last_payment" in messages(report)  # the page's own error, shown


def test_an_app_that_does_not_import_is_told_by_its_error(applied):
    (applied.folder / "billtracker" / "app.py").write_text("import nowhere\n", encoding="utf-8")
    report = exercises.check_last_payment()
    assert "04.app.not-starting" in report.missing
    assert "The app does not start: ModuleNotFoundError: No module named 'nowhere'" in messages(report)
    assert "ProjectProblem" not in messages(report) and "(raised in billtracker/app.py, line 1)" in messages(report)


def test_last_payment_index_added_after_autogenerate(applied, shell):
    replace(
        applied, "billtracker/data/bills.py",
        "    paid: Mapped[float] = mapped_column(Float, default=0.0)\n",
        "    paid: Mapped[float] = mapped_column(Float, default=0.0)\n"
        "    last_payment: Mapped[datetime.datetime | None] = mapped_column(DateTime)\n",
    )
    assert "04.model.last_payment.no-index" in exercises.check_last_payment().missing
    alembic(applied, 'revision --autogenerate -m "add last_payment to bills"')
    alembic(applied, "upgrade head")
    replace(applied, "billtracker/data/bills.py", "= mapped_column(DateTime)\n", "= mapped_column(DateTime, index=True)\n")
    missing = exercises.check_last_payment().missing
    assert "04.revision.no-index" in missing
    assert "04.database.last_payment.no-index" in missing


def test_last_payment_two_heads(applied, shell):
    solve(shell, applied, "04_", steps=2)
    first = graph.revision_graph(applied.folder).ids[0]
    alembic(applied, f'revision -m "another branch" --head {first} --splice')
    assert "04.heads.several" in exercises.check_last_payment().missing


# --------------------------------------------------------------------------- 05: hovershare's postal code


@pytest.fixture
def hovershare(workspace):
    return tutorial.start("05-your-turn-hovershare", stage="tables", app="hovershare")


def test_postal_code_not_done(hovershare):
    report = exercises.check_postal_code()
    assert report.up_to(1).missing == ["05.model.postal_code.missing"]
    assert len(report.to_do) == 3 and "05.page.works" in report.ids


def test_postal_code_step_by_step(hovershare, shell):
    solve(shell, hovershare, "05_", steps=1)
    after_model = exercises.check_postal_code()
    assert after_model.up_to(1).passed and after_model.up_to(1).verdict() == "So far, so good: on to the next step."
    assert "05.page.fails" in after_model.missing
    assert "no such column: locations.postal_code" in messages(after_model)  # the page fails, as the notebook says
    solve(shell, hovershare, "05_", steps=3)  # the model again (already done: nothing happens), autogenerate, read
    after_revision = exercises.check_postal_code()
    assert after_revision.up_to(2).passed
    assert "05.database.not-at-head" in after_revision.missing
    solve(shell, hovershare, "05_postal_code_3")
    report = exercises.check_postal_code()
    assert report.passed, report.text()
    assert report.verdict() == "All done! You migrated hovershare on your own."


def test_hovershare_page_works_after_start(hovershare):
    page = tutorial.browse("/", app="hovershare.app")
    assert page.status_code == 200 and "Station Square" in page.text
    assert hovershare.path("hovershare.sqlite").exists() and not hovershare.path("billtracker.sqlite").exists()
    assert hovershare.database_url == "sqlite:///hovershare.sqlite"


# --------------------------------------------------------------------------- 19: a due date, deployed on a busy table


def live_project(name: str, monkeypatch):
    """The project ``name`` on PostgreSQL, as notebook 19's lesson leaves it (the lock-timeouts stage); dropped after."""
    monkeypatch.setenv("DATABASE_URL", require("postgres"))
    project = tutorial.start(name, stage="lock-timeouts")
    try:
        yield project
    finally:
        database.drop(project.name)


@pytest.fixture
def live_due_date(workspace, monkeypatch):
    """Notebook 19's project where its exercise starts."""
    yield from live_project("19-migrate-a-live-database", monkeypatch)


def test_due_date_on_a_busy_table_not_done(live_due_date):
    report = exercises.check_due_date_on_a_busy_table()
    assert messages(report).splitlines()[:2] == [  # the shared probes' findings
        "The Bill model has no `due_date` column yet (billtracker/data/bills.py).",
        "No revision adds bills.due_date yet: autogenerate one.",
    ]
    assert report.missing[2:] == ["19.step2.waiting", "19.step3.waiting"]  # no revision: its SQL, then the database wait
    assert report.verdict() == "Not done yet: 2 things to do (marked ✗), then 2 steps to check (marked ○)."


def test_due_date_on_a_busy_table_deployed_while_the_report_reads(live_due_date, shell):
    solve(shell, live_due_date, "19_", steps=3)  # the deploy failed on the lock timeout; no retry yet
    assert "canceling statement due to lock timeout" in shell.user_ns["deploy"].error
    report = exercises.check_due_date_on_a_busy_table()
    assert messages(report).splitlines()[0] == (
        f"The database is at {_revision_before_head(live_due_date)}, not at the head "
        f"({_head(live_due_date)}): run `alembic upgrade head`."
    )
    assert report.missing[1:] == ["19.database.no-due-date"]


def test_due_date_on_a_busy_table_without_the_timeouts(live_due_date, shell):
    solve(shell, live_due_date, "19_", steps=2)
    replace(live_due_date, "alembic/env.py", "        set_timeouts()\n            context.run_migrations()",
            "        context.run_migrations()")
    replace(live_due_date, "alembic/env.py", "    set_timeouts()\n        context.run_migrations()", "    context.run_migrations()")
    assert "19.revision.no-lock-timeout" in exercises.check_due_date_on_a_busy_table().missing


def test_due_date_on_a_busy_table_solution(live_due_date, shell):
    solve(shell, live_due_date, "19_")
    report = exercises.check_due_date_on_a_busy_table()
    assert report.passed, report.text()
    assert "19.revision.sets-lock-timeout" in report.ids


def _head(project) -> str:
    return project.newest_revision_file().name.split("_")[0]


def _revision_before_head(project) -> str:
    return project.revision_files()[-2].name.split("_")[0]


# --------------------------------------------------------------------------- 20: an index on users.phone, concurrently


@pytest.fixture
def live_phone(workspace, monkeypatch):
    """Notebook 20's project where its exercise starts (users.phone applied)."""
    yield from live_project("20-change-a-live-schema-safely", monkeypatch)


def test_phone_index_not_done(live_phone):
    report = exercises.check_phone_index()
    assert messages(report).splitlines()[0] == (  # the shared probe's finding
        "User.phone is there, but it has no index: add `index=True` to its `mapped_column(...)`."
    )
    # No revision yet: the concurrent build (step 3) waits for it, and the database (step 4) after it.
    assert report.missing[1:] == ["20.revision.no-phone-index", "20.step3.waiting", "20.step4.waiting"]


def test_phone_index_built_plainly(live_phone, shell):
    solve(shell, live_phone, "20_", steps=2)
    alembic(live_phone, "upgrade head")
    missing = exercises.check_phone_index().missing
    assert "20.revision.upgrade-not-concurrent" in missing and "20.revision.downgrade-not-concurrent" in missing


def test_phone_index_concurrently_but_in_a_transaction(live_phone, shell):
    solve(shell, live_phone, "20_", steps=2)
    revision = live_phone.newest_revision_file()
    text = revision.read_text(encoding="utf-8").replace("unique=False)", "unique=False, postgresql_concurrently=True)")
    revision.write_text(text.replace("table_name='users')", "table_name='users', postgresql_concurrently=True)"), encoding="utf-8")
    report = exercises.check_phone_index()
    assert "20.revision.upgrade-outside-autocommit-block" in report.missing
    assert "20.revision.downgrade-outside-autocommit-block" in report.missing
    assert "not at the head" in messages(report)  # the shared probe's finding


def test_phone_index_read_as_python_not_line_by_line(live_phone, shell):
    """A call wrapped over several lines (as ruff or black write it) counts; one outside the block does not."""
    solve(shell, live_phone, "20_", steps=2)
    revision = live_phone.newest_revision_file()
    text = revision.read_text(encoding="utf-8")
    create = "    op.create_index(op.f('ix_users_phone'), 'users', ['phone'], unique=False)\n"
    drop = "    op.drop_index(op.f('ix_users_phone'), table_name='users')\n"
    assert create in text and drop in text
    text = text.replace(create, (
        "    with op.get_context().autocommit_block():\n"
        "        op.create_index(\n            op.f('ix_users_phone'),\n            'users',\n            ['phone'],\n"
        "            unique=False,\n            postgresql_concurrently=True,\n        )\n"
    ))
    text = text.replace(drop, (
        "    with op.get_context().autocommit_block():\n        pass\n"
        "    op.drop_index(op.f('ix_users_phone'), table_name='users', postgresql_concurrently=True)\n"
    ))
    revision.write_text(text, encoding="utf-8")
    report = exercises.check_phone_index()
    assert "20.revision.upgrade-concurrent" in report.ids
    assert [id for id in report.missing if id.startswith("20.revision.")] == ["20.revision.downgrade-outside-autocommit-block"]


def test_phone_index_solution(live_phone, shell):
    solve(shell, live_phone, "20_")
    report = exercises.check_phone_index()
    assert report.passed, report.text()
    assert "The database has the index ix_users_phone on users.phone." in report.text()
    assert "20.database.has-phone-index" in report.ids


def test_start_refuses_an_unknown_app(workspace):
    with pytest.raises(ValueError, match="Unknown app 'scootr' at stage 'tables': the tutorial builds billtracker and hovershare"):
        tutorial.start("x-unknown", stage="tables", app="scootr")


# --------------------------------------------------------------------------- the notebooks and their solutions


def test_the_load_path_is_right_from_a_project_folder():
    """The kernel works in ``workspace/<notebook>/``: ``../../notebooks/solutions`` leads back here."""
    assert (REPOSITORY / "workspace" / "any-notebook" / "../../notebooks/solutions").resolve() == SOLUTIONS
