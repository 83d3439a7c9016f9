"""Run every notebook in a real JupyterLab, in headless Chromium, and check what a learner sees.

One JupyterLab server and one browser serve the whole module; each notebook
gets a fresh page and its own kernel. For each notebook the test clears the
stored outputs, runs all cells (``runmenu:run-all``), and checks that:

- every code cell ran (it shows an execution count, not ``[ ]`` or ``[*]``);
- red output (an error, or text on stderr) appears only in cells tagged
  ``raises-exception``, and each such cell does show its error;
- a cell calling ``show_file(`` shows highlighted code, and the first link it
  printed to a file that still exists opens the file in JupyterLab's editor;
- every ```` ```mermaid ```` block (in Markdown cells or Markdown outputs) is
  drawn as a diagram;
- widgets are drawn; in a cell tagged ``browser-click``, clicking the first
  button changes the cell's output.

Then it runs all cells again, as a learner pressing Run All a second time:
every check above holds again, the first cell says that the first run's files
were moved to ``workspace/.backups/``, and the notebook leaves a project the
learner could keep (``project_health``), unless it says otherwise.

A screenshot of each notebook lands in ``test-artifacts/screenshots/``.

Needs Chromium (``/usr/bin/chromium``); without it the tests skip, unless
``TUTORIAL_REQUIRE_BROWSER=1`` (as in CI), which makes them fail.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from support import project_health
from support.browser import REPOSITORY, JupyterLab, copy_notebooks
from support.notebook_page import (
    CLICK_TIMEOUT,
    check_cells,
    click_buttons,
    dialog_problems,
    screenshot,
    settled_report,
    short,
    source_of,
    tags_of,
)
from tutorial import servers

pytestmark = pytest.mark.browser

NOTEBOOKS = sorted((REPOSITORY / "notebooks").glob("*.ipynb"))
NOTEBOOK_TIMEOUT = float(os.environ.get("TUTORIAL_BROWSER_TIMEOUT", "120"))  # seconds per notebook
# Notebooks given a multiple of that: the cells of notebooks 19, 20 and 26 wait for locks, and start Alembic processes, on purpose.
SLOWER = {"19-migrate-a-live-database": 3, "20-change-a-live-schema-safely": 3, "26-migrate-at-deploy-time": 3}


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def lab(chromium, tmp_path_factory):
    """A JupyterLab server serving a copy of ``notebooks/``, its workspace in the same temporary folder."""
    root = tmp_path_factory.mktemp("browser")
    copy_notebooks(root)
    server = JupyterLab(root)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        with pytest.MonkeyPatch.context() as patch:  # a server notebook's project database stays on the server
            patch.setenv("ALEMBIC_TUTORIAL_WORKSPACE", str(root / "workspace"))
            servers.drop_workspace_databases()


# --------------------------------------------------------------------------- tests


def test_notebooks_exist():
    assert NOTEBOOKS, f"no notebooks found in {REPOSITORY / 'notebooks'}"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def test_notebook_in_jupyterlab(notebook: Path, lab: JupyterLab, browser):
    relative = f"notebooks/{notebook.name}"
    cells = json.loads((lab.root / relative).read_text(encoding="utf-8"))["cells"]
    deadline = time.monotonic() + NOTEBOOK_TIMEOUT * SLOWER.get(notebook.stem, 1)
    started = time.monotonic()
    page = browser.new_page()
    errors_in_page: list[str] = []
    page.on("pageerror", lambda error: errors_in_page.append(str(error)))
    problems: list[str] = []
    try:
        open_notebook(page, lab, relative, deadline)
        run_all(page, lab, relative, deadline, problems)
        report = settled_report(page, deadline)
        assert len(report) == len(cells), (
            f"JupyterLab shows {len(report)} cells, {notebook.name} has {len(cells)}"
        )
        click_problems = click_buttons(page, cells, report) + open_a_file_link(page, lab, relative, cells, report)
        report = settled_report(page, deadline)  # the clicks may have printed something
        problems += check_cells(cells, report, str(lab.root), notebook.name) + click_problems
        problems += dialog_problems(page)
        # A learner presses Run All again: every check holds again, the first cell says where the first
        # run's files went, and the notebook leaves a project the learner could keep.
        clear_outputs(page, deadline)
        run_all(page, lab, relative, deadline, problems)
        again = settled_report(page, deadline)
        problems += [f"second Run All: {problem}" for problem in check_cells(cells, again, str(lab.root), notebook.name)]
        problems += backed_up(notebook.stem, lab.root / "workspace", again)
        problems += dialog_problems(page)
        problems += [f"its project at the end: {problem}" for problem in project_health.unexpected(notebook.stem, lab.root / "workspace")]
    finally:
        try:
            for shot in screenshot(page, notebook.stem):
                print(f"screenshot: {shot}")
        except Exception as error:  # a crashed page must not hide the test's own failure
            print(f"no screenshot of {notebook.name}: {error}")
        finally:
            print(f"{notebook.name}: {time.monotonic() - started:.1f} s in the browser")
            try:
                page.close()
            finally:
                lab.shut_down_session(relative)  # shuts its kernel down
    if errors_in_page:
        print("JavaScript errors in the page:", *errors_in_page, sep="\n  ")
    if problems:
        pytest.fail(f"{notebook.name} in JupyterLab:\n- " + "\n- ".join(problems), pytrace=False)


# --------------------------------------------------------------------------- steps


def remaining_ms(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError(f"the notebook took longer than {NOTEBOOK_TIMEOUT:.0f} s (TUTORIAL_BROWSER_TIMEOUT)")
    return left * 1000


def open_notebook(page, lab: JupyterLab, relative: str, deadline: float) -> None:
    """Open the notebook (``?reset``: no tabs restored), wait for its kernel, and clear the stored outputs."""
    page.goto(lab.notebook_url(relative), timeout=remaining_ms(deadline))
    page.wait_for_function(
        """(path) => {
            const app = window.jupyterapp;
            const widget = app && app.shell.currentWidget;
            return !!(widget && widget.context && widget.context.path === path
                      && widget.context.isReady && widget.content && widget.content.model);
        }""",
        arg=relative,
        timeout=remaining_ms(deadline),
        polling=250,
    )
    lab.wait_for_idle_kernel(relative, remaining_ms(deadline) / 1000)
    page.wait_for_function(  # and the page is connected to that kernel
        """() => {
            const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel;
            return !!kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle';
        }""",
        timeout=remaining_ms(deadline),
        polling=250,
    )
    page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
    clear_outputs(page, deadline)


def clear_outputs(page, deadline: float) -> None:
    """Clear every output and execution count, and wait until no prompt shows a number."""
    # The commands' promises are not awaited: a hanging cell must not hang the test (the deadline rules).
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs'); }")
    page.wait_for_function(
        """() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputArea-prompt')]
                .every(prompt => !/\\d/.test(prompt.textContent))""",
        timeout=remaining_ms(deadline),
        polling=250,
    )


PROMPTS_JS = """() => window.jupyterapp.shell.currentWidget.content.widgets
    .filter(cell => cell.model.type === 'code')
    .map(cell => cell.node.querySelector('.jp-InputArea-prompt').textContent.trim())"""


def run_all(page, lab: JupyterLab, relative: str, deadline: float, problems: list[str]) -> None:
    """Run All, then wait until every code cell has a count and the kernel is idle, or the run stopped."""
    page.evaluate("() => { window.jupyterapp.commands.execute('runmenu:run-all'); }")
    stalled_since = None
    prompts: list[str] = []
    while time.monotonic() < deadline:
        prompts = page.evaluate(PROMPTS_JS)
        done = all(prompt.startswith("[") and prompt[1:-2].isdigit() for prompt in prompts)
        running = any("*" in prompt for prompt in prompts)
        session = lab.session_for(relative) or {}
        idle = (session.get("kernel") or {}).get("execution_state") == "idle"
        if done and idle:
            return
        if not running and idle:  # Run All stopped before the end (an unexpected error)
            stalled_since = stalled_since or time.monotonic()
            if time.monotonic() - stalled_since > 3:
                return
        else:
            stalled_since = None
        time.sleep(0.25)
    problems.append(
        f"the cells were still running after {NOTEBOOK_TIMEOUT:.0f} s (TUTORIAL_BROWSER_TIMEOUT); prompts: {prompts}"
    )


def open_a_file_link(page, lab: JupyterLab, relative: str, cells: list[dict], report: list[dict]) -> list[str]:
    """Click the first link ``show_file`` printed to a file that still exists: JupyterLab must open it in its editor.

    (Some notebooks delete a revision file on purpose after showing it; those links are passed over.)
    """
    for cell, seen in zip(cells, report):
        if "show_file(" not in source_of(cell) or "raises-exception" in tags_of(cell):
            continue
        links = page.locator(".jp-Notebook-cell").nth(seen["domIndex"]).locator('.jp-Cell-outputArea a[href*="workspace/"]')
        for number in range(links.count()):
            link = links.nth(number)
            shown = link.inner_text().strip()  # workspace/<notebook>/<file>: JupyterLab rewrites the href itself
            if not (lab.root / shown).is_file():
                continue
            name = shown.rsplit("/", 1)[-1]
            notebook_id = page.evaluate("window.jupyterapp.shell.currentWidget.id")
            link.scroll_into_view_if_needed()
            link.click()
            try:
                page.wait_for_function(
                    """(name) => {
                        const widget = window.jupyterapp.shell.currentWidget;
                        return widget && widget.title.label === name && widget.node.querySelector('.jp-FileEditor');
                    }""",
                    arg=name,
                    timeout=CLICK_TIMEOUT * 1000,
                    polling=250,
                )
            except Exception:  # playwright's TimeoutError
                return [f"cell {seen['index']} (show_file): clicking the link to {name} did not open it in the editor"]
            finally:
                page.evaluate(
                    """(id) => {
                        const shell = window.jupyterapp.shell;
                        if (shell.currentWidget && shell.currentWidget.id !== id) shell.currentWidget.close();
                        shell.activateById(id);
                    }""",
                    notebook_id,
                )
            return []
    return []


def backed_up(stem: str, workspace: Path, report: list[dict]) -> list[str]:
    """After a second Run All, the first cell says where the first run's files went, and they are there."""
    if stem == "00-start-here":
        return []
    first_code_cell = next(seen for seen in report if seen["type"] == "code")
    said = f"Your earlier files in workspace/{stem} were moved to workspace/.backups/{stem}/"
    problems = [] if said in " ".join(first_code_cell["text"].split()) else [
        f"second Run All: the first cell does not say {said!r}: {short(first_code_cell['text'])!r}"
    ]
    backups = list((workspace / ".backups" / stem).iterdir()) if (workspace / ".backups" / stem).is_dir() else []
    if len(backups) != 1:
        problems.append(f"second Run All: {len(backups)} backups of the first run in workspace/.backups/{stem}")
    return problems
