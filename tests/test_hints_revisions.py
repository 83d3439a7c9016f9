"""The hint rules of tutorial/hints/revisions.py, about the file `alembic revision` just wrote: each fires
for its mistake, and stays silent where the project says otherwise."""

from __future__ import annotations

from sqlalchemy import text

import tutorial
from support.hints import ALL_MODELS, add_payments_module, add_phone, edit_env, fires, outcome, silent
from tutorial import story


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
