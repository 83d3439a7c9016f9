"""The hint rules: each one fires for its mistake, and stays silent where the project says otherwise.

Every rule of :data:`tutorial.hints.RULES` has at least one test named ``fires(...)`` and one
``silent(...)`` here (the last test checks that), and a healthy project hears nothing.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

import tutorial
from tutorial import hints, snapshot, story, terminal

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
NOT_NULL_REVISION = "    op.add_column('users', sa.Column('last_login', sa.DateTime(), nullable=True))\n"


def outcome(command: str, folder) -> snapshot.Snapshot:
    """Run ``command`` (no hint) and take the snapshot the hint rules would see."""
    try:
        result = terminal.run(command, folder, echo=False)
        return snapshot.Snapshot(command, Path(folder), result.output)
    except terminal.CommandFailed as failure:
        return snapshot.Snapshot(command, Path(folder), "", failure.message)


def fires(rule_id: str, command: str | snapshot.Snapshot, folder=None) -> str:
    """Run ``command`` (or take a snapshot already made): the rule ``rule_id`` must be the one that speaks.

    Its hint says what happened, then what to do, one space apart (:class:`tutorial.hints.Hint`).
    """
    seen = command if isinstance(command, snapshot.Snapshot) else outcome(command, folder)
    found = hints.diagnose(seen)
    assert found is not None and found[0] == rule_id, f"{command}: {found}"
    hint = next(rule for rule in hints.RULES if rule.id == rule_id).check(seen)
    assert hint.problem[-1:] in (":", ".") and hint.fix and not hint.fix.startswith(" "), hint
    assert hint.text() == found[1] == f"{hint.problem} {hint.fix}"
    return found[1]


def silent(rule_id: str, command: str | snapshot.Snapshot, folder=None) -> None:
    """Run ``command`` (or take a snapshot): the rule ``rule_id``, which looks at such an outcome, must say nothing."""
    seen = command if isinstance(command, snapshot.Snapshot) else outcome(command, folder)
    rule = next(rule for rule in hints.RULES if rule.id == rule_id)
    assert rule.after == ("failure" if seen.failed else "success"), f"{command} does not test {rule_id}"
    assert rule.check(seen) is None, command


def message_fires(rule_id: str, message: str, folder, command: str = "alembic upgrade head") -> str:
    found = hints.diagnose(snapshot.Snapshot(command, Path(folder), "", message))
    assert found is not None and found[0] == rule_id, found
    return found[1]


def message_silent(rule_id: str, message: str, folder, command: str = "alembic upgrade head") -> None:
    """The rule ``rule_id`` must say nothing of this failure, the project being as it is."""
    rule = next(rule for rule in hints.RULES if rule.id == rule_id)
    assert rule.after == "failure"
    assert rule.check(snapshot.Snapshot(command, Path(folder), "", message)) is None


def add_phone(project) -> None:
    story.replace(project.path("billtracker/data/users.py"), PHONE_BEFORE, PHONE_AFTER)


def add_payments_module(project) -> None:
    project.path("billtracker/data/payments.py").write_text(PAYMENTS)


def edit_env(project, old: str, new: str) -> None:
    story.replace(project.path("alembic/env.py"), old, new)


def first_revision(project) -> str:
    return project.revision_files()[0].name[:12]


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
        "alembic upgrade head --sql",
    ]:
        assert hints.diagnose(outcome(command, project.folder)) is None, command


def test_the_terminal_cells_show_the_hint_once_under_the_output(workspace, capsys):
    project = tutorial.start("h-shown", stage="tables")
    capsys.readouterr()
    tutorial.run('alembic revision --autogenerate -m "nothing changed"', project.folder)
    printed = capsys.readouterr().out
    assert printed.count("Hint: this migration is empty") == 1
    with pytest.raises(tutorial.CommandFailed) as failure:
        tutorial.run("alembic downgrade -5", project.folder, echo=False)
    assert failure.value.hint.startswith("the database is at")
    assert "Hint: the database is at" in "\n".join(failure.value._render_traceback_())


def test_commands_run_by_the_tutorial_itself_pay_for_no_hint(workspace, monkeypatch):
    monkeypatch.setattr(hints.registry, "diagnose", lambda _: pytest.fail("story steps must not compute hints"))
    tutorial.start("h-story", stage="last_login-applied")


def test_failures_unrelated_to_the_common_mistakes_get_no_hint(tmp_path):
    for message in [
        "sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) no such table: users",
        "NameError: name 'Strin' is not defined",
    ]:
        assert hints.advise("alembic upgrade head", tmp_path, "", message) is None


def test_a_rule_that_cannot_read_the_project_says_nothing(tmp_path, monkeypatch):
    def broken(_):
        raise RuntimeError("cannot read")

    monkeypatch.setattr(hints.registry, "RULES", [hints.Rule("broken", "a broken rule", "failure", broken)])
    assert hints.advise("alembic upgrade head", tmp_path, "", "anything") is None


def test_the_hints_leave_nothing_of_the_project_behind(workspace):
    project = tutorial.start("h-clean", stage="last_login-applied")
    add_phone(project)
    assert snapshot.model_differences(project.folder) == ["added column 'users.phone'"]
    assert not [name for name in sys.modules if name.split(".")[0] == "billtracker"]
    assert not list(project.folder.rglob("__pycache__"))


# --- the command itself ---------------------------------------------------------------------------


def test_mistyped_command(workspace, capsys):
    project = tutorial.start("h-typo-command", stage="tables")
    assert fires("mistyped-command", "alembic upgrad head", project.folder) == (
        "`upgrad` is not an Alembic command. Did you mean `alembic upgrade head`?"
    )
    silent("mistyped-command", "alembic frobnicate", project.folder)  # nothing close: no guess
    capsys.readouterr()
    with pytest.raises(tutorial.CommandFailed) as failure:
        tutorial.run("alembic upgrad head", project.folder)
    printed = capsys.readouterr().out + "\n".join(failure.value._render_traceback_())
    assert printed.count("usage: alembic") == 1 and printed.count("invalid choice") == 1


def test_missing_argument(workspace):
    project = tutorial.start("h-no-target", stage="tables")
    assert "`alembic upgrade head`" in fires("missing-argument", "alembic upgrade", project.folder)
    silent("missing-argument", "alembic upgrade head extra", project.folder)  # another usage error


def test_not_a_project(tmp_path, workspace):
    hint = fires("not-a-project", "alembic current", tmp_path)
    assert "first code cell" in hint and "alembic init alembic" in hint
    assert "no file alembic-x.ini" in fires("not-a-project", "alembic -c alembic-x.ini current", tmp_path)
    project = tutorial.start("h-no-script-folder", stage="tables")
    (project.folder / "alembic").rename(project.folder / "migrations")
    assert "`%(here)s/alembic` (script_location)" in fires("not-a-project", "alembic current", project.folder)
    (project.folder / "migrations").rename(project.folder / "alembic")
    message_silent("not-a-project", "Path doesn't exist: alembic.", project.folder, "alembic current")


def test_init_twice(workspace):
    project = tutorial.start("h-init-twice", stage="alembic")
    assert "has Alembic already" in fires("init-twice", "alembic init alembic", project.folder)
    (project.folder / "elsewhere").mkdir()
    (project.folder / "elsewhere" / "notes.txt").write_text("mine")
    silent("init-twice", "alembic init elsewhere", project.folder)  # a folder of the learner's, not Alembic's


# --- env.py and the models --------------------------------------------------------------------------


def test_no_target_metadata(workspace):
    project = tutorial.start("h-none", stage="tables")
    edit_env(project, "target_metadata = SqlAlchemyBase.metadata\n", "target_metadata = None\n")
    hint = fires("no-target-metadata", 'alembic revision --autogenerate -m "x"', project.folder)
    assert "`target_metadata = SqlAlchemyBase.metadata`" in hint


def test_no_target_metadata_stays_silent_when_env_py_sets_something_else(workspace):
    project = tutorial.start("h-none-other", stage="tables")
    edit_env(project, "target_metadata = SqlAlchemyBase.metadata\n", "target_metadata = {}.get('x')\n")
    silent("no-target-metadata", 'alembic revision --autogenerate -m "x"', project.folder)


def test_missing_prepend_sys_path(workspace):
    project = tutorial.start("h-module", stage="tables")
    story.replace(project.path("alembic.ini"), "\nprepend_sys_path = .\n", "\n# prepend_sys_path = .\n")
    seen = outcome("alembic current", project.folder)
    assert "ModuleNotFoundError: No module named 'billtracker'" in seen.message
    assert "(raised in alembic/env.py, line 19)" in seen.message
    assert "`prepend_sys_path = .`" in fires("module-not-found", "alembic current", project.folder)


def test_a_model_module_that_does_not_exist(workspace):
    project = tutorial.start("h-module-file", stage="tables")
    story.replace(project.path("billtracker/data/__all_models.py"), "bills, users", "bills, payments, users")
    seen = outcome("alembic current", project.folder)
    silent("module-not-found", seen)
    assert fires("name-not-in-package", seen).startswith("there is no billtracker/data/payments.py")


def test_a_name_that_the_package_has(workspace):
    project = tutorial.start("h-import-name", stage="tables")
    message = "ImportError: cannot import name 'bills' from 'billtracker.data'"
    message_silent("name-not-in-package", message, project.folder, "alembic current")  # bills.py is there


def test_a_misspelled_project_package(workspace):
    project = tutorial.start("h-module-typo", stage="tables")
    edit_env(project, ALL_MODELS, "import biltracker.data.__all_models  # noqa: F401\n")
    assert "your project has `billtracker`" in fires("module-not-found", "alembic current", project.folder)


def test_a_module_that_is_not_installed(tmp_path):
    hint = message_fires("module-not-found", "ModuleNotFoundError: No module named 'psycopg7'", tmp_path)
    assert "not installed" in hint


def test_module_not_found_stays_silent_for_an_installed_package(tmp_path):
    message_silent("module-not-found", "ModuleNotFoundError: No module named 'sqlalchemy'", tmp_path)


# --- where the database stands ------------------------------------------------------------------------


def test_two_heads(workspace):
    project = tutorial.start("h-heads", stage="last_login-applied")
    message_silent("multiple-heads", "Multiple head revisions are present for given argument 'head'", project.folder)
    tutorial.run('alembic revision -m "mine"', project.folder, echo=False)
    tutorial.run(f'alembic revision -m "theirs" --head {first_revision(project)} --splice', project.folder, echo=False)
    assert "alembic merge heads" in fires("multiple-heads", "alembic upgrade head", project.folder)
    assert "has 2 heads" in fires("multiple-heads", 'alembic revision -m "next"', project.folder)


def test_autogenerate_before_upgrade(workspace):
    project = tutorial.start("h-behind", stage="last_login-revision")
    hint = fires("autogenerate-behind", 'alembic revision --autogenerate -m "x"', project.folder)
    assert hint.startswith("1 revision waits to be applied: run `alembic upgrade head` first, then autogenerate")
    tutorial.run("alembic upgrade head", project.folder, echo=False)
    message_silent("autogenerate-behind", "Target database is not up to date.", project.folder,
                   'alembic revision --autogenerate -m "x"')


def test_check_before_upgrade_says_not_to_autogenerate(workspace):
    project = tutorial.start("h-check-behind", stage="last_login-revision")
    hint = fires("check-behind", "alembic check", project.folder)
    assert "Run `alembic upgrade head`, then check again" in hint and "No new revision is needed" in hint
    assert "then autogenerate" not in hint
    tutorial.run("alembic upgrade head", project.folder, echo=False)
    message_silent("check-behind", "Target database is not up to date.", project.folder, "alembic check")


def test_downgrade_past_base(workspace):
    project = tutorial.start("h-past-base", stage="last_login-applied")
    hint = fires("relative-past-the-end", "alembic downgrade -3", project.folder)
    assert "2 steps above base: `alembic downgrade -2` at most, or `alembic downgrade base`" in hint
    message_silent("relative-past-the-end", "Relative revision -2 didn't produce 2 migrations", project.folder,
                   "alembic downgrade -2")  # two steps are there: the message must come from something else
    tutorial.run("alembic downgrade base", project.folder, echo=False)
    assert "there is nothing to downgrade" in fires("relative-past-the-end", "alembic downgrade -1", project.folder)


def test_upgrade_past_head(workspace):
    project = tutorial.start("h-past-head", stage="last_login-revision")
    hint = fires("relative-past-the-end", "alembic upgrade +2", project.folder)
    assert "1 step below the head: `alembic upgrade +1` at most" in hint
    tutorial.run("alembic upgrade head", project.folder, echo=False)
    assert "the head: there is nothing to upgrade" in fires("relative-past-the-end", "alembic upgrade +1", project.folder)


def test_a_revision_named_in_the_command_that_does_not_exist(workspace):
    project = tutorial.start("h-typo", stage="tables")
    assert "alembic history" in fires("unknown-revision-typed", "alembic downgrade abc123", project.folder)


def test_the_database_names_a_revision_whose_file_is_gone(workspace):
    project = tutorial.start("h-lost", stage="last_login-applied")
    message_silent("unknown-revision-in-database", "Can't locate revision identified by 'abcdef123456'",
                   project.folder, "alembic current")  # the database is not at that revision
    lost = project.newest_revision_file()
    lost.unlink()
    hint = fires("unknown-revision-in-database", "alembic current", project.folder)
    assert f"the database says it is at revision {lost.name[:12]}" in hint
    assert "Restore the file" in hint
    assert "After a squash, upgrade this database with the previous release first" in hint
    assert "the new baseline kept the old head's id" in hint
    assert "stamp" not in hint  # a stamp before that upgrade would hide the columns the database lacks
    silent("unknown-revision-typed", "alembic current", project.folder)


def test_unknown_revision_typed_stays_silent_for_a_revision_in_the_database(workspace):
    project = tutorial.start("h-lost-typed", stage="last_login-applied")
    lost = project.newest_revision_file()
    lost.unlink()
    silent("unknown-revision-in-database", f"alembic downgrade {lost.name[:12]}", project.folder)


# --- what the database refused --------------------------------------------------------------------


def test_a_batch_operation_that_failed_earlier(workspace):
    project = tutorial.start("h-batch", stage="tables")
    message = "sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) table _alembic_tmp_users already exists"
    message_silent("batch-leftover", message, project.folder)  # no such table: not that
    with project.engine().begin() as connection:
        connection.execute(text("CREATE TABLE _alembic_tmp_users (id INTEGER)"))
    hint = message_fires("batch-leftover", message, project.folder)
    assert hint.startswith("a batch operation that failed earlier left its temporary table `_alembic_tmp_users`")


def write_not_null_revision(project) -> None:
    """users.last_login as NOT NULL without a default, in the revision and the model."""
    revision = project.newest_revision_file()
    story.replace(revision, NOT_NULL_REVISION, NOT_NULL_REVISION.replace("nullable=True", "nullable=False"))


def test_not_null_column_without_default_on_a_table_with_rows(workspace):
    project = tutorial.start("h-not-null", stage="last_login-revision")
    write_not_null_revision(project)
    hint = fires("not-null-without-default", "alembic upgrade head", project.folder)
    assert "server_default" in hint and "nullable=True" in hint


def test_an_empty_table_takes_a_not_null_column_so_the_rule_has_nothing_to_say(workspace):
    project = tutorial.start("h-not-null-empty", stage="last_login-revision")
    with project.engine().begin() as connection:
        connection.execute(text("DELETE FROM bills"))
        connection.execute(text("DELETE FROM users"))
    write_not_null_revision(project)
    assert not outcome("alembic upgrade head", project.folder).failed  # SQLite too: no rows, no problem


def test_not_null_stays_silent_for_a_table_it_cannot_find(workspace):
    project = tutorial.start("h-nullable", stage="last_login-revision")
    message = "Cannot add a NOT NULL column with default value NULL [SQL: ALTER TABLE nosuch ADD COLUMN x INTEGER]"
    message_silent("not-null-without-default", message, project.folder)


def test_upgrading_a_database_whose_tables_are_ahead_of_its_revision(workspace):
    project = tutorial.start("h-ahead", stage="last_login-applied")
    tutorial.run(f"alembic stamp {first_revision(project)}", project.folder, echo=False)  # a stamp runs nothing
    assert outcome("alembic upgrade head", project.folder).message.count("duplicate column name: last_login")
    hint = fires("already-there", "alembic upgrade head", project.folder)
    assert hint.startswith("the database already has `last_login`, which this revision creates")


def test_already_there_stays_silent_when_the_database_lacks_it(workspace):
    project = tutorial.start("h-not-there", stage="tables")
    message_silent("already-there", "(sqlite3.OperationalError) table payments already exists", project.folder)


# --- commands that worked, but probably not as meant ------------------------------------------------


def test_revision_without_message(workspace):
    project = tutorial.start("h-no-message", stage="last_login-applied")
    hint = fires("revision-without-message", "alembic revision", project.folder)
    assert "has no message (`-m`)" in hint and project.newest_revision_file().name in hint
    silent("revision-without-message", 'alembic revision -m "by hand"', project.folder)


def test_autogenerate_left_out_while_the_models_differ(workspace):
    project = tutorial.start("h-plain", stage="last_login-applied")
    add_phone(project)
    hint = fires("plain-revision-models-differ", 'alembic revision -m "add phone"', project.folder)
    assert "without `--autogenerate`" in hint and "added column 'users.phone'" in hint


def test_a_plain_revision_for_a_model_module_that_env_py_does_not_import(workspace):
    project = tutorial.start("h-plain-unimported", stage="last_login-applied")
    add_payments_module(project)
    hint = fires("plain-revision-models-differ", 'alembic revision -m "add payments"', project.folder)
    assert "(added table 'payments') in a way env.py does not see" in hint and "import every model module" in hint


def test_a_plain_revision_while_the_database_lags_behind(workspace):
    project = tutorial.start("h-lagging", stage="last_login-revision")  # differs only by the pending revision
    silent("plain-revision-models-differ", 'alembic revision -m "by hand"', project.folder)


def test_an_empty_autogenerate_because_env_py_misses_a_model_module(workspace):
    project = tutorial.start("h-unimported", stage="last_login-applied")
    add_payments_module(project)
    hint = fires("empty-autogenerate-models-differ", 'alembic revision --autogenerate -m "add payments"', project.folder)
    assert hint.startswith("this migration is empty, yet your models differ from the database (added table 'payments')")
    assert "import every model module" in hint


def test_an_empty_autogenerate_because_nothing_changed(workspace):
    project = tutorial.start("h-unchanged", stage="last_login-applied")
    seen = outcome('alembic revision --autogenerate -m "nothing"', project.folder)
    silent("empty-autogenerate-models-differ", seen)
    hint = fires("empty-autogenerate", seen)
    assert hint.startswith("this migration is empty: your models and the database already match")


def test_a_real_autogenerate_is_not_called_empty(workspace):
    project = tutorial.start("h-not-empty", stage="last_login-applied")
    add_phone(project)
    silent("empty-autogenerate", 'alembic revision --autogenerate -m "add phone"', project.folder)


def test_autogenerate_drops_a_table_whose_model_env_py_does_not_import(workspace):
    project = tutorial.start("h-drop-model", stage="tables")
    edit_env(project, ALL_MODELS, "import billtracker.data.users  # noqa: F401\n")
    seen = outcome('alembic revision --autogenerate -m "x"', project.folder)
    silent("autogenerate-drops-a-foreign-table", seen)
    hint = fires("autogenerate-drops-a-modelled-table", seen)
    assert hint.startswith("this migration drops table 'bills', whose models exist (billtracker/data/bills.py)")


def test_autogenerate_drops_a_table_of_another_tool(workspace):
    project = tutorial.start("h-drop-other", stage="tables")
    with project.engine().begin() as connection:
        connection.execute(text("CREATE TABLE audit_log (id INTEGER PRIMARY KEY)"))
    seen = outcome('alembic revision --autogenerate -m "x"', project.folder)
    silent("autogenerate-drops-a-modelled-table", seen)
    hint = fires("autogenerate-drops-a-foreign-table", seen)
    assert "drops table 'audit_log', which no model of yours defines" in hint and "include_name" in hint


def test_a_model_deleted_on_purpose_is_not_blamed_on_env_py(workspace):
    project = tutorial.start("h-drop-deleted", stage="tables")
    add_payments_module(project)
    story.replace(project.path("billtracker/data/__all_models.py"), "bills, users", "bills, payments, users")
    tutorial.run('alembic revision --autogenerate -m "add payments"', project.folder, echo=False)
    tutorial.run("alembic upgrade head", project.folder, echo=False)
    project.path("billtracker/data/payments.py").unlink()
    story.replace(project.path("billtracker/data/__all_models.py"), "bills, payments, users", "bills, users")
    hint = fires("autogenerate-drops-a-foreign-table", 'alembic revision --autogenerate -m "drop payments"', project.folder)
    assert "deleted its model on purpose" in hint


def test_upgrade_after_editing_an_applied_revision(workspace):
    project = tutorial.start("h-edited", stage="last_login-applied")
    silent("upgrade-after-editing-an-applied-revision", "alembic upgrade head", project.folder)
    revision = project.newest_revision_file()
    story.replace(
        revision, NOT_NULL_REVISION, NOT_NULL_REVISION + "    op.create_index('ix_users_last_login', 'users', ['last_login'])\n"
    )
    hint = fires("upgrade-after-editing-an-applied-revision", "alembic upgrade head", project.folder)
    assert hint.startswith(f"nothing ran, yet alembic/versions/{revision.name}, which this database already ran")
    assert "ix_users_last_login" not in [index["name"] for index in inspect(project.engine()).get_indexes("users")]


def test_current_prints_nothing_at_base(workspace):
    project = tutorial.start("h-current-base", stage="last_login-applied")
    silent("current-prints-nothing", "alembic current", project.folder)
    tutorial.run("alembic downgrade base", project.folder, echo=False)
    hint = fires("current-prints-nothing", "alembic current", project.folder)
    assert hint == "the database is at base: none of your 2 revisions is applied yet. `alembic upgrade head` applies them."


def test_current_prints_nothing_before_the_first_revision(workspace):
    project = tutorial.start("h-current-none", stage="alembic")
    hint = fires("current-prints-nothing", "alembic current", project.folder)
    assert hint.endswith("project has none yet: `alembic revision --autogenerate -m \"...\"` writes the first one.")
    edit_env(project, "target_metadata = SqlAlchemyBase.metadata\n", "target_metadata = None\n")
    assert "once env.py knows your models" in fires("current-prints-nothing", "alembic current", project.folder)


def test_current_prints_nothing_for_tables_made_without_alembic(workspace):
    project = tutorial.start("h-current-create-all", stage="tables")
    tutorial.run("alembic stamp base", project.folder, echo=False)
    hint = fires("current-prints-nothing", "alembic current", project.folder)
    assert "yet the database has tables (bills, users)" in hint and "alembic stamp head" in hint


# --- the table of rules itself ------------------------------------------------------------------------


def test_every_rule_has_a_test_that_it_fires_and_one_that_it_stays_silent():
    source = "\n".join(path.read_text(encoding="utf-8") for path in sorted(Path(__file__).parent.glob("test_hints*.py")))
    fired = set(re.findall(r'fires\(\s*"([\w-]+)"', source))
    silenced = set(re.findall(r'silent\(\s*"([\w-]+)"', source))
    ids = [rule.id for rule in hints.RULES]
    assert len(ids) == len(set(ids)), "two rules share an id"
    assert not set(ids) - fired, f"rules never shown to fire: {set(ids) - fired}"
    assert not set(ids) - silenced, f"rules never shown to stay silent: {set(ids) - silenced}"


def test_the_rules_are_asked_in_the_declared_order_each_once():
    assert [rule.id for rule in hints.RULES] == hints.ORDER == hints.AFTER_A_FAILURE + hints.AFTER_SUCCESS
    assert len(hints.ORDER) == len(set(hints.ORDER)), "a rule is declared twice"
    assert {rule.id: rule.after for rule in hints.RULES} == {
        **{id: "failure" for id in hints.AFTER_A_FAILURE}, **{id: "success" for id in hints.AFTER_SUCCESS}
    }, "a rule is declared among the commands it does not look at"


def test_an_order_that_leaves_out_repeats_or_invents_a_rule_is_refused():
    declared = list(hints.RULES)
    for order in (hints.ORDER[1:], hints.ORDER + hints.ORDER[:1], hints.ORDER + ["no-such-rule"]):
        with pytest.raises(ValueError, match="the order of the hint rules"):
            hints.registry.arrange(order)
    assert hints.RULES == declared


def overlap(first: str, then: str, seen: snapshot.Snapshot) -> None:
    """Both rules speak of this outcome, and the one declared first is the one shown."""
    for rule_id in (first, then):
        rule = next(rule for rule in hints.RULES if rule.id == rule_id)
        assert rule.check(seen), f"{rule_id} says nothing of {seen.command}"
    assert hints.ORDER.index(first) < hints.ORDER.index(then)
    assert hints.diagnose(seen)[0] == first


def test_a_missing_driver_is_named_rather_than_called_not_installed(workspace):
    project = tutorial.start("h-overlap-driver", stage="tables")
    story.replace(project.path("alembic.ini"), "sqlite:///billtracker.sqlite", "mysql+mysqldb://root@127.0.0.1/billtracker")
    overlap("missing-driver", "module-not-found", outcome("alembic current", project.folder))


def test_a_module_beside_a_config_elsewhere_is_named_rather_than_called_not_installed(workspace):
    project = tutorial.start("h-overlap-elsewhere", stage="tables")
    project.path("deploy").mkdir()
    overlap("module-beside-the-config", "module-not-found", outcome("alembic -c ../alembic.ini current", project.folder / "deploy"))


def test_a_plain_revision_without_a_message_hears_of_the_message_first(workspace):
    project = tutorial.start("h-overlap-plain", stage="last_login-applied")
    add_phone(project)
    overlap("revision-without-message", "plain-revision-models-differ", outcome("alembic revision", project.folder))


def test_a_misspelled_variable_is_named_rather_than_the_empty_current(workspace, monkeypatch):
    project = tutorial.start("h-overlap-variable", stage="last_login-applied")
    tutorial.run("alembic downgrade base", project.folder, echo=False)
    monkeypatch.setenv("BILLTRACKER_DATABSE_URL", "sqlite:///elsewhere.sqlite")
    overlap("misspelled-database-variable", "current-prints-nothing", outcome("alembic current", project.folder))


def tutorial_imports(module: str) -> set[str]:
    """The tutorial's modules that ``module`` (``snapshot``, ``hints/registry``) imports, named the same way."""
    package = Path(tutorial.__file__).parent
    path = package / f"{module}.py" if (package / f"{module}.py").is_file() else package / module / "__init__.py"
    folder = module.split("/")[:-1] if path.name != "__init__.py" else module.split("/")
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = [*folder[:len(folder) - node.level + 1], *(node.module.split(".") if node.module else [])]
            found |= {"/".join(base)} | {"/".join([*base, alias.name]) for alias in node.names}
    found.discard("")  # `from . import x` runs tutorial/__init__.py, already run: the package imports every module
    return {name for name in found if (package / f"{name}.py").is_file() or (package / name / "__init__.py").is_file()}


