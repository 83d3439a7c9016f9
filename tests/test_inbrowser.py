"""The helper package's behaviour in the browser (``tutorial.inbrowser``), checked here on CPython.

``test_lite.py`` runs the notebooks in the real Pyodide kernel; these tests pin down
the rules it relies on, quickly, with ``IN_BROWSER`` switched on where needed.
"""

from __future__ import annotations

import base64
import io
import re
import sys
import zipfile

import pytest

import tutorial
from tutorial import display, inbrowser, stages, terminal, workspace


@pytest.mark.parametrize(
    "code, what",
    [
        ('server = make_server("127.0.0.1", 0, application)', "starts a web server"),
        ("import subprocess\nsubprocess.run(['alembic', 'check'])", "starts a new process"),
        ("get_ipython().system('alembic check')", "starts a new process"),
        ("os.system('ls')", "starts a new process"),
        ("threading.Thread(target=server.serve_forever).start()", "starts a web server"),
        ("from threading import Thread\nThread(target=print).start()", "starts a thread"),
        # the terminal's commands that run in a new process even in the browser (ruff), in a %%terminal cell or run()
        ("get_ipython().run_cell_magic('terminal', '', 'ruff check --fix alembic/versions\\n')", "starts a new process"),
        ("get_ipython().run_cell_magic('terminal', '', 'alembic upgrade head\\nruff --version\\n')", "starts a new process"),
        ('relative = "x.py"\ntutorial.run(f"ruff format --check {relative}")', "starts a new process"),
    ],
)
def test_cells_the_browser_cannot_run_are_recognised(code, what):
    assert inbrowser.what_cannot_run(code) == what


@pytest.mark.parametrize(
    "code",
    [
        "get_ipython().run_cell_magic('writefile', 'app.py', 'make_server(\"127.0.0.1\", 8000, application)')",
        "# subprocess.run would need a process\nprint('subprocess')",
        "project.system_tables()",  # some other .system
        "tutorial.run('alembic upgrade head')",
        "get_ipython().run_cell_magic('terminal', '', 'alembic upgrade head\\npytest -q\\n')",  # pytest runs in the kernel there
        "run('flask --app app db upgrade')",  # and so does flask
        'tutorial.run(f"alembic upgrade {target}")',
        "get_ipython().run_cell_magic('terminal', '', 'cd deploy\\n# from there\\nalembic -c ../alembic.ini current\\n')",
        "print('ruff check')",  # no command run
        "def broken(:",  # not Python: left to the kernel's own error
    ],
)
def test_other_cells_run_as_they_are(code):
    assert inbrowser.what_cannot_run(code) is None
    assert inbrowser.explain_what_cannot_run([code]) == [code]


def test_a_cell_that_cannot_run_says_so_in_plain_words_instead(capsys):
    lines = inbrowser.explain_what_cannot_run(["import subprocess\n", "subprocess.run(['alembic', 'check'])\n"])
    exec(compile("".join(lines), "<cell>", "exec"), {})
    said = capsys.readouterr().out
    assert said.startswith("This cell starts a new process, which Python cannot do in the browser")
    assert "It was not run" in said and "JupyterLab" in said


def test_a_terminal_cell_that_runs_ruff_says_so_instead_as_the_kernel_sees_it(capsys):
    from IPython.core.inputtransformer2 import TransformerManager

    code = TransformerManager().transform_cell("%%terminal\nruff check alembic/versions\n")  # as IPython passes it on
    lines = inbrowser.explain_what_cannot_run(code.splitlines(keepends=True))
    exec(compile("".join(lines), "<cell>", "exec"), {})
    assert capsys.readouterr().out.startswith("This cell starts a new process, which Python cannot do in the browser")


def test_the_transformer_is_registered_in_the_browser_only(monkeypatch):
    class Shell:
        input_transformers_post: list = []

    shell = Shell()
    inbrowser.register(shell)
    assert shell.input_transformers_post == []
    monkeypatch.setattr(inbrowser, "IN_BROWSER", True)
    inbrowser.register(shell)
    inbrowser.register(shell)
    assert shell.input_transformers_post == [inbrowser.explain_what_cannot_run]


