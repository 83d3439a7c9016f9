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
from support.browser import (
    CHROMIUM_FLAGS,
    CHROMIUM_MISSING,
    REPOSITORY,
    JupyterLab,
    copy_notebooks,
    find_chromium,
)
from tutorial import servers

pytestmark = pytest.mark.browser

NOTEBOOKS = sorted((REPOSITORY / "notebooks").glob("*.ipynb"))
SCREENSHOTS = REPOSITORY / "test-artifacts" / "screenshots"
NOTEBOOK_TIMEOUT = float(os.environ.get("TUTORIAL_BROWSER_TIMEOUT", "120"))  # seconds per notebook
# Notebooks given a multiple of that: the cells of notebooks 19, 20 and 26 wait for locks, and start Alembic processes, on purpose.
SLOWER = {"19-migrate-a-live-database": 3, "20-change-a-live-schema-safely": 3, "26-migrate-at-deploy-time": 3}
CLICK_TIMEOUT = 15  # seconds for a button's callback to change its cell's output
VIEWPORT = {"width": 1400, "height": 1000}
MAX_SHOT_HEIGHT = 12000  # pixels per screenshot; taller notebooks are photographed in parts


def require_browser() -> bool:
    return os.environ.get("TUTORIAL_REQUIRE_BROWSER") == "1"


