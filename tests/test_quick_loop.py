"""``make test-quick``: which notebooks it checks, and which tests it leaves to ``make test``."""

from __future__ import annotations

import importlib.util
import subprocess

import pytest

from support import tools
from support.paths import REPOSITORY

test_quick = tools.tool("test_quick")
# The repository's conftest.py, which lists what test-quick leaves out (`conftest` is tests/conftest.py here).
_spec = importlib.util.spec_from_file_location("repository_conftest", REPOSITORY / "conftest.py")
root_conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(root_conftest)


def git(folder, *arguments):
    subprocess.run(["git", *arguments], cwd=folder, check=True, capture_output=True)


@pytest.fixture
def checkout(tmp_path):
    """A repository whose main holds three notebooks, and a branch off it."""
    git(tmp_path, "init", "--quiet", "--initial-branch=main")
    git(tmp_path, "config", "user.email", "you@example.org")
    git(tmp_path, "config", "user.name", "You")
    (tmp_path / "notebooks").mkdir()
    for name in ["01-a.ipynb", "02-b.ipynb", "03-c.ipynb", "04-d.ipynb"]:
        (tmp_path / "notebooks" / name).write_text("{}")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "--quiet", "-m", "notebooks")
    git(tmp_path, "checkout", "--quiet", "-b", "topic")
    return tmp_path


def test_the_notebooks_changed_since_main_committed_or_not_and_new_ones(checkout):
    notebooks = checkout / "notebooks"
    (notebooks / "01-a.ipynb").write_text('{"committed": 1}')
    (notebooks / "solutions").mkdir()
    (notebooks / "solutions" / "01-a.ipynb").write_text("{}")  # not a tutorial notebook
    git(checkout, "add", ".")
    git(checkout, "commit", "--quiet", "-m", "a change")
    (notebooks / "02-b.ipynb").write_text('{"unstaged": 1}')
    (notebooks / "05-new.ipynb").write_text("{}")
    (notebooks / "03-c.ipynb").unlink()  # gone: nothing to check
    (checkout / "README.md").write_text("not a notebook")
    assert test_quick.changed_notebooks(checkout) == ["notebooks/01-a.ipynb", "notebooks/02-b.ipynb",
                                                      "notebooks/05-new.ipynb"]


def test_nothing_changed_means_no_notebook(checkout):
    assert test_quick.changed_notebooks(checkout) == []


def test_every_test_file_left_to_make_test_exists():
    for name in root_conftest.NOT_QUICK:
        assert (REPOSITORY / "tests" / name).is_file(), name
    for test in root_conftest.QUICK_FOR_ITS_NOTEBOOK:
        file, function = test.split("::")
        assert f"def {function}(" in (REPOSITORY / "tests" / file).read_text(encoding="utf-8"), test


def test_the_answer_key_of_a_named_notebook_only_is_quick():
    """What ``-m "quick or notebook"`` collects from three test files and notebook 04 (as test-quick runs it)."""
    command = test_quick.pytest_command(["notebooks/04-upgrade-the-database.ipynb"])
    assert command[-2:] == ["tests", "notebooks/04-upgrade-the-database.ipynb"]
    files = ["tests/test_exercise_contract.py", "tests/test_titles.py", "tests/test_exercises_22.py"]
    command = [*command[:-2], *files, command[-1], "-n", "0", "--collect-only", "-q"]
    listed = subprocess.run(command, cwd=REPOSITORY, capture_output=True, text=True).stdout
    answer_keys = [line for line in listed.splitlines() if "solution_passes" in line]
    assert answer_keys == ["tests/test_exercise_contract.py::"
                           "test_the_lesson_alone_is_not_started_and_the_solution_passes[04-upgrade-the-database]"]
    assert "tests/test_exercise_contract.py::test_the_solution_files_exist_and_the_notebook_offers_them[01-build-the-models]" in listed
    assert "notebooks/04-upgrade-the-database.ipynb::Cell 0" in listed
    assert "tests/test_titles.py::" in listed and "tests/test_exercises_22.py::" not in listed
