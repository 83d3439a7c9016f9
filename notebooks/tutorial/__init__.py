"""Helpers for the Alembic tutorial notebooks: setup, display and checks, never the lesson itself.

The first code cell of every notebook is::

    import tutorial
    project = tutorial.start("NN-notebook-name", stage="...")
"""

from . import inbrowser

inbrowser.allow_alembic_import()  # in JupyterLite's Pyodide kernel only; before anything imports alembic
inbrowser.skip_hooks_that_start_a_process()  # there too: Alembic's post-write hooks would start a process

from . import magics  # noqa: E402
from .browser import browse  # noqa: E402
from .display import edit_file, show_diff, show_file  # noqa: E402
from .envcheck import check_environment  # noqa: E402
from .inbrowser import download_project  # noqa: E402
from .magics import run  # noqa: E402
from .project import Project, start  # noqa: E402
from .terminal import CommandFailed  # noqa: E402
from .web import serve  # noqa: E402

magics.register()

__all__ = [
    "CommandFailed", "Project", "browse", "check_environment", "download_project", "edit_file",
    "run", "serve", "show_diff", "show_file", "start",
]
