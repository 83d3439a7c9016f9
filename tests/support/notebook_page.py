"""A notebook as a browser page shows it (JupyterLab's or JupyterLite's): each cell's report, its buttons
clicked, the problems seen in it, and screenshots of the whole notebook."""

from __future__ import annotations

import time
from pathlib import Path

from support.paths import REPOSITORY

SCREENSHOTS = REPOSITORY / "test-artifacts" / "screenshots"
CLICK_TIMEOUT = 15  # seconds for a button's callback to change its cell's output
VIEWPORT = {"width": 1400, "height": 1000}
MAX_SHOT_HEIGHT = 12000  # pixels per screenshot; taller notebooks are photographed in parts

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


def dialog_problems(page) -> list[str]:
    dialog = page.locator(".jp-Dialog")
    return [f"a dialog is open: {dialog.first.inner_text()[:300]!r}"] if dialog.count() else []


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
