"""``flask ...`` in a terminal cell: a new process in JupyterLab, Flask's own command line inside the kernel in the browser.

The browser's runner is tried here on CPython, with ``IN_BROWSER`` switched on: it must print what the new
process prints, see a model edited between two commands, fail as the process fails, and leave the kernel as
it found it.
"""

from __future__ import annotations

import os
import re
import sys

import pytest

from tutorial import inbrowser, terminal

SHELF = '''\
from pathlib import Path

from flask import Flask
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Book(db.Model):
    __tablename__ = "books"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100))


def create_app():
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(__file__).resolve().parent / 'shelf.sqlite'}"
    db.init_app(app)
    Migrate(app, db)

    @app.cli.command("boom")
    def boom():
        raise ValueError("the shelf fell over")

    return app
'''
REVISION_ID = re.compile(r"\b[0-9a-f]{12}(?=\b|_)")


@pytest.fixture
def shelf(tmp_path, monkeypatch):
    """A folder maker: ``shelf("name")`` is a new project folder holding the Flask app ``shelf.py``."""
    monkeypatch.setenv("FLASK_APP", "shelf")

    def make(name: str):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "shelf.py").write_text(SHELF)
        return folder

    return make


def outputs(folder, commands: list[str]) -> list[str]:
    """What each command printed, its revision ids masked; after the third, the model gets a column."""
    printed = []
    for number, command in enumerate(commands):
        if number == 3:
            app = folder / "shelf.py"
            app.write_text(app.read_text().replace("String(100))\n", "String(100))\n    year: Mapped[int | None]\n"))
        printed.append(REVISION_ID.sub("<id>", terminal.run(command, folder, echo=False).output))
    return printed


# pytest shows DeprecationWarnings, which a kernel and a new process hide (Flask-Migrate's env.py calls a deprecated
# method of Flask-SQLAlchemy): as in a kernel, hidden.
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_flask_db_in_the_kernel_prints_what_the_new_process_prints_and_sees_an_edited_model(shelf, monkeypatch):
    commands = ["flask db init", 'flask db migrate -m "create books"', "flask db upgrade",
                'flask db migrate -m "a year"', "flask db upgrade", "flask db check", "flask db heads"]
    in_a_process = outputs(shelf("process"), commands)
    monkeypatch.setattr(inbrowser, "IN_BROWSER", True)
    in_the_kernel = outputs(shelf("kernel"), commands)
    assert in_the_kernel == in_a_process
    assert "Creating directory migrations ...  done\n" in in_the_kernel[0]  # not indented: no terminal width
    assert "Detected added column 'books.year'" in in_the_kernel[3]
    assert "Running upgrade <id> -> <id>, a year" in in_the_kernel[4]
    assert in_the_kernel[6] == "<id> (head)\n"


def test_a_failing_flask_command_in_the_kernel_raises_with_its_exit_status_and_output(shelf, monkeypatch, capsys):
    folder = shelf("failing")
    monkeypatch.setattr(inbrowser, "IN_BROWSER", True)
    with pytest.raises(terminal.CommandFailed, match="^exit status 2$"):
        terminal.run("flask db nowhere", folder)
    assert "Error: No such command 'nowhere'." in capsys.readouterr().out
    terminal.run("flask db init", folder, echo=False)
    with pytest.raises(terminal.CommandFailed, match="^exit status 1$"):
        terminal.run("flask db downgrade nonexistent", folder)
    assert "ERROR [flask_migrate] Error: Can't locate revision identified by 'nonexistent'" in capsys.readouterr().out
    with pytest.raises(terminal.CommandFailed) as failure:
        terminal.run("flask boom", folder, echo=False)
    assert failure.value.message == "ValueError: the shelf fell over\n  (raised in shelf.py, line 32)"


def test_without_flask_installed_the_cell_says_how_to_install_it(shelf, monkeypatch):
    monkeypatch.setitem(sys.modules, "flask.cli", None)  # what `from flask.cli import ...` finds when Flask is not installed
    monkeypatch.setattr(inbrowser, "IN_BROWSER", True)
    with pytest.raises(terminal.CommandFailed) as failure:
        terminal.run("flask db init", shelf("bare"), echo=False)
    assert failure.value.message.startswith("Flask is not installed in this page: run the `%pip install` cell")
    assert "`%pip install flask-migrate` in a cell" in failure.value.message


def test_flask_in_the_kernel_leaves_the_kernel_as_it_found_it(shelf, monkeypatch):
    import flask_migrate
    from alembic.util import messaging

    folder = shelf("tidy")
    monkeypatch.setattr(inbrowser, "IN_BROWSER", True)
    monkeypatch.setenv("PYTEST_ADDOPTS", "-x")  # a new terminal lacks it; the kernel keeps it
    environment, path, cwd = dict(os.environ), list(sys.path), os.getcwd()
    width, config = messaging.TERMWIDTH, flask_migrate.Config
    terminal.run("flask db init", folder, echo=False)
    terminal.run('flask db migrate -m "create books"', folder, echo=False)
    assert dict(os.environ) == environment  # FLASK_RUN_FROM_CLI, which the command sets, is gone again
    assert (sys.path, os.getcwd(), messaging.TERMWIDTH, flask_migrate.Config) == (path, cwd, width, config)
    assert "shelf" not in sys.modules


def test_outside_the_browser_flask_runs_in_a_new_process(shelf, monkeypatch):
    def refuse(*arguments):
        raise AssertionError("flask ran in the kernel")

    monkeypatch.setattr(terminal, "_run_flask_in_kernel", refuse)
    assert terminal.run("flask db --help", shelf("cpython"), echo=False).output.startswith("Usage: python -m flask db")