def test_the_hints_import_the_project_reading_never_the_reverse():
    """The modules the hints use (the snapshot, the inspection, and what they use) never import the hints."""
    rules = {f"hints/{path.stem}" for path in (Path(tutorial.__file__).parent / "hints").glob("*.py")} - {"hints/__init__"}
    assert {"hints/registry", "hints/commands"} <= rules
    below, todo = set(), set().union(*(tutorial_imports(module) for module in rules)) - rules - {"hints"}
    while todo:
        module = todo.pop()
        below.add(module)
        todo |= tutorial_imports(module) - below
    assert {"snapshot", "inspection"} <= below
    assert not [module for module in below if module.startswith("hints")], "the hints import themselves through another"
    assert not [module for module in below if "hints" in tutorial_imports(module)]
    assert tutorial_imports("hints/registry") == {"snapshot"}, "the machinery knows no rule"
    for module in rules - {"hints/registry"}:
        assert tutorial_imports(module) - {"snapshot", "hints", "hints/registry"} == set(), module


# --- the comparison itself ----------------------------------------------------------------------------


def test_model_differences_reads_the_files_as_they_are_now(workspace):
    project = tutorial.start("h-compare", stage="tables")
    assert snapshot.model_differences(project.folder) == []
    add_payments_module(project)  # not in __all_models: found all the same
    assert snapshot.model_differences(project.folder) == ["added table 'payments'"]


