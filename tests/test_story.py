"""The notebooks and the stages that stand in for them must tell the same story."""

from __future__ import annotations

import ast

import nbformat

from support.paths import NOTEBOOKS
from tutorial import stages, story

TEMPLATES = stages.TEMPLATES / "billtracker"


def notebook_sources(name: str) -> list[str]:
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


def edit_calls(name: str) -> list[tuple[str, str, str]]:
    """The literal (path, old, new) of every ``tutorial.edit_file`` call in a notebook."""
    calls = []
    for source in notebook_sources(name):
        if source.startswith("%"):
            continue
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "edit_file":
                path, old, new = node.args
                if not all(isinstance(arg, ast.Constant | ast.BinOp) for arg in (path, old)):
                    continue  # an edit whose path or text is computed (a loop's f-string, the newest revision)
                new_text = ast.literal_eval(new) if isinstance(new, ast.Constant | ast.BinOp) else None
                calls.append((ast.literal_eval(path), ast.literal_eval(old), new_text))
    return calls


def test_notebook_01_writes_exactly_the_template_files():
    written = {}
    for source in notebook_sources("01-build-the-models.ipynb"):
        if source.startswith("%%writefile "):
            first, _, body = source.partition("\n")
            written[first.split()[1]] = body + "\n"
    expected = {
        path.relative_to(TEMPLATES).as_posix(): path.read_text()
        for path in TEMPLATES.rglob("*.py")
        if path.read_text()
    }
    assert written == expected


def test_notebook_02_makes_the_edits_of_the_alembic_stage():
    calls = edit_calls("02-connect-alembic.ipynb")
    assert ("alembic.ini", story.INI_URL_BEFORE, None) in calls
    assert ("alembic.ini", story.INI_KEYS_BEFORE, story.INI_KEYS_AFTER) in calls
    assert ("alembic.ini", story.INI_QUIET_BEFORE, story.INI_QUIET_AFTER) in calls
    old_env, new_env = story.ENV_BEFORE, story.env_after("billtracker")
    assert ("alembic/env.py", old_env, new_env) in calls


def test_notebook_03_makes_the_edit_of_the_last_login_stage():
    calls = edit_calls("03-change-a-model.ipynb")
    assert calls == [("billtracker/data/users.py", story.LAST_LOGIN_BEFORE, story.LAST_LOGIN_AFTER)]


def test_the_revision_messages_match():
    assert f'-m "{story.FIRST_MESSAGE}"' in "\n".join(notebook_sources("02-connect-alembic.ipynb"))
    assert f'-m "{story.LAST_LOGIN_MESSAGE}"' in "\n".join(notebook_sources("03-change-a-model.ipynb"))


def test_notebook_19_makes_the_edits_of_the_lock_timeouts_stage():
    calls = edit_calls("19-migrate-a-live-database.ipynb")
    assert ("alembic.ini", story.INI_POSTGRESQL_LOGGER_BEFORE, story.INI_POSTGRESQL_LOGGER_AFTER) in calls
    assert ("alembic.ini", story.INI_POSTGRESQL_KEYS_BEFORE, story.INI_POSTGRESQL_KEYS_AFTER) in calls
    assert ("alembic/env.py", story.TIMEOUTS_BEFORE, story.TIMEOUTS_AFTER) in calls
    assert ("alembic/env.py", story.PER_MIGRATION_BEFORE, story.PER_MIGRATION_AFTER) in calls
    for file, line, column, _ in story.LIVE_COLUMNS:
        assert (f"billtracker/data/{file}", line, line + column) in calls
    sources = "\n".join(notebook_sources("19-migrate-a-live-database.ipynb"))
    for *_, message in story.LIVE_COLUMNS:
        assert f'-m "{message}"' in sources
    # env.py's two calls of set_timeouts(), made in a loop over the two indents, as the stage makes them
    assert 'for indent in ("    ", "        "):' in sources and "set_timeouts()" in sources
