"""The kernel's sandbox: the learner's code run in the kernel as a new process in a terminal would run it."""

from __future__ import annotations

import logging
import logging.config
import os
import sys

import pytest

from tutorial import sandbox


def test_inside_the_folder_is_the_working_directory_and_the_kernels_own_folder_is_off_the_path(tmp_path):
    before = (os.getcwd(), list(sys.path), sys.dont_write_bytecode)
    sys.path.insert(0, "")
    try:
        with sandbox.as_in_a_terminal(tmp_path):
            assert os.getcwd() == str(tmp_path)
            assert "" not in sys.path and "." not in sys.path
            assert sys.dont_write_bytecode
    finally:
        sys.path.remove("")
    assert (os.getcwd(), list(sys.path), sys.dont_write_bytecode) == before


def test_the_kernels_logging_is_restored_and_a_new_logger_stays_quiet(tmp_path):
    mine = logging.getLogger("learner.sandbox")
    mine.setLevel(logging.DEBUG)
    root_handlers = logging.getLogger().handlers[:]
    with sandbox.as_in_a_terminal(tmp_path):
        logging.config.dictConfig({"version": 1, "root": {"level": "WARNING", "handlers": ["console"]},
                                   "handlers": {"console": {"class": "logging.StreamHandler"}}})
        logging.getLogger("made.by.env_py").addHandler(logging.StreamHandler())
        assert mine.disabled  # dictConfig, as fileConfig, disables the loggers it was not told of
    assert not mine.disabled and mine.level == logging.DEBUG
    assert logging.getLogger().handlers == root_handlers
    made = logging.getLogger("made.by.env_py")
    assert made.handlers == [] and made.propagate


def test_the_projects_modules_are_read_afresh_and_forgotten_afterwards(tmp_path):
    (tmp_path / "sandboxed_model.py").write_text("VALUE = 1\n")
    sys.path.insert(0, str(tmp_path))
    try:
        with sandbox.as_in_a_terminal(tmp_path):
            import sandboxed_model

            assert sandboxed_model.VALUE == 1
        assert "sandboxed_model" not in sys.modules
        (tmp_path / "sandboxed_model.py").write_text("VALUE = 2\n")
        with sandbox.as_in_a_terminal(tmp_path):
            import sandboxed_model

            assert sandboxed_model.VALUE == 2
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("sandboxed_model", None)


def test_a_new_terminals_environment_has_none_of_the_test_runs_or_ci_servers_variables(monkeypatch):
    monkeypatch.setenv("PYTEST_ADDOPTS", "--no-such-option")
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("BUILD_NUMBER", "7")
    monkeypatch.setenv("LEARNERS_OWN", "kept")
    environment = sandbox.new_terminal_environment()
    assert not [name for name in environment if name.startswith("PYTEST_") or name in sandbox.CI_VARIABLES]
    assert environment["LEARNERS_OWN"] == "kept"
    assert environment["COLUMNS"] == "100" and environment["PYTHONDONTWRITEBYTECODE"] == "1"


def test_paths_inside_the_project_are_shown_relative_to_it(tmp_path):
    text = f"Generating {tmp_path}{os.sep}alembic{os.sep}env.py ...  done\nin {tmp_path}"
    assert sandbox.relative_paths(text, tmp_path) == f"Generating alembic{os.sep}env.py ...  done\nin ."


def test_an_exception_is_described_with_the_learners_file_and_line(tmp_path):
    model = tmp_path / "model.py"
    model.write_text("x = 1\nraise ValueError('no such column')\n")
    with pytest.raises(ValueError) as raised:
        exec(compile(model.read_text(), str(model), "exec"), {})
    description = sandbox.describe_exception(raised.value, tmp_path)
    assert description == f"ValueError: no such column\n  (raised in {model}, line 2)"