def test_tables_of_other_tools_are_not_differences(workspace):
    project = tutorial.start("h-other", stage="tables")
    with project.engine().begin() as connection:
        connection.execute(text("CREATE TABLE audit_log (id INTEGER PRIMARY KEY)"))
    assert snapshot.model_differences(project.folder) == []


def test_no_models_or_no_database_means_no_comparison(workspace):
    project = tutorial.start("h-nothing", stage="models")
    assert snapshot.model_differences(project.folder) == []  # no database file: none is created
    assert not project.path("billtracker.sqlite").exists()
    assert snapshot.model_differences(Path(workspace)) == []


# --- a revision that uses a module's types without importing it (SQLModel's) ------------------------------

SQLMODEL_REVISION = '''\
"""create notes"""
from alembic import op
import sqlalchemy as sa

revision = "5e1ec7ab1e00"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("notes", sa.Column("id", sa.Integer(), primary_key=True),
                    sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False))


def downgrade():
    op.drop_table("notes")
'''


def test_a_revision_that_uses_sqlmodel_without_importing_it(workspace):
    project = tutorial.start("h-sqlmodel", stage="alembic")
    project.path("alembic/versions/5e1ec7ab1e00_create_notes.py").write_text(SQLMODEL_REVISION)
    hint = fires("revision-misses-an-import", "alembic upgrade head", project.folder)
    assert hint.startswith(
        "alembic/versions/5e1ec7ab1e00_create_notes.py uses `sqlmodel.` but never imports sqlmodel: "
        "add `import sqlmodel` at its top."
    )
    assert "in alembic/script.py.mako too" in hint

    story.replace(project.path("alembic/script.py.mako"), "import sqlalchemy as sa\n", "import sqlalchemy as sa\nimport sqlmodel\n")
    hint = fires("revision-misses-an-import", "alembic upgrade head", project.folder)
    assert "script.py.mako" not in hint  # the template is right already: only this file needs the import

    story.replace(project.path("alembic/versions/5e1ec7ab1e00_create_notes.py"), "import sqlalchemy as sa\n",
                  "import sqlalchemy as sa\nimport sqlmodel\n")
    message = ("NameError: name 'sqlmodel' is not defined\n"
               "  (raised in alembic/versions/5e1ec7ab1e00_create_notes.py, line 13)")
    message_silent("revision-misses-an-import", message, project.folder)  # it imports sqlmodel: something else


