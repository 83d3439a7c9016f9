"""Ask the learner's web app for a page, in-process, as a browser would, and show it inline."""

from __future__ import annotations

import html
import io
from dataclasses import dataclass
from pathlib import Path
from wsgiref.util import setup_testing_defaults

from . import sandbox


@dataclass
class Response:
    """A page the app returned."""

    path: str
    status: str
    text: str

    @property
    def status_code(self) -> int:
        return int(self.status.split()[0])

    def _repr_html_(self) -> str:
        color = "#2e7d32" if self.status_code == 200 else "#c62828"
        return (
            '<div style="border:1px solid #9e9e9e;border-radius:6px;display:inline-block;max-width:100%">'
            '<div style="background:#eeeeee;padding:4px 8px;font-family:monospace;border-radius:6px 6px 0 0">'
            f'GET {html.escape(self.path)} &rarr; <b style="color:{color}">{html.escape(self.status)}</b></div>'
            f'<div style="padding:4px 12px;overflow-x:auto">{_as_a_browser_shows_it(self.text)}</div></div>'
        )

    def __repr__(self) -> str:
        return f"GET {self.path} -> {self.status}"


def _as_a_browser_shows_it(page: str) -> str:
    """Keep preformatted text unwrapped, as a browser does (a notebook wraps it, even mid-word)."""
    return page.replace("<pre>", '<pre style="white-space:pre;word-break:normal">')


def browse(path: str = "/", app: str = "billtracker.app", folder: Path | str = ".") -> Response:
    """Request ``path`` from the WSGI ``application`` in module ``app`` of the project in ``folder``.

    The app's modules are imported afresh, so the page reflects the model files as they are now.

    :raises tutorial.inspection.ProjectProblem: the app does not import; the message names the file and line.
    """
    environ: dict = {"PATH_INFO": path, "wsgi.input": io.BytesIO()}
    setup_testing_defaults(environ)
    started: dict = {}

    def start_response(status, headers, exc_info=None):
        started["status"] = status

    with sandbox.imported_afresh(Path(folder), app) as module:  # in the project folder, as its server would be
        body = b"".join(module.application(environ, start_response)).decode("utf-8")
    return Response(path, started["status"], body)
