"""The "Check my work" checkers of notebooks 06-11: each passes on its solution, and fails with the message
a learner needs on each typical mistake.

Each test starts where the learner starts the exercise: the notebook's code cells before "Your turn" run in
an IPython shell, as in its kernel; then the solution files (or a mistake) run as cells, as ``%load`` puts them.
"""

from __future__ import annotations

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
    assert report.missing == ["06.database.index-still-there", "06.model.last_payment.indexed", "06.revision.still-creates-index"]


def test_no_index_without_alembic_lists_the_later_steps_as_waiting(downgrade):
    """The checker stops at step 1 when the revisions cannot be read: steps 2 to 4 wait for it."""
    downgrade.path("alembic.ini").unlink()
    report = exercises.check_no_index()
    assert report.missing == ["06.revisions.unreadable", "06.step2.waiting", "06.step3.waiting", "06.step4.waiting"]
    assert report.verdict() == "Not done yet: 1 thing to do (marked ✗), then 3 steps to check (marked ○)."


def test_no_index_solution(downgrade, shell):
    solve(shell, "06_")
    report = exercises.check_no_index()
    assert report.passed, report.text()


def test_no_index_step_by_step(downgrade, shell):
    solve(shell, "06_no_index_1")
    assert exercises.check_no_index().up_to(1).passed
    solve(shell, "06_no_index_2", "06_no_index_3")
    report = exercises.check_no_index()
    assert report.up_to(3).passed and "06.database.not-at-head" in report.missing


def test_no_index_edited_while_applied(downgrade, shell):
    solve(shell, "06_no_index_2", "06_no_index_3", "06_no_index_4")  # no downgrade first: upgrade does nothing
    assert "06.database.index-kept-by-applied-revision" in exercises.check_no_index().missing


def test_no_index_model_kept_its_index(downgrade, shell):
    solve(shell, "06_no_index_1", "06_no_index_3", "06_no_index_4")
    assert exercises.check_no_index().missing == ["06.model.last_payment.indexed"]


def test_no_index_revision_not_changed(downgrade, shell):
    solve(shell, "06_no_index_1", "06_no_index_2", "06_no_index_4")
    missing = exercises.check_no_index().missing
    assert "06.revision.still-creates-index" in missing
    assert "06.database.index-still-there" in missing


def test_no_index_downgrade_still_drops_it(downgrade, shell):
    solve(shell, "06_no_index_1", "06_no_index_2")
    revision_file = downgrade.newest_revision_file()
    tutorial.edit_file(revision_file, "    op.create_index(op.f('ix_bills_last_payment'), 'bills', ['last_payment'], unique=False)\n", "    # no index\n")
    solve(shell, "06_no_index_4")
    assert "06.revision.downgrade-still-drops-index" in exercises.check_no_index().missing
    with pytest.raises(tutorial.CommandFailed, match="no such index"):
        alembic("downgrade -1")  # what the message warns of


def test_no_index_revision_file_deleted_while_applied(downgrade):
    downgrade.newest_revision_file().unlink()
    assert "06.database.revision-file-missing" in exercises.check_no_index().missing


def test_no_index_a_new_revision_that_drops_it_also_works(downgrade, shell):
    solve(shell, "06_no_index_2")
    alembic('revision --autogenerate -m "no index on last_payment"')
    alembic("upgrade head")
    report = exercises.check_no_index()
    assert report.passed, report.text()
    assert "06.revision.drops-index-later" in report.ids


# --------------------------------------------------------------------------- 07: the database of release 1.0


@pytest.fixture
def history(workspace, your_turn):
    return your_turn("07-read-the-history")


def test_release_1_not_started(history):
    report = exercises.check_release_1()
    assert not_started(report)
    assert report.missing == ["07.database.still-at-head"]


def test_release_1_solution(history, shell):
    solve(shell, "07_")
    report = exercises.check_release_1()
    assert report.passed, report.text()


def test_release_1_one_step_too_few(history):
    alembic("downgrade -1")
    report = exercises.check_release_1()
    assert report.missing == ["07.database.after-release-1"]
    assert "(add last_login to users)" in messages(report)  # the revision, as the history names it


def test_release_1_too_far(history):
    alembic("downgrade base")
    assert exercises.check_release_1().missing == ["07.database.at-base"]


# --------------------------------------------------------------------------- 08: downgrade.sql


@pytest.fixture
def offline(workspace, your_turn):
    return your_turn("08-write-offline-sql")


def test_downgrade_sql_not_started(offline):
    report = exercises.check_downgrade_sql()
    assert not_started(report)
    assert report.missing == ["08.sql.missing"]


def test_downgrade_sql_with_two_heads_leaves_the_database_waiting(offline):
    """The checker stops at step 1 when the history has two heads: step 2 waits for it."""
    first = offline.revision_files()[0].name.split("_")[0]
    alembic(f'revision -m "another branch" --head {first} --splice')
    report = exercises.check_downgrade_sql()
    assert report.missing == ["08.heads.several", "08.step2.waiting"]
    assert "○ The database, unchanged: checked once the steps before it are done." in report.text()


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
    assert exercises.check_downgrade_sql().missing == ["08.sql.log-lines"]


def test_downgrade_sql_that_upgrades(offline, shell):
    write_sql(f"upgrade {shell.user_ns['second']}:head --sql")
    assert exercises.check_downgrade_sql().missing == ["08.sql.upgrades"]


def test_downgrade_sql_down_to_base(offline):
    head = offline.newest_revision_file().name.split("_")[0]
    write_sql(f"downgrade {head}:base --sql")
    assert exercises.check_downgrade_sql().missing == ["08.sql.downgrades-too-far"]


