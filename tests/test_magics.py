"""The ``%%terminal`` cell: its commands run in the current folder, and ``cd`` moves the rest of the cell."""

from __future__ import annotations

import os

import pytest

import tutorial
from tutorial import magics, stages


def test_cd_moves_the_commands_after_it_for_the_rest_of_the_cell_only(workspace, capsys):
    project = tutorial.start("m-cd", stage="tables")
    project.path("deploy").mkdir()
    capsys.readouterr()
    with pytest.raises(tutorial.CommandFailed) as failure:
        magics.terminal_cell("", "cd deploy\nalembic current\n")
    assert "No 'script_location' key found" in failure.value.message  # run in deploy/, which has no alembic.ini
    assert capsys.readouterr().out.startswith("$ cd deploy\n$ alembic current\n")
    assert os.getcwd() == str(project.folder)  # the kernel's folder is the project's still
    stages.replace(project.path("alembic.ini"), "prepend_sys_path = .", "prepend_sys_path = %(here)s")
    stages.replace(project.path("alembic.ini"), "sqlite:///billtracker", "sqlite:///%(here)s/billtracker")
    magics.terminal_cell("", "cd deploy\nalembic -c ../alembic.ini current\n")
    assert "(head)" in capsys.readouterr().out


def test_cd_to_a_folder_that_does_not_exist_says_so(workspace):
    tutorial.start("m-cd-missing", stage="empty")
    with pytest.raises(tutorial.CommandFailed) as failure:
        magics.terminal_cell("", "cd deploy\nalembic current\n")
    assert failure.value.message == "cd: deploy: no such folder here"
    with pytest.raises(tutorial.CommandFailed) as failure:
        magics.terminal_cell("", "cd\n")
    assert failure.value.message.startswith("cd: give one folder")
