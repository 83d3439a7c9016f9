"""rewrite.function: replace a whole function of a revision file, comments included, and show the diff."""

from __future__ import annotations

import pytest

import tutorial
from tutorial import rewrite

NEW_UPGRADE = '''
    def upgrade() -> None:
        """Upgrade schema."""
        op.execute("SELECT 1")
'''


def test_the_whole_function_is_replaced_and_the_rest_kept(workspace, capsys):
    project = tutorial.start("t-rewrite", stage="last_login-revision")
    revision = project.newest_revision_file()
    before = revision.read_text()
    rewrite.function(revision, NEW_UPGRADE)
    after = revision.read_text()
    upgrade = after.split("def upgrade()", 1)[1].split("def downgrade()", 1)[0]
    assert upgrade == ' -> None:\n    """Upgrade schema."""\n    op.execute("SELECT 1")\n\n\n'
    assert after.split("def downgrade()", 1)[1] == before.split("def downgrade()", 1)[1]
    assert after.split("def upgrade()", 1)[0] == before.split("def upgrade()", 1)[0]
    assert "-    op.add_column('users'" in capsys.readouterr().out


def test_the_last_function_of_a_file_keeps_one_final_newline(workspace):
    project = tutorial.start("t-rewrite-last", stage="last_login-revision")
    revision = project.newest_revision_file()
    rewrite.function(revision, 'def downgrade() -> None:\n    pass\n')
    assert revision.read_text().endswith("def downgrade() -> None:\n    pass\n")


def test_running_it_again_does_nothing(workspace, capsys):
    project = tutorial.start("t-rewrite-again", stage="last_login-revision")
    revision = project.newest_revision_file()
    rewrite.function(revision, NEW_UPGRADE)
    text = revision.read_text()
    capsys.readouterr()
    rewrite.function(revision, NEW_UPGRADE)
    assert revision.read_text() == text
    assert "already has this edit" in capsys.readouterr().out


def test_an_unknown_function_or_no_def_line_is_refused(workspace):
    project = tutorial.start("t-rewrite-unknown", stage="last_login-revision")
    revision = project.newest_revision_file()
    with pytest.raises(ValueError, match="no top-level function `migrate\\(\\)`"):
        rewrite.function(revision, "def migrate():\n    pass\n")
    with pytest.raises(ValueError, match="must start with the function's `def` line"):
        rewrite.function(revision, "op.execute('SELECT 1')\n")