def test_a_name_that_is_no_installed_module_gets_no_import_hint(workspace):
    project = tutorial.start("h-undefined", stage="alembic")
    project.path("alembic/versions/5e1ec7ab1e00_create_notes.py").write_text(
        SQLMODEL_REVISION.replace("sqlmodel.sql.sqltypes.AutoString()", "sqlmodl.sql.sqltypes.AutoString()")
    )
    silent("revision-misses-an-import", "alembic upgrade head", project.folder)  # a typo, not a missing import


# --- where the URL comes from (notebook 21) ------------------------------------------------------------


def test_a_driver_that_is_not_installed_names_its_package(workspace):
    project = tutorial.start("h-driver", stage="tables")
    story.replace(project.path("alembic.ini"), "sqlite:///billtracker.sqlite", "mysql+mysqldb://root@127.0.0.1/billtracker")
    hint = fires("missing-driver", "alembic current", project.folder)
    assert "`pip install mysqlclient`" in hint and "mysql+mysqldb://" in hint


def test_a_missing_module_that_is_no_driver_or_is_installed_gets_no_driver_hint(tmp_path):
    message_silent("missing-driver", "ModuleNotFoundError: No module named 'billtracker'", tmp_path)
    message_silent("missing-driver", "ModuleNotFoundError: No module named 'pymysql'", tmp_path)  # installed here


