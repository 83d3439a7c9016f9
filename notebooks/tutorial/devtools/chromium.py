"""Headless Chromium, for the tools and tests that photograph or drive a page: where it is, and how it runs.

Not for the notebooks: ``tools/build_teaching.py`` prints the cheat sheet with it, and the browser tests and
``tools/benchmark.py`` drive JupyterLab and JupyterLite in it.
"""

from __future__ import annotations

import os
import shutil

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def find_chromium() -> str | None:
    """Debian's Chromium, or whatever ``chromium`` is on ``PATH``; None when there is none."""
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")
