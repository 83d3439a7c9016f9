"""Warnings raised during an Alembic command: shown as a terminal shows them, minus the installed file's path."""

from __future__ import annotations

import tutorial
from tutorial import stages


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
