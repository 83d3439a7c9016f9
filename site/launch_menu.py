"""The launch menu's first entry on a notebook's page: "Run in your browser", in the site's own JupyterLite.

sphinx-book-theme builds the menu (JupyterHub through nbgitpuller, Binder) from ``launch_buttons`` in conf.py;
this adds, before them, a link that opens this very notebook in ``lite/`` (built by tools/build_lite.py), or,
for a notebook the browser version leaves out, a button to the note at the page's top that says why.
"""

import posixpath
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import build_lite  # noqa: E402

LITE_APP = "lite/lab/index.html"  # JupyterLab of the browser version, within the site


def browser_entry(pagename: str) -> dict | None:
    """The menu entry for the page ``pagename`` (``notebooks/02-connect-alembic``), or None for a page of text."""
    folder, stem = posixpath.split(pagename)
    name = f"{stem}.ipynb"
    if folder != "notebooks" or not (Path(__file__).resolve().parents[1] / "notebooks" / name).is_file():
        return None
    if name in build_lite.INCLUDED:
        return {"type": "link", "text": "Run in your browser", "icon": "fas fa-play", "label": "run-in-browser",
                "tooltip": "Open this notebook in JupyterLite: Python runs in this browser, nothing to install",
                "url": f"../{LITE_APP}?path={name}"}
    return {"type": "javascript", "text": "Not in your browser: why", "icon": "fas fa-circle-info",
            "label": "not-in-browser", "tooltip": "This notebook needs the full install",
            "javascript": "location.hash = 'not-in-your-browser'"}


def add_browser_entry(app, pagename, templatename, context, doctree) -> None:
    entry = browser_entry(pagename)
    for group in context.get("header_buttons", []):
        if entry and group.get("label") == "launch-buttons":
            group["buttons"].insert(0, entry)


def setup(app):
    # After sphinx-book-theme's own handler (priority 501), which makes the menu.
    app.connect("html-page-context", add_browser_entry, priority=502)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
