"""The hint under a command's output: one for each common mistake, none for a healthy project."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

import tutorial
from tutorial import hints, story

PHONE_BEFORE = story.LAST_LOGIN_AFTER
PHONE_AFTER = PHONE_BEFORE + "    phone: Mapped[str | None] = mapped_column(String)\n"
PAYMENTS = '''\
from sqlalchemy import Float, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from billtracker.data.modelbase import SqlAlchemyBase


class Payment(SqlAlchemyBase):
    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("bills.id"))
    amount: Mapped[float] = mapped_column(Float)
'''
ALL_MODELS = "import billtracker.data.__all_models  # noqa: F401  (imports every model module)\n"


def failure(command: str, project) -> tutorial.CommandFailed:
    with pytest.raises(tutorial.CommandFailed) as raised:
        tutorial.run(command, project.folder, echo=False)
    return raised.value


def hint_after(command: str, project, capsys) -> str | None:
    """Run a command that works; return its hint (None if it printed none)."""
    capsys.readouterr()
    tutorial.run(command, project.folder)
    shown = re.search(r"^Hint: (.*)", capsys.readouterr().out, re.MULTILINE | re.DOTALL)
    return " ".join(shown.group(1).split()) if shown else None  # as one line, however the runner wraps it


def add_phone(project) -> None:
    story.replace(project.path("billtracker/data/users.py"), PHONE_BEFORE, PHONE_AFTER)


def add_payments_module(project) -> None:
    project.path("billtracker/data/payments.py").write_text(PAYMENTS)


def edit_env(project, old: str, new: str) -> None:
    story.replace(project.path("alembic/env.py"), old, new)


# --- a healthy project gets no hint ---------------------------------------------------------------


def test_a_healthy_project_gets_no_hint_from_everyday_commands(workspace, capsys):
    project = tutorial.start("h-healthy", stage="last_login-applied")
    add_phone(project)
    for command in [
        "alembic current",
        "alembic history",
        'alembic revision --autogenerate -m "add phone"',
        "alembic upgrade head",
        "alembic upgrade head",  # twice: nothing to do, and nothing to say
        "alembic check",
        'alembic revision -m "a data migration, written by hand"',
        "alembic upgrade head",
        "alembic downgrade -1",
        "alembic upgrade head",
        "alembic stamp head",
        "alembic heads",
    ]:
        assert hint_after(command, project, capsys) is None, command


def test_a_plain_revision_while_the_database_lags_behind_gets_no_hint(workspace, capsys):
    project = tutorial.start("h-lagging", stage="last_login-revision")  # differs only by the pending revision
    assert hint_after('alembic revision -m "by hand"', project, capsys) is None


def test_failures_unrelated_to_the_common_mistakes_get_no_hint(tmp_path):
    for message in [
        "Relative revision -5 didn't produce 5 migrations",
        "sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) no such table: users",
        "NameError: name 'Strin' is not defined",
    ]:
        assert hints.after_failure("alembic upgrade head", message, tmp_path) is None


def test_the_hints_leave_nothing_of_the_project_behind(workspace):
    project = tutorial.start("h-clean", stage="last_login-applied")
    add_phone(project)
    assert hints.model_differences(project.folder) == ["added column 'users.phone'"]
    assert not [name for name in sys.modules if name.split(".")[0] == "billtracker"]
    assert not list(project.folder.rglob("__pycache__"))


# --- case 1: ModuleNotFoundError --------------------------------------------------------------------


def test_missing_prepend_sys_path(workspace):
    project = tutorial.start("h-module", stage="tables")
    story.replace(project.path("alembic.ini"), "\nprepend_sys_path = .\n", "\n# prepend_sys_path = .\n")
    error = failure("alembic current", project)
    assert "ModuleNotFoundError: No module named 'billtracker'" in error.message
    assert "(raised in alembic/env.py, line 19)" in error.message
    assert "`prepend_sys_path = .`" in error.hint


def test_a_missing_module_other_than_the_project(tmp_path):
    folder = tmp_path / "project"
    (folder / "billtracker").mkdir(parents=True)
    (folder / "alembic.ini").write_text("[alembic]\nprepend_sys_path = .\n")
    message = "ModuleNotFoundError: No module named '{}'"
    assert "from the folder that holds alembic.ini" in hints.after_failure("alembic current", message.format("billtracker.data"), folder)
    assert "not installed" in hints.after_failure("alembic current", message.format("psycopg2"), folder)


# --- case 2: empty migrations, and no metadata at all -----------------------------------------------


def test_autogenerate_left_out_while_the_models_differ(workspace, capsys):
    project = tutorial.start("h-plain", stage="last_login-applied")
    add_phone(project)
    hint = hint_after('alembic revision -m "add phone"', project, capsys)
    assert "without `--autogenerate`" in hint and "added column 'users.phone'" in hint


def test_an_empty_autogenerate_because_env_py_misses_a_model_module(workspace, capsys):
    project = tutorial.start("h-unimported", stage="last_login-applied")
    add_payments_module(project)
    hint = hint_after('alembic revision --autogenerate -m "add payments"', project, capsys)
    assert hint.startswith("this migration is empty, yet your models differ from the database (added table 'payments')")
    assert "import every model module" in hint


def test_an_empty_autogenerate_because_nothing_changed(workspace, capsys):
    project = tutorial.start("h-unchanged", stage="last_login-applied")
    hint = hint_after('alembic revision --autogenerate -m "nothing"', project, capsys)
    assert hint.startswith("this migration is empty: your models and the database already match")


def test_target_metadata_none(workspace):
    project = tutorial.start("h-none", stage="tables")
    edit_env(project, "target_metadata = SqlAlchemyBase.metadata\n", "target_metadata = None\n")
    error = failure('alembic revision --autogenerate -m "x"', project)
    assert "does not provide a MetaData object" in error.message
    assert "`target_metadata = SqlAlchemyBase.metadata`" in error.hint


# --- case 3: drops ----------------------------------------------------------------------------------


def test_autogenerate_drops_a_table_whose_model_env_py_does_not_import(workspace, capsys):
    project = tutorial.start("h-drop-model", stage="tables")
    edit_env(project, ALL_MODELS, "import billtracker.data.users  # noqa: F401\n")
    hint = hint_after('alembic revision --autogenerate -m "x"', project, capsys)
    assert hint.startswith("this migration drops table 'bills', whose models exist (billtracker/data/bills.py)")


def test_autogenerate_drops_a_table_of_another_tool(workspace, capsys):
    project = tutorial.start("h-drop-other", stage="tables")
    with project.engine().begin() as connection:
        connection.execute(text("CREATE TABLE audit_log (id INTEGER PRIMARY KEY)"))
    hint = hint_after('alembic revision --autogenerate -m "x"', project, capsys)
    assert "drops table 'audit_log', which no model of yours defines" in hint and "include_name" in hint


def test_a_model_deleted_on_purpose_is_not_blamed_on_env_py(workspace, capsys):
    project = tutorial.start("h-drop-deleted", stage="tables")
    add_payments_module(project)
    story.replace(project.path("billtracker/data/__all_models.py"), "bills, users", "bills, payments, users")
    tutorial.run('alembic revision --autogenerate -m "add payments"', project.folder, echo=False)
    tutorial.run("alembic upgrade head", project.folder, echo=False)
    project.path("billtracker/data/payments.py").unlink()
    story.replace(project.path("billtracker/data/__all_models.py"), "bills, payments, users", "bills, users")
    hint = hint_after('alembic revision --autogenerate -m "drop payments"', project, capsys)
    assert "which no model of yours defines" in hint and "deleted its model on purpose" in hint


# --- case 4: not up to date -------------------------------------------------------------------------


def test_autogenerate_before_upgrade(workspace):
    project = tutorial.start("h-behind", stage="last_login-revision")
    error = failure('alembic revision --autogenerate -m "x"', project)
    assert error.message == "Target database is not up to date."
    assert error.hint.startswith("run `alembic upgrade head` first, then autogenerate")


# --- case 5: an edited revision that already ran ----------------------------------------------------


def test_upgrade_after_editing_an_applied_revision(workspace, capsys):
    project = tutorial.start("h-edited", stage="last_login-applied")
    revision = project.newest_revision_file()
    story.replace(
        revision,
        "    op.add_column('users', sa.Column('last_login', sa.DateTime(), nullable=True))\n",
        "    op.add_column('users', sa.Column('last_login', sa.DateTime(), nullable=True))\n"
        "    op.create_index('ix_users_last_login', 'users', ['last_login'])\n",
    )
    hint = hint_after("alembic upgrade head", project, capsys)
    assert hint.startswith(f"nothing ran, yet alembic/versions/{revision.name}, which this database already ran")
    assert "ix_users_last_login" not in [index["name"] for index in inspect(project.engine()).get_indexes("users")]


# --- case 6: unknown revisions, and stamping back ---------------------------------------------------


def test_a_revision_named_in_the_command_that_does_not_exist(workspace):
    project = tutorial.start("h-typo", stage="tables")
    error = failure("alembic downgrade abc123", project)
    assert "alembic history" in error.hint


def test_the_database_names_a_revision_whose_file_is_gone(workspace):
    project = tutorial.start("h-lost", stage="last_login-applied")
    lost = project.newest_revision_file()
    lost.unlink()
    error = failure("alembic current", project)
    assert f"the database says it is at revision {lost.name[:12]}" in error.hint
    assert "Restore the file" in error.hint and "alembic stamp --purge" in error.hint


def test_upgrading_a_database_whose_tables_are_ahead_of_its_revision(workspace):
    project = tutorial.start("h-ahead", stage="last_login-applied")
    first = project.revision_files()[0].name[:12]
    tutorial.run(f"alembic stamp {first}", project.folder, echo=False)  # the column stays: a stamp runs nothing
    error = failure("alembic upgrade head", project)
    assert "duplicate column name: last_login" in error.message
    assert error.hint.startswith("the database already has what this revision creates")


def test_a_batch_operation_that_failed_earlier(tmp_path):
    message = "sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) table _alembic_tmp_users already exists"
    hint = hints.after_failure("alembic upgrade head", message, tmp_path)
    assert hint.startswith("a batch operation that failed earlier left its temporary table `_alembic_tmp_users`")


# --- case 7: two heads ------------------------------------------------------------------------------


def test_two_heads(workspace):
    project = tutorial.start("h-heads", stage="last_login-applied")
    first = project.revision_files()[0].name[:12]
    tutorial.run('alembic revision -m "mine"', project.folder, echo=False)
    tutorial.run(f'alembic revision -m "theirs" --head {first} --splice', project.folder, echo=False)
    error = failure("alembic upgrade head", project)
    assert "Multiple head revisions are present" in error.message
    assert "alembic merge heads" in error.hint
    assert "alembic merge heads" in failure('alembic revision -m "next"', project).hint


# --- the comparison itself ----------------------------------------------------------------------------


def test_model_differences_reads_the_files_as_they_are_now(workspace):
    project = tutorial.start("h-compare", stage="tables")
    assert hints.model_differences(project.folder) == []
    add_payments_module(project)  # not in __all_models: found all the same
    assert hints.model_differences(project.folder) == ["added table 'payments'"]


def test_tables_of_other_tools_are_not_differences(workspace):
    project = tutorial.start("h-other", stage="tables")
    with project.engine().begin() as connection:
        connection.execute(text("CREATE TABLE audit_log (id INTEGER PRIMARY KEY)"))
    assert hints.model_differences(project.folder) == []


def test_no_models_or_no_database_means_no_comparison(workspace):
    project = tutorial.start("h-nothing", stage="models")
    assert hints.model_differences(project.folder) == []  # no database file: none is created
    assert not project.path("billtracker.sqlite").exists()
    assert hints.model_differences(Path(workspace)) == []
