"""The terminal cells: Alembic run in the kernel, as if typed in a terminal in the project folder."""

from __future__ import annotations

import logging
import os

import pytest

import tutorial
from tutorial import stages, story, terminal


def test_a_failing_command_raises_with_alembics_own_message(workspace):
    project = tutorial.start("t-fail", stage="tables")
    with pytest.raises(tutorial.CommandFailed) as failure:
        tutorial.run("alembic downgrade nonexistent", project.folder, echo=False)
    assert "Can't locate revision identified by 'nonexistent'" in failure.value.message
    assert "alembic history" in failure.value.hint
    assert "`alembic downgrade nonexistent` failed" in "\n".join(failure.value._render_traceback_())


def test_a_mistyped_command_raises_argparse_message(workspace):
    project = tutorial.start("t-typo", stage="alembic")
    with pytest.raises(tutorial.CommandFailed, match="invalid choice: 'upgrad'"):
        tutorial.run("alembic upgrad head", project.folder, echo=False)


def test_a_model_with_a_typo_is_reported_with_its_file_and_line(workspace):
    project = tutorial.start("t-model-typo", stage="alembic")
    users = project.path("billtracker/data/users.py")
    users.write_text(users.read_text().replace("mapped_column(String)", "mapped_column(Strin)", 1))
    with pytest.raises(tutorial.CommandFailed) as failure:
        tutorial.run('alembic revision --autogenerate -m "x"', project.folder, echo=False)
    assert "NameError: name 'Strin' is not defined" in failure.value.message
    assert "billtracker/data/users.py, line" in failure.value.message
    assert str(project.folder) not in failure.value.message


def test_a_model_edit_is_seen_by_the_next_autogenerate(workspace):
    project = tutorial.start("t-edit", stage="tables")
    tutorial.run("alembic check", project.folder, echo=False)  # imports the models into this process
    stages.replace(project.path("billtracker/data/users.py"), story.LAST_LOGIN_BEFORE, story.LAST_LOGIN_AFTER)
    result = tutorial.run('alembic revision --autogenerate -m "add last_login"', project.folder, echo=False)
    assert "Detected added column 'users.last_login'" in result.output
    assert "op.add_column('users'" in project.newest_revision_file().read_text()


def test_output_is_relative_and_goes_to_stdout_not_stderr(workspace, capsys):
    project = tutorial.start("t-output", stage="models")
    capsys.readouterr()
    tutorial.run("alembic init alembic", project.folder)
    captured = capsys.readouterr()
    assert captured.err == ""
    assert "Generating alembic/env.py ...  done" in captured.out
    assert str(project.folder) not in captured.out


def test_the_kernel_is_left_as_it_was(workspace):
    project = tutorial.start("t-state", stage="tables")
    mine = logging.getLogger("learner.logger")
    mine.setLevel(logging.DEBUG)
    before = (os.getcwd(), list(__import__("sys").path), logging.getLogger().handlers[:])
    tutorial.run("alembic upgrade head", project.folder, echo=False)
    assert not mine.disabled, "env.py's fileConfig must not disable the kernel's loggers"
    assert mine.level == logging.DEBUG
    assert before == (os.getcwd(), list(__import__("sys").path), logging.getLogger().handlers[:])
    assert not [name for name in __import__("sys").modules if name.startswith("billtracker")]


def test_only_supported_programs_run(workspace):
    with pytest.raises(tutorial.CommandFailed, match="run `ls` in a real terminal"):
        terminal.run("ls -l", workspace.parent)


def test_outside_a_project_the_hint_says_to_run_the_first_cell(tmp_path):
    with pytest.raises(tutorial.CommandFailed) as failure:
        tutorial.run("alembic current", tmp_path, echo=False)
    assert "first code cell" in failure.value.hint


def test_an_empty_autogenerate_gets_a_hint(workspace, capsys):
    project = tutorial.start("t-empty", stage="tables")
    capsys.readouterr()
    tutorial.run('alembic revision --autogenerate -m "nothing changed"', project.folder)
    assert "this migration is empty" in capsys.readouterr().out


def test_a_healthy_autogenerate_gets_no_hint(workspace, capsys):
    project = tutorial.start("t-healthy", stage="tables")
    stages.replace(project.path("billtracker/data/users.py"), story.LAST_LOGIN_BEFORE, story.LAST_LOGIN_AFTER)
    capsys.readouterr()
    tutorial.run('alembic revision --autogenerate -m "add last_login"', project.folder)
    assert "Hint" not in capsys.readouterr().out


def test_the_learners_pytest_ignores_the_settings_of_the_test_run_around_it(workspace, monkeypatch):
    folder = workspace / "own-tests"
    folder.mkdir(parents=True)
    (folder / "pytest.ini").write_text("[pytest]\n")
    (folder / "test_one.py").write_text("def test_one():\n    assert True\n")
    monkeypatch.setenv("PYTEST_ADDOPTS", "--no-such-option")
    monkeypatch.setenv("PYTEST_PLUGINS", "no_such_plugin")
    result = terminal.run("pytest -q -p no:cacheprovider", folder, echo=False)
    assert "1 passed" in result.output


def test_the_learners_pytest_prints_as_in_a_terminal_even_on_a_ci_server(workspace, monkeypatch, capsys):
    folder = workspace / "own-tests-on-ci"
    folder.mkdir(parents=True)
    (folder / "pytest.ini").write_text("[pytest]\n")
    (folder / "test_one.py").write_text('def test_one():\n    assert False, "first line\\nsecond line"\n')
    monkeypatch.setenv("CI", "true")  # pytest then prints whole failure messages in its short summary
    with pytest.raises(terminal.CommandFailed):
        terminal.run("pytest -q -p no:cacheprovider --color=no", folder)
    summary = capsys.readouterr().out.split("short test summary info")[1]
    assert "first line" in summary and "second line" not in summary


def test_flask_runs_in_a_new_process_with_paths_shown_relative_to_the_project(tmp_path):
    folder = tmp_path / "shop"
    folder.mkdir()
    (folder / "shop.py").write_text(
        "from pathlib import Path\n"
        "from flask import Flask\n"
        "app = Flask(__name__)\n"
        "@app.cli.command('where')\n"
        "def where():\n"
        "    print(Path(__file__).resolve())\n"
    )
    result = terminal.run("flask --app shop where", folder, echo=False)
    assert result.output == "shop.py\n"
    with pytest.raises(terminal.CommandFailed, match="exit status 2"):
        terminal.run("flask --app shop nowhere", folder, echo=False)


# Warnings raised during an Alembic command: shown as a terminal shows them, minus the installed file's path.


def test_a_warning_is_shown_once_per_command_without_a_path(workspace):
    project = tutorial.start("t-warning", stage="last_login-applied")
    stages.replace(project.path("billtracker/data/bills.py"),
                   'ForeignKey("users.id")', 'ForeignKey("users.id", ondelete="CASCADE")')
    for message in ("first", "second"):
        result = tutorial.run(f'alembic revision --autogenerate -m "{message}"', project.folder, echo=False)
        lines = [line for line in result.output.splitlines() if "Warning" in line]
        assert len(lines) == 1, result.output
        assert lines[0].startswith("UserWarning: Autogenerate rendered a drop_constraint() directive")
        assert ".py:" not in result.output and "site-packages" not in result.output
        project.newest_revision_file().unlink()  # not applied: the next autogenerate may run