def test_a_config_in_another_folder_with_prepend_sys_path_dot_is_named(workspace):
    project = tutorial.start("h-elsewhere", stage="tables")
    project.path("deploy").mkdir()
    hint = fires("module-beside-the-config", "alembic -c ../alembic.ini current", project.folder / "deploy")
    assert "`billtracker` lies beside ../alembic.ini" in hint and "prepend_sys_path = %(here)s" in hint


def test_with_prepend_sys_path_here_or_the_module_elsewhere_no_config_hint(workspace):
    project = tutorial.start("h-here", stage="tables")
    project.path("deploy").mkdir()
    message = "ModuleNotFoundError: No module named 'billtracker'"
    message_silent("module-beside-the-config", message, project.folder, "alembic current")  # its own config
    message_silent("module-beside-the-config", "ModuleNotFoundError: No module named 'payments'", project.folder / "deploy",
                   "alembic -c ../alembic.ini current")  # nothing of that name beside the config
    story.replace(project.path("alembic.ini"), "prepend_sys_path = .", "prepend_sys_path = %(here)s")
    message_silent("module-beside-the-config", message, project.folder / "deploy", "alembic -c ../alembic.ini current")


def test_a_percent_in_a_config_value_is_explained(workspace):
    project = tutorial.start("h-percent", stage="tables")
    story.replace(project.path("alembic.ini"), "sqlite:///billtracker.sqlite", "postgresql+psycopg://u:p%40ss@127.0.0.1/db")
    hint = fires("percent-in-config", "alembic current", project.folder)
    assert "must be written `%%`" in hint and "create_engine()" in hint


