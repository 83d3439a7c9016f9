"""The migration explorer: its buttons move the database, and what it shows follows; problems are said plainly."""

from __future__ import annotations

import pytest

import tutorial
from tutorial import story
from tutorial.explorer import MigrationExplorer

MISSING_LAST_LOGIN = "column users.last_login (DATETIME): in the models, not in the database"


def columns(explorer: MigrationExplorer, table: str) -> list[str]:
    return [column[0] for column in explorer.tables[table].columns]


def graph_markdown(explorer: MigrationExplorer) -> str:
    (output,) = explorer.graph_view.outputs
    return output["data"]["text/markdown"]


@pytest.fixture
def applied(workspace):
    """Two revisions (the tables, then users.last_login), both applied."""
    return tutorial.start("x-explorer", stage="last_login-applied")


def test_it_shows_the_history_the_schema_and_no_difference(applied):
    explorer = MigrationExplorer()
    first, head = explorer.history.ids
    assert explorer.current == (head,)
    assert explorer.problem is None
    assert "last_login" in columns(explorer, "users")
    assert explorer.diffs == []
    assert "No difference" in explorer.diff_view.value
    assert f"database at {head} (head)" in explorer.title.value
    # the graph is drawn by JupyterLab from Markdown; the database's revision is the one marked
    assert graph_markdown(explorer).startswith("```mermaid")
    assert f"class r_{head} current" in graph_markdown(explorer)
    assert [value for _, value in explorer.target.options] == ["head", head, first, "base"]
    assert explorer.target.value == "head"
    assert "No command yet" in explorer.log_view.value


def test_downgrade_minus_one_removes_the_column_and_shows_the_difference(applied):
    explorer = MigrationExplorer()
    first, head = explorer.history.ids
    explorer.step_down_button.click()
    assert explorer.current == (first,)
    assert "last_login" not in columns(explorer, "users")
    assert explorer.diffs == [MISSING_LAST_LOGIN]
    assert "not at the head" in explorer.title.value
    assert "alembic upgrade head" in explorer.diff_view.value  # what would fix it
    assert f"class r_{first} current" in graph_markdown(explorer)
    assert "$ alembic downgrade -1\n" in explorer.log_view.value
    assert f"Running downgrade {head} -&gt; {first}, {story.LAST_LOGIN_MESSAGE}" in explorer.log_view.value
    assert any(label.startswith(first) and "database" in label for label, _ in explorer.target.options)


def test_upgrade_and_downgrade_to_the_revision_chosen_in_the_list(applied):
    explorer = MigrationExplorer()
    first, head = explorer.history.ids
    explorer.target.value = "base"
    explorer.downgrade_button.click()
    assert explorer.current == ()
    assert list(explorer.tables) == ["alembic_version"]
    assert "database at base" in explorer.title.value
    assert "table users: in the models, not in the database" in explorer.diffs
    explorer.target.value = first
    explorer.upgrade_button.click()
    assert explorer.current == (first,)
    assert explorer.diffs == [MISSING_LAST_LOGIN]
    explorer.step_up_button.click()
    assert explorer.current == (head,)
    assert explorer.diffs == []
    log = explorer.log_view.value
    assert log.index("$ alembic downgrade base") < log.index(f"$ alembic upgrade {first}") < log.index("$ alembic upgrade +1")


def test_a_move_the_wrong_way_is_explained(applied):
    explorer = MigrationExplorer()
    first, _ = explorer.history.ids
    explorer.target.value = first
    explorer.upgrade_button.click()  # the database is past it already: Alembic does nothing
    assert explorer.problem is None
    assert "The database did not move: upgrade only goes forward" in explorer.log_view.value


def test_refresh_runs_alembic_current_and_sees_changes_made_elsewhere(applied):
    explorer = MigrationExplorer()
    first, head = explorer.history.ids
    tutorial.run("alembic downgrade -1", applied.folder, echo=False)
    assert explorer.current == (head,)  # not read again yet
    explorer.refresh_button.click()
    assert explorer.current == (first,)
    assert "$ alembic current\n" in explorer.log_view.value
    assert f"{first}\n" in explorer.log_view.value


def test_the_text_shown_outside_jupyterlab_is_stable_and_relative(applied, workspace):
    explorer = MigrationExplorer()
    text = explorer._repr_mimebundle_()["text/plain"]
    assert text.startswith("Migration explorer: workspace/x-explorer, database at")
    assert "* " in text and "Models compared with the database: no difference" in text
    assert str(workspace) not in text and str(workspace) not in explorer.title.value


