"""The "Check my work" checkers of notebooks 06-11: each passes on its solution, and fails with the message
a learner needs on each typical mistake.

Each test starts where the learner starts the exercise: the notebook's code cells before "Your turn" run in
an IPython shell, as in its kernel; then the solution files (or a mistake) run as cells, as ``%load`` puts them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import tutorial
from support.lessons import messages, solve
from tutorial import exercises, rewrite
from tutorial.progress import not_started


def alembic(command: str):
    return tutorial.run(f"alembic {command}", echo=False)


# --------------------------------------------------------------------------- 06: no index on bills.last_payment


@pytest.fixture
def downgrade(workspace, your_turn):
    return your_turn("06-go-back-with-downgrade")


def test_no_index_not_started(downgrade):
    report = exercises.check_no_index()
    assert not_started(report)
    assert "still has ix_bills_last_payment on bills.last_payment: step back first with `alembic downgrade -1`" in messages(report)


def test_no_index_solution(downgrade, shell):
    solve(shell, "06_")
    report = exercises.check_no_index()
    assert report.passed, report.text()


def test_no_index_step_by_step(downgrade, shell):
    solve(shell, "06_no_index_1")
    assert exercises.check_no_index().up_to(1).passed
    solve(shell, "06_no_index_2", "06_no_index_3")
    report = exercises.check_no_index()
    assert report.up_to(3).passed and "not at the head" in messages(report)


def test_no_index_edited_while_applied(downgrade, shell):
    solve(shell, "06_no_index_2", "06_no_index_3", "06_no_index_4")  # no downgrade first: upgrade does nothing
    text = messages(exercises.check_no_index())
    assert "you changed the revision while it was applied, and Alembic never runs an applied revision again" in text


def test_no_index_model_kept_its_index(downgrade, shell):
    solve(shell, "06_no_index_1", "06_no_index_3", "06_no_index_4")
    assert messages(exercises.check_no_index()) == "Bill.last_payment still has `index=True` (billtracker/data/bills.py): remove it."


def test_no_index_revision_not_changed(downgrade, shell):
    solve(shell, "06_no_index_1", "06_no_index_2", "06_no_index_4")
    text = messages(exercises.check_no_index())
    assert "still creates the index: remove `op.create_index(...)`" in text
    assert "still has ix_bills_last_payment" in text


def test_no_index_downgrade_still_drops_it(downgrade, shell):
    solve(shell, "06_no_index_1", "06_no_index_2")
    revision_file = downgrade.newest_revision_file()
    tutorial.edit_file(revision_file, "    op.create_index(op.f('ix_bills_last_payment'), 'bills', ['last_payment'], unique=False)\n", "    # no index\n")
    solve(shell, "06_no_index_4")
    assert "downgrade() still drops the index its upgrade() no longer creates" in messages(exercises.check_no_index())
    with pytest.raises(tutorial.CommandFailed, match="no such index"):
        alembic("downgrade -1")  # what the message warns of


def test_no_index_revision_file_deleted_while_applied(downgrade):
    downgrade.newest_revision_file().unlink()
    assert "has no file for that revision any more" in messages(exercises.check_no_index())


def test_no_index_a_new_revision_that_drops_it_also_works(downgrade, shell):
    solve(shell, "06_no_index_2")
    alembic('revision --autogenerate -m "no index on last_payment"')
    alembic("upgrade head")
    report = exercises.check_no_index()
    assert report.passed, report.text()
    assert "drops the index again: that works too" in report.text()


# --------------------------------------------------------------------------- 07: the database of release 1.0


@pytest.fixture
def history(workspace, your_turn):
    return your_turn("07-read-the-history")


def test_release_1_not_started(history):
    report = exercises.check_release_1()
    assert not_started(report)
    assert "still at the head" in messages(report) and "`alembic downgrade <id>`" in messages(report)


def test_release_1_solution(history, shell):
    solve(shell, "07_")
    report = exercises.check_release_1()
    assert report.passed, report.text()


def test_release_1_one_step_too_few(history):
    alembic("downgrade -1")
    text = messages(exercises.check_release_1())
    assert "(add last_login to users), which came after release 1.0: go further back" in text


def test_release_1_too_far(history):
    alembic("downgrade base")
    assert "The database is at base: it has no tables at all" in messages(exercises.check_release_1())


# --------------------------------------------------------------------------- 08: downgrade.sql


@pytest.fixture
def offline(workspace, your_turn):
    return your_turn("08-write-offline-sql")


def test_downgrade_sql_not_started(offline):
    report = exercises.check_downgrade_sql()
    assert not_started(report)
    assert messages(report) == "There is no downgrade.sql in the project folder yet."


def test_downgrade_sql_solution(offline, shell):
    solve(shell, "08_")
    report = exercises.check_downgrade_sql()
    assert report.passed, report.text()


def write_sql(command: str, keep_info: bool = False) -> None:
    output = alembic(command).output
    lines = [line for line in output.splitlines() if keep_info or not line.startswith("INFO  [")]
    Path("downgrade.sql").write_text("\n".join(lines), encoding="utf-8")


def test_downgrade_sql_with_info_lines(offline, shell):
    head = offline.newest_revision_file().name.split("_")[0]
    write_sql(f"downgrade {head}:{shell.user_ns['second']} --sql", keep_info=True)
    assert "downgrade.sql has Alembic's `INFO  [...]` log lines" in messages(exercises.check_downgrade_sql())


def test_downgrade_sql_that_upgrades(offline, shell):
    write_sql(f"upgrade {shell.user_ns['second']}:head --sql")
    assert "downgrade.sql is an upgrade script" in messages(exercises.check_downgrade_sql())


def test_downgrade_sql_down_to_base(offline):
    head = offline.newest_revision_file().name.split("_")[0]
    write_sql(f"downgrade {head}:base --sql")
    assert "downgrade.sql undoes more than the newest revision" in messages(exercises.check_downgrade_sql())


def test_downgrade_ran_on_the_database(offline, shell):
    solve(shell, "08_downgrade_sql_1")
    alembic("downgrade -1")
    report = exercises.check_downgrade_sql()
    assert "a downgrade ran on it. `--sql` only writes the SQL" in messages(report)
    assert report.up_to(1).passed


# --------------------------------------------------------------------------- 09: an index on bills.user_id


@pytest.fixture
def in_sync(workspace, your_turn):
    return your_turn("09-keep-models-and-database-in-sync")


def test_user_index_not_started(in_sync):
    report = exercises.check_user_index()
    assert not_started(report)
    assert "Bill.user_id is there, but it has no index: add `index=True`" in messages(report)


def test_user_index_solution(in_sync, shell):
    solve(shell, "09_")
    report = exercises.check_user_index()
    assert report.passed, report.text()


def test_user_index_model_only(in_sync, shell):
    solve(shell, "09_user_index_1")
    text = messages(exercises.check_user_index())
    assert "`alembic check` fails: it finds index ix_bills_user_id on bills(user_id): in the models, not in the database." in text
    with pytest.raises(tutorial.CommandFailed, match="New upgrade operations detected"):
        alembic("check")  # as the checker says


def test_user_index_not_applied(in_sync, shell):
    solve(shell, "09_user_index_1", "09_user_index_2")
    text = messages(exercises.check_user_index())
    assert re.search(r"`alembic current --check-heads` fails: the database is at \w{12}, the head is \w{12}", text)


def test_user_index_autogenerated_before_the_model(in_sync, shell):
    solve(shell, "09_user_index_2", "09_user_index_1")
    assert "is empty: was bills.py saved with `index=True` on user_id?" in messages(exercises.check_user_index())


# --------------------------------------------------------------------------- 10: bills.description as Text


@pytest.fixture
def batch(workspace, your_turn):
    return your_turn("10-use-batch-mode-on-sqlite")


def test_description_text_not_started(batch):
    report = exercises.check_description_text()
    assert not_started(report)
    assert "Bill.description is still a String: make it `mapped_column(Text)`" in messages(report)


def test_description_text_solution(batch, shell):
    solve(shell, "10_")
    report = exercises.check_description_text()
    assert report.passed, report.text()


def test_description_text_without_batch_mode(batch, shell):
    solve(shell, "10_description_text_1", "10_description_text_2")
    rewrite.function(batch.newest_revision_file(), '''
def upgrade() -> None:
    """Upgrade schema."""
    op.alter_column('bills', 'description', existing_type=sa.VARCHAR(), type_=sa.Text(), existing_nullable=True)
''')
    assert "calls `op.alter_column` outside batch mode: SQLite cannot ALTER a column" in messages(exercises.check_description_text())
    with pytest.raises(tutorial.CommandFailed):
        alembic("upgrade head")  # as the checker says


def test_description_text_not_upgraded(batch, shell):
    solve(shell, "10_description_text_1", "10_description_text_2")
    text = messages(exercises.check_description_text())
    assert "not at the head" in text and "The database's bills.description is VARCHAR, not TEXT yet" in text


def test_description_text_autogenerated_before_the_model(batch, shell):
    solve(shell, "10_description_text_2", "10_description_text_1")
    assert "is empty: was bills.py saved with `Text`?" in messages(exercises.check_description_text())


# --------------------------------------------------------------------------- 11: bills.description renamed to details


@pytest.fixture
def rename(workspace, your_turn):
    return your_turn("11-rename-a-column-safely")


def test_details_not_started(rename):
    report = exercises.check_details()
    assert not_started(report)
    assert "The Bill model has no `details` column yet" in messages(report)


def test_details_solution(rename, shell):
    solve(shell, "11_")
    report = exercises.check_details()
    assert report.passed, report.text()


def test_details_as_autogenerate_wrote_it(rename, shell):
    solve(shell, "11_details_1", "11_details_2")
    with pytest.raises(tutorial.CommandFailed, match="Cannot add a NOT NULL column"):
        alembic("upgrade head")
    text = messages(exercises.check_details())
    assert "drops bills.description and adds details, as autogenerate wrote it: the descriptions would be lost" in text
    assert "not at the head" in text


def test_details_dropped_and_added_loses_the_descriptions(rename, shell):
    tutorial.edit_file(
        "billtracker/data/bills.py",
        "    description: Mapped[str] = mapped_column(String)\n",
        "    details: Mapped[str | None] = mapped_column(String)\n",
    )
    solve(shell, "11_details_2")
    alembic("upgrade head")
    text = messages(exercises.check_details())
    assert "drops bills.description and adds details" in text
    assert "but 3 of 3 bills have none: a drop and an add ran, and the descriptions are gone" in text


def test_details_downgrade_not_rewritten(rename, shell):
    solve(shell, "11_details_1", "11_details_2")
    rewrite.function(rename.newest_revision_file(), '''
def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('bills') as batch_op:
        batch_op.alter_column('description', new_column_name='details')
''')
    assert "its downgrade() does not rename back" in messages(exercises.check_details())


def test_details_added_beside_description(rename):
    tutorial.edit_file(
        "billtracker/data/bills.py",
        "    description: Mapped[str] = mapped_column(String)\n",
        "    description: Mapped[str] = mapped_column(String)\n    details: Mapped[str | None] = mapped_column(String)\n",
    )
    assert "Bill has both `details` and `description`" in messages(exercises.check_details())