def test_other_value_errors_get_no_percent_hint(tmp_path):
    message_silent("percent-in-config", "ValueError: invalid literal for int() with base 10: 'x'", tmp_path)


def test_a_misspelled_database_variable_is_named(workspace, monkeypatch):
    project = tutorial.start("h-misspelled", stage="tables")
    monkeypatch.setenv("BILLTRACKER_DATABSE_URL", "sqlite:///elsewhere.sqlite")
    hint = fires("misspelled-database-variable", "alembic current", project.folder)
    assert hint.startswith("your environment sets BILLTRACKER_DATABSE_URL, but billtracker/data/db_session.py reads "
                           "BILLTRACKER_DATABASE_URL, which is not set")


def test_a_variable_set_under_its_own_name_or_none_like_it_gets_no_hint(workspace, monkeypatch):
    project = tutorial.start("h-spelled", stage="tables")
    silent("misspelled-database-variable", "alembic current", project.folder)  # nothing like it set
    monkeypatch.setenv("HOVERSHARE_DATABASE_URL", "sqlite:///other.sqlite")  # another app's: not close enough
    silent("misspelled-database-variable", "alembic current", project.folder)
    monkeypatch.setenv("BILLTRACKER_DATABSE_URL", "sqlite:///elsewhere.sqlite")
    monkeypatch.setenv("BILLTRACKER_DATABASE_URL", f"sqlite:///{project.path('billtracker.sqlite')}")  # set too
    silent("misspelled-database-variable", "alembic current", project.folder)


