"""The "Your turn" checkers of notebooks 12 to 18: each passes on its solution, and fails with the message a
learner needs on each typical mistake.

A solution is applied as a learner would: the notebook's own code cells before ``## Your turn`` run first,
in an IPython shell as in a kernel, then each file of ``notebooks/solutions`` as a cell (``%load`` puts it
in one), in the notebook's project folder.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy

import tutorial
from support.lessons import alembic, messages, replace, solve
from support.servers import require
from tutorial import database, exercises
from tutorial.progress import not_started

EXERCISE_NOTEBOOKS = {
    "12-name-your-constraints": ("check_unique_phone", "12_"),
    "13-migrate-data": ("check_amount_due", "13_"),
    "14-branch-and-merge": ("check_second_merge", "14_"),
    "15-test-your-migrations": ("check_data_test", "15_"),
    "16-troubleshoot-common-errors": ("check_nickname_index", "16_"),
    "17-survive-a-failed-migration": ("check_stamp_repair", "17_"),
    "18-move-to-postgresql": ("check_short_revision_ids", "18_"),
}


# --------------------------------------------------------------------------- 12: a unique phone, by name


@pytest.fixture
def named(workspace, clean_modules, your_turn):
    return your_turn("12-name-your-constraints")


PHONE = "    phone: Mapped[str | None] = mapped_column(String, unique=True)\n"
LAST_LOGIN = "    last_login: Mapped[datetime.datetime | None] = mapped_column(DateTime)\n"


def test_unique_phone_not_started(named):
    report = exercises.check_unique_phone()
    assert not_started(report)
    assert messages(report).splitlines() == [
        "The User model has no `phone` column yet (billtracker/data/users.py).",
        "No revision adds users.phone yet: autogenerate one.",
        "The database's users table has no phone column yet.",
    ]
    assert "12.database.phone.missing" in report.missing


def test_unique_phone_solution(named, shell):
    solve(shell, "12_", steps=1)
    assert exercises.check_unique_phone().up_to(1).passed
    solve(shell, "12_", start=1)
    report = exercises.check_unique_phone()
    assert report.passed, report.text()
    assert "creates its constraint by name, `uq_users_phone`" in report.text()


def test_unique_phone_as_a_unique_index(named):
    replace(named, "billtracker/data/users.py", LAST_LOGIN, LAST_LOGIN + PHONE.replace("unique=True", "unique=True, index=True"))
    assert "12.model.phone.unique-index" in exercises.check_unique_phone().missing
    alembic(named, 'revision --autogenerate -m "add a unique phone to users"')
    alembic(named, "upgrade head")
    missing = exercises.check_unique_phone().missing
    assert "12.revision.unique-index" in missing and "12.database.constraint-not-named" in missing


def test_unique_phone_not_unique(named):
    replace(named, "billtracker/data/users.py", LAST_LOGIN, LAST_LOGIN + PHONE.replace(", unique=True", ""))
    assert "12.model.phone.not-unique" in exercises.check_unique_phone().missing
    alembic(named, 'revision --autogenerate -m "add a unique phone to users"')
    assert "12.revision.no-unique-constraint" in exercises.check_unique_phone().missing


def test_unique_phone_without_the_convention(named):
    replace(named, "billtracker/data/modelbase.py", "    metadata = MetaData(naming_convention=NAMING_CONVENTION)\n", "")
    replace(named, "billtracker/data/users.py", LAST_LOGIN, LAST_LOGIN + PHONE)
    alembic(named, 'revision --autogenerate -m "add a unique phone to users"')
    missing = exercises.check_unique_phone().missing
    assert "12.models.no-naming-convention" in missing and "12.revision.unnamed-constraint" in missing


def test_unique_phone_not_upgraded(named, shell):
    solve(shell, "12_", steps=3)
    report = exercises.check_unique_phone()
    assert "not at the head" in messages(report) and "run `alembic upgrade head`" in messages(report)
    assert "12.revision.named-constraint" in report.ids and "12.database.phone.missing" in report.missing


def test_unique_phone_empty_revision(named):
    alembic(named, 'revision --autogenerate -m "add a unique phone to users"')  # before the model was saved
    replace(named, "billtracker/data/users.py", LAST_LOGIN, LAST_LOGIN + PHONE)
    assert "is empty: was billtracker/data/users.py saved with phone in it?" in messages(exercises.check_unique_phone())


# --------------------------------------------------------------------------- 13: amount_due, a data migration


@pytest.fixture
def migrated(workspace, clean_modules, your_turn):
    return your_turn("13-migrate-data")


def test_amount_due_not_started(migrated):
    report = exercises.check_amount_due()
    assert not_started(report)
    assert messages(report).splitlines() == [
        "The Bill model has no `amount_due` column yet (billtracker/data/bills.py).",
        "No revision adds bills.amount_due yet: autogenerate one.",
    ]
    # no revision to read yet, nor a database to check after it
    assert [finding.id for finding in report.waiting] == ["13.step3.waiting", "13.step4.waiting"]


def test_amount_due_solution(migrated, shell):
    solve(shell, "13_")
    report = exercises.check_amount_due()
    assert report.passed, report.text()
    assert "Each of the 3 bills has amount_due = total - paid." in report.text()


def test_amount_due_may_be_empty(migrated):
    replace(migrated, "billtracker/data/bills.py", "    total: Mapped[float] = mapped_column(Float)\n",
            "    total: Mapped[float] = mapped_column(Float)\n    amount_due: Mapped[float | None] = mapped_column(Float)\n")
    assert "13.model.amount-due.nullable" in exercises.check_amount_due().missing


def test_amount_due_as_autogenerated_fails(migrated, shell):
    solve(shell, "13_", steps=2)
    with pytest.raises(tutorial.CommandFailed):
        alembic(migrated, "upgrade head")
    missing = exercises.check_amount_due().missing
    assert "13.revision.adds-not-null" in missing
    assert "13.revision.no-fill" in missing and "13.revision.never-constrains" in missing
    assert "13.database.amount-due.missing" in missing


def test_amount_due_filled_wrong(migrated, shell):
    solve(shell, "13_", steps=3)
    replace(migrated, migrated.newest_revision_file(), "amount_due=bills.c.total - bills.c.paid", "amount_due=bills.c.total")
    alembic(migrated, "upgrade head")
    report = exercises.check_amount_due()
    assert report.missing == ["13.database.amounts-wrong"]
    text = messages(report)  # which bills, with what: the wording is the point
    assert text == "Some bills have the wrong amount_due (Electricity: 84.2, not 0; Rent: 950.0, not 450): fill it with `bills.c.total - bills.c.paid`."


def test_amount_due_left_nullable_and_models_imported(migrated, shell):
    solve(shell, "13_", steps=3)
    revision = migrated.newest_revision_file()
    replace(migrated, revision, "        batch_op.alter_column('amount_due', existing_type=sa.Float(), nullable=False)\n", "        pass\n")
    replace(migrated, revision, "import sqlalchemy as sa\n", "import sqlalchemy as sa\nfrom billtracker.data.bills import Bill\n")
    alembic(migrated, "upgrade head")
    report = exercises.check_amount_due()
    assert report.missing == [
        "13.revision.imports-models", "13.revision.never-constrains", "13.database.amount-due-nullable",
    ]
    assert "sa.table('bills'" in messages(report)  # what to write instead


# --------------------------------------------------------------------------- 14: a fork of your own, merged


@pytest.fixture
def merged(workspace, clean_modules, your_turn):
    return your_turn("14-branch-and-merge")


def test_second_merge_not_started(merged):
    report = exercises.check_second_merge()
    assert not_started(report)
    assert messages(report).splitlines() == [
        "The Bill model has no `note` column yet (billtracker/data/bills.py).",
        "No revision adds bills.note yet: autogenerate one.",
        "No revision follows your teammate's 1f3c9a7e2b04 yet, besides the merge: "
        '`alembic revision -m "..." --head 1f3c9a7e2b04 --splice`.',
    ]
    assert "14.revision.nothing-follows-teammate" in report.missing
    assert [finding.id for finding in report.waiting] == ["14.step3.waiting", "14.step4.waiting"]  # no fork to merge yet


def test_second_merge_solution(merged, shell):
    solve(shell, "14_")
    report = exercises.check_second_merge()
    assert report.passed, report.text()
    assert re.search(r"Revision \w{12} merges \w{12} and \w{12}: one head again", report.text())


def test_second_merge_two_heads_left(merged, shell):
    solve(shell, "14_", steps=3)
    assert "14.heads.several" in exercises.check_second_merge().missing
    alembic(merged, "upgrade heads")  # both applied, still two heads
    assert "14.heads.several" in exercises.check_second_merge().missing


def test_second_merge_without_splice(merged, shell):
    solve(shell, "14_", steps=2)
    with pytest.raises(tutorial.CommandFailed, match="--splice"):
        alembic(merged, 'revision -m "check phone numbers" --head 1f3c9a7e2b04')
    assert "14.revision.nothing-follows-teammate" in exercises.check_second_merge().missing


def test_second_merge_not_upgraded(merged, shell):
    solve(shell, "14_", steps=3)
    alembic(merged, 'merge heads -m "merge note and phone checks"')
    assert re.search(r"The database is at \w{12}, not at the head \(\w{12}\)", messages(exercises.check_second_merge()))


# --------------------------------------------------------------------------- 15: a test with rows


@pytest.fixture
def tested(workspace, clean_modules, your_turn):
    return your_turn("15-test-your-migrations")


def test_data_test_not_started(tested):
    report = exercises.check_data_test()
    assert not_started(report)
    assert report.missing == ["15.test.file-missing", "15.step2.waiting"]  # pytest runs once the file is there


def test_data_test_solution(tested, shell):
    solve(shell, "15_")
    report = exercises.check_data_test()
    assert report.passed, report.text()
    assert "pytest runs 1 test of tests/test_due_date.py, and it passes." in report.text()
    assert "The 4 other tests pass too." in report.text()
    assert not list(tested.path("tests").rglob("__pycache__"))  # the check leaves nothing behind


def test_data_test_that_fails(tested, shell):
    solve(shell, "15_", steps=1)
    replace(tested, "tests/test_due_date.py", '[("Rent", 950.0, None)]', '[("Rent", 950.0, 0)]')
    report = exercises.check_data_test()
    assert report.missing == ["15.test.fails"]
    text = messages(report)  # the test's own assertion, as pytest shows it
    assert re.match(r"test_due_date_keeps_the_bills fails, line \d+: AssertionError: ", text), text
    assert "assert [('Rent', 950.0, None)] == [('Rent', 950.0, 0)]" in text


def test_data_test_in_the_browser_runs_pytest_in_the_kernel(tested, shell, monkeypatch):
    import subprocess

    from tutorial import inbrowser

    monkeypatch.setattr(inbrowser, "IN_BROWSER", True)
    monkeypatch.setattr(subprocess, "run", lambda *args, **kwargs: pytest.fail("started a process"))
    solve(shell, "15_")  # its %%terminal cell runs pytest in the kernel too
    report = exercises.check_data_test()
    assert report.passed, report.text()
    assert "The 4 other tests pass too." in report.text()
    replace(tested, "tests/test_due_date.py", '[("Rent", 950.0, None)]', '[("Rent", 950.0, 0)]')
    report = exercises.check_data_test()
    assert report.missing == ["15.test.fails"]
    assert re.match(r"test_due_date_keeps_the_bills fails, line \d+: AssertionError: ", messages(report))


def test_data_test_not_named_test(tested, shell):
    solve(shell, "15_", steps=1)
    replace(tested, "tests/test_due_date.py", "def test_due_date_keeps_the_bills", "def due_date_keeps_the_bills")
    assert "15.test.none-ran" in exercises.check_data_test().missing


def test_data_test_without_rows(tested):
    tested.path("tests/test_due_date.py").write_text(
        "def test_due_date(alembic_runner):\n    alembic_runner.migrate_up_to('heads')\n", encoding="utf-8"
    )
    report = exercises.check_data_test()
    assert "15.test.runner-calls-missing" in report.missing
    assert "does not use `migrate_up_before`, `insert_into`, `migrate_up_one`" in messages(report)  # which ones


def test_data_test_on_your_own_database_is_not_run(tested, shell):
    solve(shell, "15_", steps=1)
    replace(tested, "tests/test_due_date.py", 'create_engine("sqlite://")', 'create_engine("sqlite:///billtracker.sqlite")')
    before = tested.path("billtracker.sqlite").read_bytes()
    report = exercises.check_data_test()
    assert report.missing == ["15.test.own-database", "15.step2.waiting"]
    assert tested.path("billtracker.sqlite").read_bytes() == before


# --------------------------------------------------------------------------- 16: an index, the safe way


@pytest.fixture
def troubleshot(workspace, clean_modules, your_turn):
    return your_turn("16-troubleshoot-common-errors")


def test_nickname_index_not_started(troubleshot):
    report = exercises.check_nickname_index()
    assert not_started(report)
    assert messages(report).splitlines() == [
        "User.nickname is there, but it has no index: add `index=True` to its `mapped_column(...)`.",
        "No new revision creates an index on users.nickname yet: autogenerate one.",
        "The database has no index on users.nickname yet.",
    ]
    assert report.missing[1:] == ["16.revision.missing", "16.database.nickname.no-index"]


def test_nickname_index_solution(troubleshot, shell):
    solve(shell, "16_")
    report = exercises.check_nickname_index()
    assert report.passed, report.text()


def test_nickname_index_in_the_applied_revision(troubleshot):
    revision = troubleshot.path("alembic/versions/5eed1e55f00d_add_nickname_to_users.py")
    replace(troubleshot, revision, '    op.add_column("users", sa.Column("nickname", sa.String(), nullable=True))\n',
            '    op.add_column("users", sa.Column("nickname", sa.String(), nullable=True))\n'
            '    op.create_index("ix_users_nickname", "users", ["nickname"])\n')
    alembic(troubleshot, "upgrade head")  # runs nothing: the revision ran already
    missing = exercises.check_nickname_index().missing
    assert "16.revision.applied-one-edited" in missing and "16.database.nickname.no-index" in missing


def test_nickname_index_empty_revision(troubleshot, shell):
    alembic(troubleshot, 'revision --autogenerate -m "index users by nickname"')  # before the model was saved
    solve(shell, "16_", steps=1)
    assert "16.revision.empty" in exercises.check_nickname_index().missing


def test_nickname_index_not_upgraded(troubleshot, shell):
    solve(shell, "16_", steps=2)
    report = exercises.check_nickname_index()
    assert "not at the head" in messages(report)
    assert "16.revision.creates-index" in report.ids and "16.database.nickname.no-index" in report.missing


# --------------------------------------------------------------------------- 17: finish by hand, then stamp


@pytest.fixture
def failed(workspace, clean_modules, your_turn):
    return your_turn("17-survive-a-failed-migration")


def test_stamp_repair_not_started(failed):
    report = exercises.check_stamp_repair()
    assert not_started(report)
    assert messages(report).splitlines() == [
        'No revision adds bills.reminder yet: write one, `alembic revision -m "add a reminder to bills"`, and fill it in.',
    ]
    # the database, once there is a revision; the model, last (the notebook's step 5)
    assert report.missing == ["17.revision.missing", "17.step2.waiting", "17.step3.waiting"]


def test_stamp_repair_solution(failed, shell):
    solve(shell, "17_", steps=1)
    assert "17.revision.empty" in exercises.check_stamp_repair().missing
    solve(shell, "17_", start=1)
    report = exercises.check_stamp_repair()
    assert report.passed, report.text()


def test_stamp_repair_stamped_without_the_index(failed, shell):
    solve(shell, "17_", steps=3)
    replace(failed, shell.user_ns["reminder_file"], '["remindr"]', '["reminder"]')
    alembic(failed, "stamp head")
    assert "17.database.stamped-without-index" in exercises.check_stamp_repair().missing


def test_stamp_repair_run_again(failed, shell):
    solve(shell, "17_", steps=3)
    replace(failed, shell.user_ns["reminder_file"], '["remindr"]', '["reminder"]')
    with pytest.raises(tutorial.CommandFailed):
        alembic(failed, "upgrade head")  # the column is there already
    assert "17.database.index.missing" in exercises.check_stamp_repair().missing


def test_stamp_repair_typo_left_in_the_revision(failed, shell):
    solve(shell, "17_", steps=3)
    with shell.user_ns["engine"].begin() as connection:
        connection.execute(sqlalchemy.text("CREATE INDEX ix_bills_reminder ON bills (reminder)"))
    alembic(failed, "stamp head")
    report = exercises.check_stamp_repair()
    assert "17.revision.index-typo" in report.missing
    assert "(`remindr`)" in messages(report)  # the column it names


def test_stamp_repair_model_left_behind(failed, shell):
    solve(shell, "17_", steps=4)
    text = messages(exercises.check_stamp_repair())
    assert text == "The Bill model has no `reminder` column yet (billtracker/data/bills.py)."
    replace(failed, "billtracker/data/bills.py", "    total: Mapped[float] = mapped_column(Float)\n",
            "    total: Mapped[float] = mapped_column(Float)\n    reminder: Mapped[datetime.date | None] = mapped_column(Date)\n")
    assert "it has no index: add `index=True`" in messages(exercises.check_stamp_repair())


# --------------------------------------------------------------------------- 18: ids that fit PostgreSQL


LONG_ID, SHORT_ID = "2026_01_05_add_notes_to_the_bills", "2026_01_05_add_notes"


@pytest.fixture
def moved(workspace, clean_modules, your_turn):
    return your_turn("18-move-to-postgresql")


def long_file(project):
    return next(project.path("alembic/versions").glob(f"{LONG_ID}_*.py"))


def test_short_ids_not_started(moved):
    report = exercises.check_short_revision_ids()
    assert not_started(report)
    assert report.missing == ["18.revision.id-too-long", "18.step2.waiting"]  # the database, once every id fits
    assert f"Revision {LONG_ID} has 33 characters" in messages(report)


def test_short_ids_solution(moved, shell):
    solve(shell, "18_")
    report = exercises.check_short_revision_ids()
    assert report.passed, report.text()
    assert f"The database is at the head ({SHORT_ID})" in report.text()


def test_short_ids_file_renamed_only(moved):
    file = long_file(moved)
    file.rename(file.with_name(file.name.replace(LONG_ID, SHORT_ID)))
    assert "18.revision.id-too-long" in exercises.check_short_revision_ids().missing


def test_short_ids_database_not_repaired(moved, shell):
    solve(shell, "18_", steps=1)
    assert exercises.check_short_revision_ids().missing == ["18.database.unknown-revision"]
    with pytest.raises(tutorial.CommandFailed, match="Can't locate revision"):
        alembic(moved, "stamp head")  # without --purge, Alembic looks up what alembic_version holds first
    assert exercises.check_short_revision_ids().missing == ["18.database.unknown-revision"]


def test_short_ids_stamped_at_the_head_directly(moved, shell):
    solve(shell, "18_", steps=1)
    alembic(moved, f"stamp --purge {SHORT_ID}")  # also right: the renamed revision changes nothing
    assert exercises.check_short_revision_ids().passed


# --------------------------------------------------------------------------- 17 and 18 on PostgreSQL


@pytest.mark.postgres
@pytest.mark.parametrize("notebook", ["17-survive-a-failed-migration", "18-move-to-postgresql"])
def test_the_server_notebooks_exercises_on_postgresql(notebook, workspace, shell, clean_modules, monkeypatch, your_turn):
    """With ``DATABASE_URL`` on PostgreSQL, the exercise starts unsolved, and its solution passes there too."""
    monkeypatch.setenv("DATABASE_URL", require("postgres"))
    monkeypatch.setenv("BILLTRACKER_DATABASE_URL", "")  # tutorial.start sets it: removed again afterwards
    check, prefix = EXERCISE_NOTEBOOKS[notebook]
    project = your_turn(notebook)
    try:
        assert project.engine().dialect.name == "postgresql"
        assert not_started(getattr(exercises, check)())
        solve(shell, prefix)
        report = getattr(exercises, check)()
        assert report.passed, report.text()
    finally:
        database.drop(notebook)