def test_alembic_imports_with_the_kernels_empty_stand_ins(monkeypatch):
    """As in the Pyodide kernel: ``fcntl`` and ``termios`` are empty modules, and Alembic is not imported yet."""
    import types

    for name in [name for name in sys.modules if name == "alembic" or name.startswith("alembic.")]:
        monkeypatch.delitem(sys.modules, name)
    stand_in = types.ModuleType("termios")
    monkeypatch.setitem(sys.modules, "fcntl", types.ModuleType("fcntl"))
    monkeypatch.setitem(sys.modules, "termios", stand_in)
    monkeypatch.setattr(inbrowser, "IN_BROWSER", True)
    inbrowser.allow_alembic_import()
    from alembic.util import messaging

    assert messaging.TERMWIDTH is None or messaging.TERMWIDTH > 0
    assert sys.modules["termios"] is stand_in  # put back as the kernel had it


def test_the_project_lives_in_the_kernels_memory_in_the_browser(monkeypatch):
    monkeypatch.delenv("ALEMBIC_TUTORIAL_WORKSPACE")
    monkeypatch.setattr(inbrowser, "IN_BROWSER", True)
    assert workspace.root() == inbrowser.WORKSPACE
    assert workspace.shown(inbrowser.WORKSPACE / "03-change-a-model" / "alembic.ini") == "workspace/03-change-a-model/alembic.ini"


def test_a_file_shown_in_the_browser_has_no_link_to_a_file_the_file_browser_lacks(workspace, monkeypatch):
    path = workspace / "03-change-a-model" / "alembic.ini"
    path.parent.mkdir(parents=True)
    path.write_text("[alembic]\n")
    assert 'href="../workspace/03-change-a-model/alembic.ini"' in display._link(path).data
    monkeypatch.setattr(inbrowser, "IN_BROWSER", True)
    shown = display._link(path).data
    assert "href" not in shown and "workspace/03-change-a-model/alembic.ini" in shown and "download_project" in shown


def test_a_program_run_in_a_new_process_says_the_browser_cannot_start_it(monkeypatch, tmp_path):
    monkeypatch.setattr(inbrowser, "IN_BROWSER", True)
    with pytest.raises(terminal.CommandFailed) as failure:
        terminal.run("ruff check .", tmp_path, echo=False)
    assert "`ruff check .` cannot run in the browser" in failure.value.message
    assert "cannot start a new process" in failure.value.message


def test_in_the_browser_alembic_skips_the_hooks_that_start_a_process_saying_so(workspace, monkeypatch):
    """The revision file is written, as Alembic wrote it; a hook of a type registered in Python still runs."""
    from alembic.script import write_hooks

    ran = []
    monkeypatch.setattr(write_hooks, "_run_hooks", write_hooks._run_hooks)  # put back after the test
    monkeypatch.setitem(write_hooks._registry, "in_python", lambda path, options: ran.append(path))
    monkeypatch.setattr(write_hooks.subprocess, "run", lambda *args, **kwargs: pytest.fail("a process was started"))
    project = tutorial.start("b-hooks", stage="empty")
    terminal.run("alembic init alembic", project.folder, echo=False)
    stages.replace(
        project.path("alembic.ini"), "[post_write_hooks]\n",
        "[post_write_hooks]\nhooks = ruff_fix, mine, tidy\nruff_fix.type = module\nruff_fix.module = ruff\n"
        "ruff_fix.options = check --fix REVISION_SCRIPT_FILENAME\nmine.type = in_python\n"
        "tidy.type = exec\ntidy.executable = /usr/bin/tidy\n",
    )
    monkeypatch.setattr(inbrowser, "IN_BROWSER", True)
    inbrowser.skip_hooks_that_start_a_process()
    inbrowser.skip_hooks_that_start_a_process()  # once is enough: the second call changes nothing
    output = terminal.run('alembic revision -m "first"', project.folder, echo=False).output
    assert all(len(line) <= 100 for line in output.splitlines())
    said = " ".join(output.split())
    assert ("Running post write hook 'ruff_fix' ... skipped: it runs `python -m ruff` in a new process, which Python "
            "in the browser cannot start. Running post write hook 'mine' ... done") in said
    assert "Running post write hook 'tidy' ... skipped: it runs `/usr/bin/tidy` in a new process" in said
    assert "stays as Alembic wrote it" not in said  # the hook 'mine' ran: it may have changed the file
    (written,) = project.path("alembic/versions").glob("*_first.py")
    assert ran == [str(written)] and "revision: str = '" in written.read_text()  # Alembic's quotes: no ruff ran
    stages.replace(project.path("alembic.ini"), "hooks = ruff_fix, mine, tidy\n", "hooks = ruff_fix, tidy\n")
    said = " ".join(terminal.run('alembic revision -m "second"', project.folder, echo=False).output.split())
    assert said.endswith("in the browser cannot start. The new file stays as Alembic wrote it.")
    stages.replace(project.path("alembic.ini"), "ruff_fix.module = ruff\n", "")
    with pytest.raises(tutorial.CommandFailed, match="Key ruff_fix.module is required"):  # its settings still checked
        terminal.run('alembic revision -m "third"', project.folder, echo=False)