def skip_or_fail(reason: str):
    if require_browser():
        pytest.fail(f"{reason} (TUTORIAL_REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(reason)


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def chromium() -> str:
    path = find_chromium()
    if path is None:
        skip_or_fail(CHROMIUM_MISSING)
    return path


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


@pytest.fixture(scope="module")
def browser(chromium, lab):
    """One headless Chromium (a persistent context with a fresh profile in the temporary folder)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("The Python package `playwright` is missing: pip install -r requirements-test.txt (make test does)")
    home = lab.root / ".state" / "chromium-home"
    home.mkdir(parents=True)
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
    }
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(lab.root / ".state" / "chromium-profile"),
            executable_path=chromium,
            args=CHROMIUM_FLAGS,
            headless=True,
            env=env,
            viewport=VIEWPORT,
            timeout=60_000,
        )
        try:
            yield context
        finally:
            context.close()


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


REPORT_JS = """() => {
    const panel = window.jupyterapp.shell.currentWidget;
    const model = panel.content.model.toJSON();
    const domCells = [...panel.content.node.querySelectorAll('.jp-Notebook-cell')];
    return panel.content.widgets.map((cell, index) => {
        const node = cell.node;
        const outputs = (model.cells[index].outputs || []);
        const outputArea = node.querySelector('.jp-Cell-outputArea');
        const mermaid = [...node.querySelectorAll('.jp-RenderedMermaid')];
        const drawn = mermaid.filter(div => !div.classList.contains('jp-mod-warning')
            && (div.querySelector('svg') || [...div.querySelectorAll('img')].some(img => img.complete && img.naturalWidth > 0)));
        return {
            index,
            domIndex: domCells.indexOf(node),
            type: cell.model.type,
            prompt: (node.querySelector('.jp-InputArea-prompt') || {textContent: ''}).textContent.trim(),
            rendered: node.classList.contains('jp-mod-rendered'),
            // red areas: text written to stderr, and errors (JupyterLab draws both with the stderr mime type)
            stderr: [...node.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"]')]
                .map(el => el.innerText),
            errors: outputs.filter(o => o.output_type === 'error').map(o => `${o.ename}: ${o.evalue}`),
            // highlighted code: spans of a <pre> in a colour of their own (pygments classes or inline styles)
            highlighted: [...node.querySelectorAll('.jp-OutputArea-output pre')].reduce((count, pre) => {
                const plain = getComputedStyle(pre).color;
                return count + [...pre.querySelectorAll('span')].filter(span => getComputedStyle(span).color !== plain).length;
            }, 0),
            mermaidDrawn: drawn.length,
            mermaidWarnings: mermaid.filter(div => div.classList.contains('jp-mod-warning')).map(div => div.innerText),
            mermaidInOutputs: outputs.map(o => (o.data || {})['text/markdown'] || '')
                .map(text => Array.isArray(text) ? text.join('') : text)
                .reduce((count, text) => count + (text.match(/```mermaid/g) || []).length, 0),
            widgetViews: outputs.filter(o => (o.data || {})['application/vnd.jupyter.widget-view+json']).length,
            widgetsDrawn: node.querySelectorAll('.jupyter-widgets').length,
            text: outputArea ? outputArea.innerText : '',
            // output lines the browser wraps because they are wider than the output area
            wrapped: [...node.querySelectorAll('.jp-OutputArea-output pre')].flatMap(pre => {
                const style = getComputedStyle(pre);
                const lineHeight = parseFloat(style.lineHeight);
                const height = pre.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
                const lines = pre.textContent.replace(/\\n$/, '').split('\\n');
                const shown = lineHeight ? Math.round(height / lineHeight) : lines.length;
                return shown > lines.length ? [lines.reduce((a, b) => (b.length > a.length ? b : a), '')] : [];
            }),
        };
    });
}"""


def cell_report(page) -> list[dict]:
    return page.evaluate(REPORT_JS)


def settled_report(page, deadline: float, settle: float = 10) -> list[dict]:
    """The cells as shown once the page stops changing (diagrams and widgets are drawn after the kernel is idle)."""
    until = min(deadline, time.monotonic() + settle)
    report = cell_report(page)
    while time.monotonic() < until:
        time.sleep(0.5)
        again = cell_report(page)
        if again == report:
            break
        report = again
    return report


def tags_of(cell: dict) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def source_of(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def click_buttons(page, cells: list[dict], report: list[dict]) -> list[str]:
    """In each cell tagged ``browser-click``, click the first button and expect the cell's output to change."""
    problems = []
    for cell, seen in zip(cells, report):
        if "browser-click" not in tags_of(cell):
            continue
        where = f"cell {seen['index']} (tagged browser-click)"
        button = page.locator(".jp-Notebook-cell").nth(seen["domIndex"]).locator(".jp-Cell-outputArea button").first
        if not button.count():
            problems.append(f"{where}: no button in its output to click")
            continue
        before = seen["text"]
        button.scroll_into_view_if_needed()
        button.click()
        try:
            page.wait_for_function(
                """([index, before]) => {
                    const node = window.jupyterapp.shell.currentWidget.content.widgets[index].node;
                    const area = node.querySelector('.jp-Cell-outputArea');
                    return area && area.innerText !== before;
                }""",
                arg=[seen["index"], before],
                timeout=CLICK_TIMEOUT * 1000,
                polling=250,
            )
        except Exception:  # playwright's TimeoutError
            problems.append(f"{where}: clicking its first button did not change its output within {CLICK_TIMEOUT} s")
    return problems


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


def dialog_problems(page) -> list[str]:
    dialog = page.locator(".jp-Dialog")
    return [f"a dialog is open: {dialog.first.inner_text()[:300]!r}"] if dialog.count() else []


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


def short(text: str, limit: int = 400) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[:limit] + " [...]"


def check_cells(cells: list[dict], report: list[dict], root: str, name: str) -> list[str]:
    problems = []
    for cell, seen in zip(cells, report):
        index = seen["index"]
        tags = tags_of(cell)
        source = source_of(cell)
        where = f"cell {index} ({short(source.splitlines()[0] if source else '', 60)!r})"
        if seen["domIndex"] != index:
            problems.append(f"{where}: is cell {seen['domIndex']} in the page")
        if seen["type"] != cell["cell_type"]:
            problems.append(f"{where}: is a {seen['type']} cell in JupyterLab, a {cell['cell_type']} cell in the file")
            continue
        if cell["cell_type"] == "markdown":
            if not seen["rendered"]:
                problems.append(f"{where}: Markdown cell not rendered")
            expected = source.count("```mermaid")
            if expected and seen["mermaidDrawn"] < expected:
                problems.append(f"{where}: {expected} mermaid block(s), {seen['mermaidDrawn']} drawn")
        if cell["cell_type"] != "code":
            for warning in seen["mermaidWarnings"]:
                problems.append(f"{where}: mermaid could not draw a diagram: {short(warning)}")
            continue
        prompt = seen["prompt"]
        if not (prompt.startswith("[") and prompt[1:-2].isdigit()):
            problems.append(f"{where}: did not run (prompt {prompt!r})")
            continue
        if "raises-exception" in tags:
            if not seen["errors"]:
                problems.append(f"{where}: tagged raises-exception but raised nothing")
        else:
            for error in seen["errors"]:
                problems.append(f"{where}: unexpected error {short(error)}")
            # An error is drawn as stderr too: any red area beyond the errors is text written to stderr.
            if len(seen["stderr"]) > len(seen["errors"]):
                problems.append(
                    f"{where}: writes to stderr (red in JupyterLab): {short(' | '.join(seen['stderr']))}"
                )
        if "show_file(" in source and "raises-exception" not in tags and not seen["highlighted"]:
            problems.append(f"{where}: calls show_file( but shows no highlighted code")
        expected = seen["mermaidInOutputs"]
        if expected and seen["mermaidDrawn"] < expected:
            problems.append(f"{where}: its output has {expected} mermaid block(s), {seen['mermaidDrawn']} drawn")
        for warning in seen["mermaidWarnings"]:
            problems.append(f"{where}: mermaid could not draw a diagram: {short(warning)}")
        if seen["widgetViews"] and not seen["widgetsDrawn"]:
            problems.append(f"{where}: displays {seen['widgetViews']} widget(s), none drawn: {short(seen['text'])}")
        if "Error displaying widget" in seen["text"]:
            problems.append(f"{where}: {short(seen['text'])}")
        # Worth a look, not failures:
        if root in seen["text"]:
            print(f"note: {name} {where} shows an absolute path in the test's temporary folder")
        for line in seen["wrapped"]:
            print(f"note: {name} {where} has output lines that wrap, the longest {len(line)} characters: "
                  f"{short(line, 120)!r}")
    return problems


def screenshot(page, name: str) -> list[Path]:
    """Photograph the whole notebook: the window is made as tall as the notebook (in parts when very long)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob(f"{name}*.png"):
        if old.stem == name or old.stem.startswith(f"{name}-part"):
            old.unlink()
    try:
        geometry = page.evaluate(
            """() => {
                const scroller = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer');
                if (!scroller) return null;
                const box = scroller.getBoundingClientRect();
                const cells = scroller.querySelectorAll('.jp-Notebook-cell');
                const last = cells.length ? cells[cells.length - 1].getBoundingClientRect().bottom : box.top;
                // up to the last cell: not the empty space JupyterLab adds to scroll past the end
                const content = last - box.top + scroller.scrollTop + 24;
                return {top: box.top, below: window.innerHeight - box.bottom, content};
            }"""
        )
    except Exception:
        geometry = None
    shots = []
    if not geometry:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return [path]
    chrome = int(geometry["top"] + geometry["below"]) + 8
    part_height = MAX_SHOT_HEIGHT - chrome
    parts = max(1, -(-int(geometry["content"]) // part_height))
    height = min(MAX_SHOT_HEIGHT, int(geometry["content"]) + chrome)
    page.set_viewport_size({"width": VIEWPORT["width"], "height": max(height, VIEWPORT["height"])})
    for part in range(parts):
        page.evaluate(
            """(y) => { document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer').scrollTop = y; }""",
            part * part_height,
        )
        page.wait_for_timeout(300)
        path = SCREENSHOTS / (f"{name}.png" if part == 0 else f"{name}-part{part + 1}.png")
        page.screenshot(path=str(path), full_page=True)
        shots.append(path)
    page.set_viewport_size(VIEWPORT)
    return shots