def test_downgrade_ran_on_the_database(offline, shell):
    solve(shell, "08_downgrade_sql_1")
    alembic("downgrade -1")
    report = exercises.check_downgrade_sql()
    assert report.missing == ["08.database.downgraded"]
    assert report.up_to(1).passed


# --------------------------------------------------------------------------- 09: an index on bills.user_id


@pytest.fixture
def in_sync(workspace, your_turn):
    return your_turn("09-keep-models-and-database-in-sync")


def test_user_index_not_started(in_sync):
    report = exercises.check_user_index()
    assert not_started(report)
    assert "Bill.user_id is there, but it has no index: add `index=True`" in messages(report)
    assert report.missing[1:] == ["09.revision.missing"]  # the database and `alembic check` agree, for now


def test_user_index_solution(in_sync, shell):
    solve(shell, "09_")
    report = exercises.check_user_index()
    assert report.passed, report.text()


def test_user_index_model_only(in_sync, shell):
    solve(shell, "09_user_index_1")
    report = exercises.check_user_index()
    assert "09.check.differences" in report.missing
    text = messages(report)  # which difference: the wording is the point
    assert "`alembic check` fails: it finds index ix_bills_user_id on bills(user_id): in the models, not in the database." in text
    with pytest.raises(tutorial.CommandFailed, match="New upgrade operations detected"):
        alembic("check")  # as the checker says


def test_user_index_not_applied(in_sync, shell):
    solve(shell, "09_user_index_1", "09_user_index_2")
    report = exercises.check_user_index()
    assert "09.revision.adds-index" in report.ids and "09.database.not-at-head" in report.missing


def test_user_index_autogenerated_before_the_model(in_sync, shell):
    solve(shell, "09_user_index_2", "09_user_index_1")
    assert "09.revision.empty" in exercises.check_user_index().missing


# --------------------------------------------------------------------------- 10: bills.description as Text


@pytest.fixture
def batch(workspace, your_turn):
    return your_turn("10-use-batch-mode-on-sqlite")


def test_description_text_not_started(batch):
    report = exercises.check_description_text()
    assert not_started(report)
    assert "10.model.description.still-string" in report.missing
    assert "10.revision.missing" in report.missing and "10.database.description-not-text" in report.missing


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
    assert "10.revision.not-in-batch" in exercises.check_description_text().missing
    with pytest.raises(tutorial.CommandFailed):
        alembic("upgrade head")  # as the checker says


def test_description_text_not_upgraded(batch, shell):
    solve(shell, "10_description_text_1", "10_description_text_2")
    report = exercises.check_description_text()
    assert "not at the head" in messages(report)
    assert "10.revision.changes-type" in report.ids and "10.database.description-not-text" in report.missing


def test_description_text_autogenerated_before_the_model(batch, shell):
    solve(shell, "10_description_text_2", "10_description_text_1")
    assert "10.revision.empty" in exercises.check_description_text().missing


# --------------------------------------------------------------------------- 11: bills.description renamed to details


@pytest.fixture
def rename(workspace, your_turn):
    return your_turn("11-rename-a-column-safely")


def test_details_not_started(rename):
    report = exercises.check_details()
    assert not_started(report)
    assert report.missing == [
        "11.model.details.missing", "11.revision.missing", "11.step3.waiting", "11.step4.waiting",
    ]


def test_details_not_started_waits_for_a_revision_to_read(rename):
    """Step 3 reads the revision autogenerate writes: with none yet, it is waiting, after step 2, and so is the
    upgrade after it (upgraded before the rewrite, SQLite would refuse the revision)."""
    report = exercises.check_details()
    assert [finding.id for finding in report.waiting] == ["11.step3.waiting", "11.step4.waiting"]
    lines = report.text().splitlines()
    assert lines[3] == "○ The revision rewritten as a rename: checked once the steps before it are done."
    assert lines[-1] == "Not done yet: 2 things to do (marked ✗), then 2 steps to check (marked ○)."


def test_details_solution(rename, shell):
    solve(shell, "11_")
    report = exercises.check_details()
    assert report.passed, report.text()


def test_details_as_autogenerate_wrote_it(rename, shell):
    solve(shell, "11_details_1", "11_details_2")
    with pytest.raises(tutorial.CommandFailed, match="Cannot add a NOT NULL column"):
        alembic("upgrade head")
    report = exercises.check_details()
    assert "11.revision.drops-and-adds" in report.missing
    assert "not at the head" in messages(report)


def test_details_dropped_and_added_loses_the_descriptions(rename, shell):
    tutorial.edit_file(
        "billtracker/data/bills.py",
        "    description: Mapped[str] = mapped_column(String)\n",
        "    details: Mapped[str | None] = mapped_column(String)\n",
    )
    solve(shell, "11_details_2")
    alembic("upgrade head")
    report = exercises.check_details()
    assert "11.revision.drops-and-adds" in report.missing and "11.database.descriptions-lost" in report.missing
    assert "but 3 of 3 bills have none" in messages(report)  # how many were lost


def test_details_downgrade_not_rewritten(rename, shell):
    solve(shell, "11_details_1", "11_details_2")
    rewrite.function(rename.newest_revision_file(), '''
def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('bills') as batch_op:
        batch_op.alter_column('description', new_column_name='details')
''')
    assert "11.revision.downgrade-not-a-rename" in exercises.check_details().missing


def test_details_added_beside_description(rename):
    tutorial.edit_file(
        "billtracker/data/bills.py",
        "    description: Mapped[str] = mapped_column(String)\n",
        "    description: Mapped[str] = mapped_column(String)\n    details: Mapped[str | None] = mapped_column(String)\n",
    )
    assert "11.model.details-and-description" in exercises.check_details().missing
