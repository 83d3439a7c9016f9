"""Sphinx's settings for the course's website (``make site``; tools/build_site.py stages the pages beside this file).

The notebooks are rendered from their stored outputs by myst-nb (never run), in sphinx-book-theme, whose
launch menu gets a "Run in your browser" entry from ``launch_menu.py`` beside this file.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

# --- The addresses a teacher or a fork sets (TEACHING.md, "The course's website") ---------------------------
# The repository the hub clones with nbgitpuller and Binder builds; the hub a class logs in to; the BinderHub.
# Each can also be given in the environment (the Pages workflow sets the repository to the fork's own).
REPOSITORY_URL = os.environ.get("SITE_REPOSITORY_URL") or "https://github.com/OWNER/alembic-tutorial"
REPOSITORY_BRANCH = os.environ.get("SITE_REPOSITORY_BRANCH") or "main"
JUPYTERHUB_URL = os.environ.get("SITE_JUPYTERHUB_URL") or "https://jupyterhub.example.org"
BINDERHUB_URL = os.environ.get("SITE_BINDERHUB_URL") or "https://mybinder.org"
# ------------------------------------------------------------------------------------------------------------

project = "Alembic, hands-on"
author = "the Alembic tutorial's authors"
copyright = "the Alembic tutorial's authors"
language = "en"

extensions = ["myst_nb", "launch_menu"]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
# a cell may start at a level-3 heading; an error the tutorial explains is not a traceback the lexer knows
suppress_warnings = ["myst.header", "misc.highlighting_failure"]

# The notebooks are shown as stored: nbval checks those outputs against a real run.
nb_execution_mode = "off"
nb_merge_streams = True
# The widgets' stored state is drawn by the HTML manager of ipywidgets, served from _static (not a CDN).
nb_ipywidgets_js = {"widgets-embed.js": {}}
myst_heading_anchors = 4
myst_enable_extensions = ["colon_fence"]

html_theme = "sphinx_book_theme"
html_title = project
html_static_path = ["_static"]
templates_path = ["_templates"]
html_favicon = "favicon.svg"
html_css_files = ["site.css"]
html_js_files = ["mermaid.min.js", "mermaid-start.js"]
html_show_sourcelink = False
# Light only (site/_templates/theme-switcher.html removes the switch): the notebooks' outputs are drawn for a light page.
html_context = {"default_mode": "light"}
html_theme_options = {
    "repository_url": REPOSITORY_URL,
    "repository_branch": REPOSITORY_BRANCH,
    "path_to_docs": "",
    "use_repository_button": True,
    "use_download_button": True,
    "launch_buttons": {
        "notebook_interface": "jupyterlab",
        "jupyterhub_url": JUPYTERHUB_URL,
        "binderhub_url": BINDERHUB_URL,
    },
    "show_toc_level": 2,
    "home_page_in_toc": True,
    "navbar_persistent": [],  # the search is in the sidebar; no header bar for it alone
}