def test_download_project_zips_the_folder_with_its_database_and_offers_a_link(tmp_path):
    project = tmp_path / "03-change-a-model"
    (project / "alembic" / "versions" / "__pycache__").mkdir(parents=True)
    (project / "alembic.ini").write_text("[alembic]\n")
    (project / "billtracker.sqlite").write_bytes(b"SQLite format 3\x00")
    (project / "alembic" / "versions" / "__pycache__" / "x.pyc").write_bytes(b"\x00")
    download = inbrowser.download_project(project)
    with zipfile.ZipFile(io.BytesIO(download.data)) as archive:
        assert sorted(archive.namelist()) == ["03-change-a-model/alembic.ini", "03-change-a-model/billtracker.sqlite"]
    link = download._repr_html_()
    assert 'download="03-change-a-model.zip"' in link and "Download 03-change-a-model.zip" in link
    encoded = re.search(r'href="data:application/zip;base64,([^"]+)"', link).group(1)
    assert base64.b64decode(encoded) == download.data
    assert repr(download) == "03-change-a-model.zip: 2 files of 03-change-a-model/, 1 KB"


def test_in_the_browser_the_earlier_notebooks_project_is_said_to_be_in_its_own_kernel(workspace, monkeypatch, capsys):
    from tutorial import project

    monkeypatch.setattr(inbrowser, "IN_BROWSER", True)
    project.start("02-connect-alembic", stage="models")
    said = capsys.readouterr().out
    assert ("your own project of notebook 01, if any, is untouched in workspace/01-build-the-models, "
            "in the memory of notebook 01's kernel") in said


def test_the_environment_check_in_the_browser_says_nothing_is_installed_and_what_runs(monkeypatch, capsys):
    from tutorial import envcheck

    monkeypatch.setattr(inbrowser, "IN_BROWSER", True)
    monkeypatch.setattr(envcheck, "environment_report", lambda *args: pytest.fail("checked the packages"))
    envcheck.check_environment()
    captured = capsys.readouterr()
    assert captured.err == ""
    lines = captured.out.splitlines()
    assert lines[0] == "Nothing to check: this is the browser version of the tutorial, which needs no installation."
    assert lines[2].startswith("Python ") and lines[2].endswith(" (Pyodide, inside this web page)")
    assert [line.split()[0] for line in lines[3:6]] == ["alembic", "SQLAlchemy", "ipywidgets"]
    assert "MISSING" not in captured.out and "requirements.txt" not in captured.out


def test_my_progress_in_the_browser_says_it_cannot_see_the_other_notebooks_projects(workspace, monkeypatch):
    from tutorial import progress

    monkeypatch.setattr(inbrowser, "IN_BROWSER", True)
    table = progress.table()
    assert table.rows == []
    assert "lives in the memory of that notebook&#x27;s own Python" in table.html() and "<table>" not in table.html()
    assert repr(table) == progress.ELSEWHERE


def test_only_the_commands_the_terminal_runs_in_a_new_process_in_the_browser_are_said_to_need_one():
    from tutorial import terminal

    assert set(inbrowser.NEEDS_A_PROCESS) == set(terminal.SUPPORTED) - {"alembic", *terminal.IN_THE_KERNEL_IN_THE_BROWSER}
