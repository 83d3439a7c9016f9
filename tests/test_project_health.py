"""The health check that every notebook's project must pass at its end: it tells a healthy project from sick ones."""

from __future__ import annotations

import os

import project_health
import tutorial
from tutorial import story


def test_a_project_with_everything_applied_is_healthy(workspace):
    project = tutorial.start("p-healthy", stage="last_login-applied")
    assert project_health.problems(project.folder) == []


def test_a_revision_not_applied(workspace):
    project = tutorial.start("p-pending", stage="last_login-revision")
    assert project_health.problems(project.folder) == [
        "`alembic check` fails on its database: Target database is not up to date."
    ]


def test_a_model_change_without_its_migration(workspace):
    project = tutorial.start("p-unmigrated", stage="tables")
    story.replace(project.path("billtracker/data/users.py"), story.LAST_LOGIN_BEFORE, story.LAST_LOGIN_AFTER)
    found = project_health.problems(project.folder)
    assert found[0].startswith("`alembic check` fails on its database: New upgrade operations detected")
    assert found[1].startswith("`alembic check` fails on an empty database: New upgrade operations detected")


def test_two_heads(workspace):
    project = tutorial.start("p-heads", stage="last_login-applied")
    first = project.revision_files()[0].name[:12]
    tutorial.run(f'alembic revision -m "theirs" --head {first} --splice', project.folder, echo=False)
    assert "2 heads" in project_health.problems(project.folder)


def test_a_downgrade_that_fails(workspace):
    project = tutorial.start("p-downgrade", stage="last_login-applied")
    revision = project.newest_revision_file()
    story.replace(revision, "op.drop_column('users', 'last_login')", "op.drop_column('users', 'no_such_column')")
    assert any("`alembic downgrade base` fails on an empty database" in problem
               for problem in project_health.problems(project.folder))


def test_a_notebook_is_judged_against_what_it_says_of_itself(workspace):
    tutorial.start("03-change-a-model", stage="last_login-revision")
    assert project_health.unexpected("03-change-a-model", workspace) == []
    tutorial.start("04-upgrade-the-database", stage="last_login-revision")
    assert project_health.unexpected("04-upgrade-the-database", workspace) != []


def test_a_server_notebooks_app_is_checked_on_its_database_there(tmp_path, monkeypatch):
    """A notebook on a server sets its app's URL variable in its kernel; the checks set it to the same database."""
    monkeypatch.delenv("SHOP_DATABASE_URL", raising=False)
    app = tmp_path / "26-migrate-at-deploy-time" / "shop"
    app.mkdir(parents=True)
    (app / "settings.py").write_text('import os\nDATABASE_URL = os.environ.get("SHOP_DATABASE_URL")\n', encoding="utf-8")
    with project_health._app_urls_on_its_server("26-migrate-at-deploy-time", tmp_path):
        url = os.environ["SHOP_DATABASE_URL"]
    assert url.startswith("postgresql") and url.endswith("_26_migrate_at_deploy_time")
    assert "SHOP_DATABASE_URL" not in os.environ
    with project_health._app_urls_on_its_server("04-upgrade-the-database", tmp_path):  # on SQLite: nothing set
        assert "SHOP_DATABASE_URL" not in os.environ
