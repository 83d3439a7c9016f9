"""Drive the browser version of the tutorial (``make lite``'s JupyterLite site) in headless Chromium.

Not for the notebooks: used by ``tests/test_lite.py`` and ``tools/benchmark.py``: serve a built site on 127.0.0.1,
open it in one Chromium page that cannot reach anything else, open a notebook
(every notebook shares the first one's Pyodide kernel), and Run All.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
import urllib.parse
from pathlib import Path

from .chromium import FLAGS as CHROMIUM_FLAGS
from .chromium import find_chromium

# Any name but 127.0.0.1's fails to resolve in this Chromium: nothing can leave the machine, even
# from a service worker, which Playwright's routing does not see.
OFFLINE_FLAGS = ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
VIEWPORT = {"width": 1400, "height": 1000}
KERNEL_TIMEOUT = 300  # seconds for the Pyodide kernel to start (5 to 7 s on two idle cores, more on busy ones)

PROMPTS_JS = """() => window.jupyterapp.shell.currentWidget.content.widgets
    .filter(cell => cell.model.type === 'code')
    .map(cell => cell.node.querySelector('.jp-InputArea-prompt').textContent.trim())"""


def expose_app(site: Path) -> None:
    """Let the page's scripts reach JupyterLite's app (``window.jupyterapp``), as the tests need."""
    path = site / "jupyter-lite.json"
    config = json.loads(path.read_text(encoding="utf-8"))
    config["jupyter-config-data"]["exposeAppInBrowser"] = "true"
    path.write_text(json.dumps(config), encoding="utf-8")




@contextlib.contextmanager
def site_page(url: str, address: str | None = None, open_site: bool = True, route: bool = True):
    """One page of a fresh headless Chromium, JupyterLite loaded; ``page.outside`` lists refused requests,
    ``page.answered`` every request of the page and its workers, as ``(url, status or failure)``.

    With ``route=False``, requests that would leave 127.0.0.1 are not refused by Playwright, only recorded (they
    still fail: no name but 127.0.0.1's resolves), and the browser keeps its HTTP cache, which Playwright's
    routing turns off (microsoft/playwright#7220): for measuring a second visit, as ``make benchmark`` does.

    ``page.load_seconds`` is the time JupyterLite's page took to load (before any kernel). ``address`` is the
    page opened first (by default the site's own, ``url/``; a JupyterLab server's, with its token); with
    ``open_site=False``, none is (``page.load_seconds`` is 0): the caller's first address finds the browser empty.
    """
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="lite-chromium-") as home, sync_playwright() as playwright:
        env = {**os.environ, "HOME": home, "XDG_CONFIG_HOME": f"{home}/.config", "XDG_CACHE_HOME": f"{home}/.cache"}
        context = playwright.chromium.launch_persistent_context(
            f"{home}/profile",
            executable_path=find_chromium(),
            args=CHROMIUM_FLAGS + OFFLINE_FLAGS,
            headless=True,
            env=env,
            viewport=VIEWPORT,
            timeout=60_000,
        )
        try:
            outside: list[str] = []

            def refuse_outside(route):
                if urllib.parse.urlsplit(route.request.url).hostname == "127.0.0.1":
                    route.continue_()
                else:
                    outside.append(route.request.url)
                    route.abort()

            def record(request):
                host = urllib.parse.urlsplit(request.url).hostname
                if host not in ("127.0.0.1", None) and request.url not in outside:
                    outside.append(request.url)

            if route:
                context.route("**/*", refuse_outside)
            context.on("request", record)
            answered: list[tuple[str, int | str]] = []
            context.on("response", lambda response: answered.append((response.url, response.status)))
            context.on("requestfailed", lambda request: answered.append((request.url, request.failure or "failed")))
            page = context.pages[0] if context.pages else context.new_page()
            page.outside = outside
            page.answered = answered
            page.errors = []
            page.on("pageerror", lambda error: page.errors.append(str(error)))
            page.load_seconds = load(page, address or f"{url}/") if open_site else 0.0  # the README's address leads to JupyterLab
            yield page
        finally:
            context.close()


def load(page, address: str) -> float:
    """Open ``address`` in ``page`` and wait until JupyterLab (or JupyterLite) is restored; return the seconds it took."""
    started = time.monotonic()
    page.goto(address, timeout=60_000)
    page.wait_for_function("() => !!(window.jupyterapp && window.jupyterapp.shell)", timeout=60_000, polling=100)
    page.evaluate("() => window.jupyterapp.restored")
    return time.monotonic() - started


def open_notebook(page, name: str) -> dict:
    """Open the notebook and wait until its Pyodide kernel is idle.

    The notebooks share one kernel, the first one's, as a learner's notebooks can (Kernel >
    Change Kernel, a running kernel): one kernel each would add its start, seconds, to every notebook,
    and each notebook's first cell starts its project afresh anyway. The notebook open before is
    closed unsaved (the site's copy stays as built). Returns ``{"seconds", "id", "shared"}``.
    """
    started = time.monotonic()
    page.evaluate(
        """async (path) => {
            const app = window.jupyterapp;
            const previous = app.shell.currentWidget;
            const kernel = window.sharedKernelId ? {id: window.sharedKernelId} : undefined;
            await app.commands.execute('docmanager:open', {path, factory: 'Notebook', kernel});
            if (previous && previous !== app.shell.currentWidget && previous.context) {
                previous.context.model.dirty = false;
                previous.dispose();
            }
        }""",
        name,
    )
    page.wait_for_function(
        """(path) => {
            const widget = window.jupyterapp.shell.currentWidget;
            const kernel = widget && widget.context && widget.context.path === path
                && widget.sessionContext.session?.kernel;
            return !!kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle';
        }""",
        arg=name,
        timeout=KERNEL_TIMEOUT * 1000,
        polling=250,
    )
    kernel = page.evaluate(
        """() => {
            const id = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.id;
            window.sharedKernelId = window.sharedKernelId || id;
            return {id, shared: id === window.sharedKernelId};
        }"""
    )
    page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
    return {**kernel, "seconds": time.monotonic() - started}


# A kernel's start, between the steps that the site's progress line shows (lite/pyodide-with-progress.mjs): the
# phases of a start that tests/test_lite.py and make benchmark print, each ending at the next step.
START_STEPS = ["opened", "python", "packages", "packages", "kernel", "ready", "idle"]
START_PHASES = [
    "the page, until the notebook's kernel started Python",
    "Python started (Pyodide: WebAssembly, standard library)",
    "the kernel's packages loaded (IPython, micropip)",
    "Alembic, SQLAlchemy and the helpers loaded",
    "the kernel started (piplite, pyodide_kernel)",
    "JupyterLab saw the kernel idle",
]


def start_notebook(page, url: str, name: str) -> dict:
    """Open the notebook's own address, as the course site's "Run in your browser" does, and time its kernel's start.

    The address is ``lab/index.html?path=NAME``, as the launch menu has it; the kernel it starts
    becomes the one the next notebooks share (:func:`open_notebook`). Returns ``{"seconds"}`` (opening the
    address to the kernel idle), ``"phases"``, ``[(what, seconds)]`` between the steps the progress line showed
    (empty unless it showed every one), and ``"steps"``, their texts.
    """
    started = time.monotonic()
    page.goto(f"{url}/lab/index.html?path={urllib.parse.quote(name)}", timeout=60_000)
    page.wait_for_function(
        """(path) => {
            const widget = window.jupyterapp && window.jupyterapp.shell.currentWidget;
            const kernel = widget && widget.context && widget.context.path === path && widget.sessionContext.session?.kernel;
            return !!kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle';
        }""",
        arg=name,
        timeout=KERNEL_TIMEOUT * 1000,
        polling=50,
    )
    seconds = time.monotonic() - started
    idle = page.evaluate("""() => {
        window.sharedKernelId = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.id;
        window.jupyterapp.shell.collapseLeft();
        return performance.now() / 1000;
    }""")
    steps = page.evaluate("() => window.tutorialProgress")
    marks = [("opened", 0.0), *((step["step"], step["seconds"]) for step in steps), ("idle", idle)]
    phases = []
    if [step for step, _ in marks] == START_STEPS:
        phases = [(what, marks[index + 1][1] - marks[index][1]) for index, what in enumerate(START_PHASES)]
    return {"seconds": seconds, "phases": phases, "steps": [step["text"] for step in steps]}


def run_code(page, code: str) -> str:
    """Run ``code`` in the open notebook's kernel, out of the notebook; return its printed (stream) output and its
    error's name and message, if any (values it shows are not returned)."""
    return page.evaluate(
        """async (code) => {
            const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
            const printed = [];
            const future = kernel.requestExecute({code, silent: false, store_history: false});
            future.onIOPub = (message) => {
                const content = message.content;
                if (content.text) printed.push(content.text);
                if (content.ename) printed.push(`${content.ename}: ${content.evalue}`);
            };
            await future.done;
            return printed.join('');
        }""",
        code,
    )


def run_first_code_cell(page, timeout: float = 120) -> float:
    """Run the open notebook's first code cell (Run > Run Selected Cell) and return the seconds until it shows its count."""
    started = time.monotonic()
    page.evaluate("""() => {
        const notebook = window.jupyterapp.shell.currentWidget.content;
        notebook.activeCellIndex = notebook.widgets.findIndex(cell => cell.model.type === 'code');
        window.jupyterapp.commands.execute('notebook:run-cell');
    }""")
    page.wait_for_function(
        """() => {
            const cell = window.jupyterapp.shell.currentWidget.content.widgets.find(cell => cell.model.type === 'code');
            return /\\d/.test(cell.node.querySelector('.jp-InputArea-prompt').textContent);
        }""",
        timeout=timeout * 1000,
        polling=50,
    )
    return time.monotonic() - started


def clear_outputs(page, timeout: float = 30) -> None:
    """Clear every output and execution count (the stored ones are CPython's)."""
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs'); }")
    page.wait_for_function(
        """() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputArea-prompt')]
                .every(prompt => !/\\d/.test(prompt.textContent))""",
        timeout=timeout * 1000,
        polling=250,
    )


STOPPED_AFTER = 15  # seconds of an idle kernel and unchanged prompts after Run All's end: the run stopped

# The first code cell that has not run, and whether the code cell before it is tagged raises-exception.
RESUME_JS = """() => {
    const cells = window.jupyterapp.shell.currentWidget.content.widgets;
    const ran = cell => /\\d/.test(cell.node.querySelector('.jp-InputArea-prompt').textContent);
    const next = cells.findIndex(cell => cell.model.type === 'code' && !ran(cell));
    if (next < 0) return {next};
    const before = cells.slice(0, next).filter(cell => cell.model.type === 'code').pop();
    const tags = (before && before.model.getMetadata('tags')) || [];
    return {next, afterAnnouncedError: tags.includes('raises-exception')};
}"""


def run_all(page, timeout: float) -> str | None:
    """Run All, and wait until every code cell has run and the kernel is idle, or the run stopped.

    In JupyterLite, Run All stops after a cell tagged ``raises-exception`` (JupyterLab goes on):
    there, as a learner would, this runs the cells below it (Run > Run Selected Cell and All Below).
    Returns None, or what went wrong when the cells were still running after ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    command = "runmenu:run-all"
    prompts: list[str] = []
    while True:
        page.evaluate(
            """(command) => {
                window.runOver = false;
                const over = () => { window.runOver = true; };
                window.jupyterapp.commands.execute(command).then(over, over);
            }""",
            command,
        )
        unchanged_since = time.monotonic()
        while True:
            if time.monotonic() > deadline:
                return f"the cells were still running after {timeout:.0f} s; prompts: {prompts}"
            state = page.evaluate(
                f"""() => ({{
                    over: window.runOver,
                    idle: window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel?.status === 'idle',
                    prompts: ({PROMPTS_JS})(),
                }})"""
            )
            if state["prompts"] != prompts:
                prompts, unchanged_since = state["prompts"], time.monotonic()
            if state["idle"] and all(prompt.startswith("[") and prompt[1:-2].isdigit() for prompt in prompts):
                return None
            if state["over"] and state["idle"] and not any("*" in prompt for prompt in prompts):
                resume = page.evaluate(RESUME_JS)
                if resume.get("afterAnnouncedError"):
                    page.evaluate("(index) => { window.jupyterapp.shell.currentWidget.content.activeCellIndex = index; }",
                                  resume["next"])
                    command = "notebook:run-all-below"
                    break
                if time.monotonic() - unchanged_since > STOPPED_AFTER:
                    return None  # stopped at an unexpected error: the checks of the cells say which did not run
            time.sleep(0.25)
