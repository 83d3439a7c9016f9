"""``pytest`` in a terminal cell in the browser: run inside the kernel (``pytest.main``), as a new process would.

Checked here on CPython, with ``IN_BROWSER`` switched on and no process allowed to start.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import tutorial
from tutorial import inbrowser, stages, terminal

ENV_PY_BEFORE = """\
    connectable = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
"""
ENV_PY_AFTER = """\
    connectable = config.attributes.get("connection", None)
    if connectable is None:
        connectable = engine_from_config(
            config.get_section(config.config_ini_section, {}),
            prefix="sqlalchemy.",
            poolclass=pool.NullPool,
        )
"""
STANDARD_TESTS = '''\
import pytest
from pytest_alembic import tests
from sqlalchemy import create_engine


@pytest.fixture
def alembic_engine():
    return create_engine("sqlite://")


def test_single_head_revision(alembic_runner):
    tests.test_single_head_revision(alembic_runner)


def test_model_definitions_match_ddl(alembic_runner):
    tests.test_model_definitions_match_ddl(alembic_runner)
'''


@pytest.fixture
def in_the_browser(monkeypatch):
    """The browser's rules: ``IN_BROWSER``, and no process can start."""
    monkeypatch.setattr(inbrowser, "IN_BROWSER", True)

    def no_process(*args, **kwargs):
        raise OSError("no process can start in the browser")

    monkeypatch.setattr(subprocess, "run", no_process)
    monkeypatch.setattr(subprocess, "Popen", no_process)


@pytest.fixture
def shop(workspace):
    """A project with its own pytest settings, a module and a test that imports it."""
    folder = workspace / "shop"
    (folder / "tests").mkdir(parents=True)
    (folder / "pytest.ini").write_text("[pytest]\ntestpaths = tests\naddopts = -p no:nbval -p no:cacheprovider\n")
    (folder / "prices.py").write_text("def total(prices):\n    return sum(prices)\n")
    (folder / "tests" / "test_prices.py").write_text(
        "from prices import total\n\n\ndef test_total():\n    print('printed by the test')\n    assert total([1, 2]) == 3\n"
    )
    return folder


def test_pytest_runs_in_the_kernel_with_the_project_folder_as_working_directory(in_the_browser, shop, capsys):
    result = terminal.run("pytest -v --no-header", shop)
    assert result.status == 0
    assert "tests/test_prices.py::test_total \x1b[32mPASSED" in result.output  # in colour, as a terminal shows it
    assert "1 passed" in result.output and str(shop) not in result.output
    assert capsys.readouterr().out == result.output


def test_a_failing_test_fails_the_cell_with_pytests_exit_status(in_the_browser, shop, capsys):
    (shop / "prices.py").write_text("def total(prices):\n    return 0\n")
    with pytest.raises(terminal.CommandFailed) as failure:
        terminal.run("pytest -q --color=no", shop)
    assert failure.value.message == "exit status 1"
    printed = capsys.readouterr().out
    assert "FAILED tests/test_prices.py::test_total - assert 0 == 3" in printed
    assert "printed by the test" in printed  # the failing test's captured output, as pytest reports it
    assert "\x1b[" not in printed


def test_a_second_run_sees_the_files_as_edited_since_the_first(in_the_browser, shop):
    assert "1 passed" in terminal.run("pytest -q --color=no", shop, echo=False).output
    (shop / "prices.py").write_text("def total(prices):\n    return sum(prices) + 1\n")
    with pytest.raises(terminal.CommandFailed):
        terminal.run("pytest -q --color=no", shop, echo=False)
    (shop / "prices.py").write_text("def total(prices):\n    return sum(prices)\n")
    (shop / "tests" / "test_prices.py").write_text("def test_other():\n    pass\n")
    output = terminal.run("pytest -v --color=no", shop, echo=False).output
    assert "test_other PASSED" in output and "test_total" not in output


def test_the_kernel_is_left_as_it_was(in_the_browser, shop, monkeypatch):
    monkeypatch.setenv("PYTEST_ADDOPTS", "--no-such-option")  # a surrounding test run's: not the learner's
    before = (os.getcwd(), list(sys.path), dict(os.environ))
    terminal.run("pytest -q", shop, echo=False)
    assert before == (os.getcwd(), list(sys.path), dict(os.environ))
    assert not [name for name, module in sys.modules.items()
                if str(shop) in (getattr(module, "__file__", None) or "")]
    assert not list(shop.rglob("__pycache__"))


def test_a_usage_error_is_pytests_own_message_and_status(in_the_browser, shop, capsys):
    with pytest.raises(terminal.CommandFailed, match="exit status 4"):
        terminal.run("pytest --no-such-option", shop)
    assert "unrecognized arguments: --no-such-option" in capsys.readouterr().out


def test_pytest_alembic_loads_from_its_entry_point_and_migrates_an_empty_database(in_the_browser, workspace):
    project = tutorial.start("t-pytest-alembic", stage="last_login-applied")
    stages.replace(project.path("alembic/env.py"), ENV_PY_BEFORE, ENV_PY_AFTER)
    project.path("pytest.ini").write_text("[pytest]\ntestpaths = tests\naddopts = -p no:nbval -p no:cacheprovider\n")
    project.path("tests").mkdir()
    project.path("tests/test_migrations.py").write_text(STANDARD_TESTS)
    assert "2 passed" in terminal.run("pytest -q --color=no", project.folder, echo=False).output
    bills = project.path("billtracker/data/bills.py")
    bills.write_text(bills.read_text().replace(
        "    total: Mapped[float] = mapped_column(Float)\n",
        "    total: Mapped[float] = mapped_column(Float)\n    due_date: Mapped[datetime.datetime | None] = mapped_column(DateTime)\n",
    ))
    with pytest.raises(terminal.CommandFailed) as failure:
        terminal.run("pytest -q --color=no --tb=no -rf", project.folder, echo=False)
    assert failure.value.message == "exit status 1"
    output = terminal.pytest_in_kernel(["-vv", "--color=no", "--tb=no"], project.folder).output
    assert "FAILED tests/test_migrations.py::test_model_definitions_match_ddl" in output
    assert "op.add_column('bills', sa.Column('due_date', sa.DateTime(), nullable=True))" in output


def test_without_pytest_installed_the_cell_says_to_run_the_install_cell(in_the_browser, shop, monkeypatch):
    monkeypatch.setitem(sys.modules, "pytest", None)  # what `import pytest` finds when pytest is not installed
    with pytest.raises(terminal.CommandFailed) as failure:
        terminal.run("pytest -q", shop, echo=False)
    assert failure.value.message.startswith("pytest is not installed in this page: run the `%pip install` cell below the notebook's title")
    assert "`%pip install pytest` in a cell" in failure.value.message
