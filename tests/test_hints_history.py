"""The hint rules of tutorial/hints/history.py, about where the database stands in the revision history:
each fires for its mistake, and stays silent where the project says otherwise."""

from __future__ import annotations

from sqlalchemy import inspect

import tutorial
from support.hints import NOT_NULL_REVISION, edit_env, fires, first_revision, message_silent, outcome, silent
from tutorial import story

# --- commands that failed -----------------------------------------------------------------------------


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


# --- commands that worked, but probably not as meant --------------------------------------------------


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


def test_a_project_without_revisions(workspace):
    project = tutorial.start("h-no-revisions", stage="alembic")
    for command in ("alembic upgrade head", "alembic history", "alembic heads"):
        seen = outcome(command, project.folder)
        assert not seen.failed and "Running upgrade" not in seen.output
        assert "writes the first one" in fires("no-revisions-yet", seen)
    assert fires("current-prints-nothing", "alembic current", project.folder)  # that rule, for `current`
    project = tutorial.start("h-at-head", stage="tables")
    silent("no-revisions-yet", "alembic upgrade head", project.folder)  # at the head: nothing to do, nothing to say