def test_the_buttons_print_nothing(applied, capsys):
    explorer = MigrationExplorer()
    explorer.step_down_button.click()
    explorer.refresh_button.click()
    assert capsys.readouterr() == ("", "")  # everything goes to widget state (stable stored outputs)


# --------------------------------------------------------------------------- when something is wrong


def test_no_project_folder(workspace):
    explorer = MigrationExplorer(workspace / "nothing-here")
    assert "There is no project folder" in explorer.problem
    assert explorer.upgrade_button.disabled and explorer.downgrade_button.disabled
    assert "no Alembic project" in explorer.title.value
    assert "Something is wrong" in explorer.banner.value


def test_no_alembic_project_yet(workspace):
    tutorial.start("x-models", stage="models")
    explorer = MigrationExplorer()
    assert "has no alembic.ini" in explorer.problem and "alembic init alembic" in explorer.problem
    assert explorer.upgrade_button.disabled
    assert "Traceback" not in explorer.banner.value


def test_no_database_yet_then_upgrade_creates_it(workspace):
    project = tutorial.start("x-nodb", stage="alembic")
    tutorial.run('alembic revision --autogenerate -m "create tables"', project.folder, echo=False)
    (project.folder / "billtracker.sqlite").unlink()  # autogenerate connected, and so created the file
    explorer = MigrationExplorer()
    assert "There is no database yet" in explorer.problem and "alembic upgrade head" in explorer.problem
    assert not (project.folder / "billtracker.sqlite").exists()  # looking did not create it
    assert not explorer.upgrade_button.disabled
    explorer.upgrade_button.click()
    assert explorer.problem is None
    assert explorer.current == tuple(explorer.history.ids)
    assert {"users", "bills"} <= set(explorer.tables)


def test_a_failing_migration_is_reported_with_alembics_message(applied):
    tutorial.edit_file(
        "billtracker/data/users.py",
        "    hashed_password: Mapped[str | None] = mapped_column(String)\n",
        "    hashed_password: Mapped[str | None] = mapped_column(String)\n"
        "    phone: Mapped[str] = mapped_column(String)\n",  # NOT NULL, no default: SQLite refuses
    )
    tutorial.run('alembic revision --autogenerate -m "add phone"', applied.folder, echo=False)
    explorer = MigrationExplorer()
    before = explorer.current
    explorer.upgrade_button.click()
    assert "`alembic upgrade head` failed" in explorer.problem
    assert "Cannot add a NOT NULL column" in explorer.problem
    assert "Cannot add a NOT NULL column" in explorer.log_view.value
    assert "Running upgrade" in explorer.log_view.value  # Alembic's output before the failure is kept
    assert explorer.current == before  # read again: the database did not move
    assert "Traceback" not in explorer.banner.value + explorer.log_view.value


def test_a_model_that_does_not_import(applied):
    path = applied.path("billtracker/data/users.py")
    path.write_text(path.read_text() + "\ndef broken(:\n")
    explorer = MigrationExplorer()
    assert "Alembic cannot compare your models with the database" in explorer.problem
    assert "SyntaxError" in explorer.problem and "billtracker/data/users.py" in explorer.problem
    assert explorer.tables  # the rest is still shown
    assert explorer.diffs is None and "Not compared" in explorer.diff_view.value


def test_a_revision_file_alembic_cannot_read(applied):
    newest = applied.newest_revision_file()
    newest.write_text(newest.read_text().replace("def upgrade()", "def upgrade(:"))
    explorer = MigrationExplorer()
    assert "SyntaxError" in explorer.problem and newest.name in explorer.problem
    assert explorer.upgrade_button.disabled


def test_open_is_a_shortcut(applied):
    from tutorial import explorer

    opened = explorer.open()
    assert isinstance(opened, MigrationExplorer) and opened.folder == applied.folder


def test_outside_a_project_folder_after_a_kernel_restart(workspace, monkeypatch):
    from support.paths import NOTEBOOKS

    monkeypatch.chdir(NOTEBOOKS)  # where a restarted kernel stands
    explorer = MigrationExplorer()
    assert "notebooks is not a project folder (the kernel restarted?)" in explorer.problem
    assert "first code cell" in explorer.problem
