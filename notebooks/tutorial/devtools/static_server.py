"""A folder served on 127.0.0.1, as ``python -m http.server`` serves it: the built sites, for the browser."""

from __future__ import annotations

import contextlib
import functools
import http.server
import re
import sys
import threading
from pathlib import Path

# The browser version's Pyodide folder, static/pyodide/DIGEST/, is named after a digest of its files
# (tools/build_lite.py): what it holds never changes at its address, so it is served as the README tells a
# host to serve it, for browsers to keep without asking again.
KEPT = re.compile(r"/static/pyodide/[0-9a-f]{16}/")
KEEP = "public, max-age=31536000, immutable"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """``python -m http.server``'s handler, without a log line per request, with the README's Cache-Control."""

    def log_message(self, format, *args):
        pass

    def send_response(self, code, message=None):
        super().send_response(code, message)
        if code < 400 and KEPT.search(self.path):  # never an error: a missing file may be uploaded later
            self.send_header("Cache-Control", KEEP)


class QuietServer(http.server.ThreadingHTTPServer):
    """A server that does not print a traceback when the browser drops a request it no longer needs."""

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):  # BrokenPipeError, ConnectionResetError
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve_folder(folder: Path):
    """``folder`` on a free port of 127.0.0.1; yields its URL."""
    server = QuietServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
