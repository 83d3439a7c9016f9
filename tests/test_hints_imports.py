"""The hint rules of tutorial/hints/imports.py, about an import that fails: each fires for its mistake, and
stays silent where the project says otherwise."""

from __future__ import annotations

import tutorial
from support.hints import ALL_MODELS, edit_env, fires, message_fires, message_silent, outcome, silent
from tutorial import hints, story

# --- the project's own modules ------------------------------------------------------------------------


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


# --- a revision that uses a module's types without importing it (SQLModel's) --------------------------


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


# --- a driver, and a config file in another folder (notebook 21) --------------------------------------


def test_a_driver_that_is_not_installed_names_its_package(workspace):
    project = tutorial.start("h-driver", stage="tables")
    story.replace(project.path("alembic.ini"), "sqlite:///billtracker.sqlite", "mysql+mysqldb://root@127.0.0.1/billtracker")
    hint = fires("missing-driver", "alembic current", project.folder)
    assert "`pip install mysqlclient`" in hint and "mysql+mysqldb://" in hint


def test_a_missing_module_that_is_no_driver_or_is_installed_gets_no_driver_hint(tmp_path):
    message_silent("missing-driver", "ModuleNotFoundError: No module named 'billtracker'", tmp_path)
    message_silent("missing-driver", "ModuleNotFoundError: No module named 'pymysql'", tmp_path)  # installed here


def test_the_driver_table_names_sqlalchemys_own_defaults():
    from sqlalchemy.engine import make_url

    assert make_url("mysql://h/db").get_dialect().driver == "mysqldb" and "plain mysql://" in hints.DRIVERS["MySQLdb"][0]
    assert make_url("postgresql://h/db").get_dialect().driver == "psycopg" and "plain postgresql://" in hints.DRIVERS["psycopg"][0]


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
