"""Helpers for the Alembic tutorial notebooks: setup, display and checks, never the lesson itself.

The first code cell of every notebook is::

    import tutorial
    project = tutorial.start("NN-notebook-name", stage="...")
"""

from . import magics
from .browser import browse
from .display import edit_file, show_diff, show_file
from .envcheck import check_environment
from .project import Project, start
from .magics import run
from .terminal import CommandFailed
from .web import serve

magics.register()

__all__ = [
    "CommandFailed", "Project", "browse", "check_environment", "edit_file",
    "run", "serve", "show_diff", "show_file", "start",
]