def test_a_syntax_error_is_described_with_its_own_file_and_line(tmp_path):
    model = tmp_path / "model.py"
    model.write_text("x = (\n")
    with pytest.raises(SyntaxError) as raised:
        compile(model.read_text(), str(model), "exec")
    assert f"(raised in {model}, line 1)" in sandbox.describe_exception(raised.value, tmp_path)


def test_a_command_runs_outside_the_event_loop_that_a_kernel_runs():
    """An async env.py calls asyncio.run(), which refuses to start inside a running loop; a terminal has none."""
    import asyncio

    async def answer():
        return 42

    async def in_a_kernel():
        return sandbox.outside_any_event_loop(asyncio.run, answer())

    assert asyncio.run(in_a_kernel()) == 42
    assert sandbox.outside_any_event_loop(lambda: "no loop here") == "no loop here"


def test_what_a_command_raises_outside_the_loop_is_raised_with_its_traceback():
    import asyncio

    def fail():
        raise SystemExit(2)

    async def in_a_kernel():
        sandbox.outside_any_event_loop(fail)

    with pytest.raises(SystemExit) as stopped:
        asyncio.run(in_a_kernel())
    assert stopped.value.code == 2 and stopped.value.__traceback__ is not None


def test_in_the_browser_a_command_runs_in_place_for_pyodide_has_no_threads(monkeypatch):
    import asyncio
    import threading

    from tutorial import inbrowser

    monkeypatch.setattr(inbrowser, "IN_BROWSER", True)

    async def in_the_browser():
        return sandbox.outside_any_event_loop(threading.current_thread)

    assert asyncio.run(in_the_browser()) is threading.current_thread()


def test_a_module_imported_afresh_is_read_as_the_file_is_now_and_forgotten_after(tmp_path):
    (tmp_path / "afresh_app").mkdir()
    (tmp_path / "afresh_app" / "__init__.py").write_text("")
    settings = tmp_path / "afresh_app" / "settings.py"
    settings.write_text("DATABASE_URL = 'sqlite:///one.sqlite'\n")
    with sandbox.imported_afresh(tmp_path, "afresh_app.settings") as module:
        assert module.DATABASE_URL == "sqlite:///one.sqlite"
        assert os.getcwd() == str(tmp_path.resolve())
    assert "afresh_app.settings" not in sys.modules and str(tmp_path.resolve()) not in sys.path
    settings.write_text("DATABASE_URL = 'sqlite:///two.sqlite'\n")
    (tmp_path / "afresh_app" / "models.py").write_text("TABLES = ['notes']\n")
    with sandbox.imported_afresh(tmp_path, "afresh_app.settings", "afresh_app.models") as (again, models):
        assert (again.DATABASE_URL, models.TABLES) == ("sqlite:///two.sqlite", ["notes"])


def test_a_module_that_does_not_import_is_a_project_problem_naming_the_file_and_line(tmp_path):
    (tmp_path / "broken_app.py").write_text("x = 1\ny = undefined_name\n")
    with pytest.raises(sandbox.ProjectProblem) as raised:
        with sandbox.imported_afresh(tmp_path, "broken_app"):
            pass
    assert str(raised.value) == "NameError: name 'undefined_name' is not defined\n  (raised in broken_app.py, line 2)"
    assert "broken_app" not in sys.modules


def test_an_alembic_extension_that_env_py_imports_starts_afresh_each_command_and_leaves_nothing(tmp_path):
    from alembic.autogenerate import comparators

    def extension_comparators():
        return [fn for entries in comparators._registry.values() for fn, _ in entries
                if fn.__module__.startswith(sandbox.ALEMBIC_EXTENSIONS)]

    for _ in range(2):  # two commands in a row: the second sees one comparator of its own, not two
        with sandbox.as_in_a_terminal(tmp_path):
            import alembic_postgresql_enum  # noqa: F401  (env.py's import, which registers its comparator)
            import alembic_utils.replaceable_entity  # noqa: F401

            assert len(extension_comparators()) == 2
        assert extension_comparators() == []
        assert not [name for name in sys.modules if name.startswith(sandbox.ALEMBIC_EXTENSIONS)]