def test_the_driver_table_names_sqlalchemys_own_defaults():
    from sqlalchemy.engine import make_url

    assert make_url("mysql://h/db").get_dialect().driver == "mysqldb" and "plain mysql://" in hints.DRIVERS["MySQLdb"][0]
    assert make_url("postgresql://h/db").get_dialect().driver == "psycopg" and "plain postgresql://" in hints.DRIVERS["psycopg"][0]


def test_a_refused_password_is_named_with_its_user(tmp_path):
    hint = message_fires("wrong-password", 'sqlalchemy.exc.OperationalError: (psycopg.OperationalError) connection failed: '
                         'FATAL:  password authentication failed for user "billtracker"', tmp_path)
    assert hint.startswith("the server refused the password of its user billtracker")
    message_silent("wrong-password", "(pymysql.err.OperationalError) (1045, \"Access denied for user 'root'@'127.0.0.1' "
                   "(using password: NO)\")", tmp_path)  # no password given: not a wrong one
    message_silent("wrong-password", 'FATAL:  role "billtracker" does not exist', tmp_path)


@pytest.mark.mariadb
def test_a_wrong_password_on_a_real_server_gets_the_hint(workspace):
    """MariaDB refuses a wrong password for real (this machine's PostgreSQL trusts every local connection)."""
    from sqlalchemy.engine import make_url

    from servers_support import require

    server = make_url(require("mariadb")).set(password="certainly-not-the-password")
    project = tutorial.start("h-password", stage="tables")
    story.replace(project.path("alembic.ini"), "sqlite:///billtracker.sqlite", server.render_as_string(hide_password=False))
    hint = fires("wrong-password", "alembic current", project.folder)
    assert hint.startswith(f"the server refused the password of its user {server.username}")
