"""JupyterLab's settings for this tutorial: ``make lab`` starts it with ``--config=lab/jupyter_server_config.py``.

A terminal opened in JupyterLab (File > New > Terminal) starts in the workspace, ``workspace/``, and finds
the tutorial's own Python first on ``PATH``, with its ``alembic`` and ``waitress-serve``, as a terminal with
the virtual environment activated would. A plain login shell would not: JupyterLab opens one when it was
started without a terminal (by a test, or a JupyterHub), and the system's profile resets ``PATH``.

On a JupyterHub (``JUPYTERHUB_USER`` is set), the sites a learner serves with ``tutorial.serve()`` listen on
Unix sockets in a folder only their account can open, not on the machine's ports, which every learner
shares and any account can reach. JupyterLab's proxy (jupyter-server-proxy) passes each one on at
``/user/<name>/site-1/`` to ``site-4/``, behind the hub's login: only the learner, anyone they share their
server with (JupyterHub's sharing) and the hub's admins (``hub/jupyterhub_config.py`` names none) pass it.
The kernels' channels are Unix sockets in that folder too (ZeroMQ's ``ipc`` transport), not ports.
"""

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

c = get_config()  # noqa: F821 (given by Jupyter when it reads this file)

REPOSITORY = Path(__file__).resolve().parent.parent
TUTORIAL_BIN = str(Path(sys.executable).parent)
WORKSPACE = os.environ.get("ALEMBIC_TUTORIAL_WORKSPACE") or str(REPOSITORY / "workspace")

os.environ["PATH"] = TUTORIAL_BIN + os.pathsep + os.environ.get("PATH", "")
os.environ["TUTORIAL_BIN"] = TUTORIAL_BIN
os.environ["TUTORIAL_WORKSPACE"] = WORKSPACE

bash = shutil.which("bash")
if bash:
    c.ServerApp.terminado_settings = {
        "shell_command": [bash, "--rcfile", str(REPOSITORY / "lab" / "terminal.bashrc"), "-i"]
    }

# On a JupyterHub, the teacher's class view asks this server for the learner's *My progress*
# (lab/progress_endpoint.py; only a token with the hub's scope custom:tutorial-progress:read gets an answer).
if os.environ.get("JUPYTERHUB_API_TOKEN"):
    sys.path.insert(0, str(REPOSITORY / "lab"))
    c.ServerApp.jpserver_extensions.update({"progress_endpoint": True})

SITES = 4  # sites a learner can serve at once on a hub (tutorial.serve() in four notebooks)
if os.environ.get("JUPYTERHUB_USER"):
    sockets = Path(tempfile.mkdtemp(prefix="alembic-tutorial-sites-", dir=os.environ.get("XDG_RUNTIME_DIR")))  # 0700
    atexit.register(shutil.rmtree, sockets, ignore_errors=True)
    os.environ["TUTORIAL_SITE_SOCKETS"] = str(sockets)  # where tutorial.serve() finds the sites (notebooks/tutorial/web.py)
    c.ServerProxy.servers = {}
    for number in range(1, SITES + 1):
        name = f"site-{number}"
        (sockets / f"{name}.lock").touch()  # a server holds its site's lock while it runs
        c.ServerProxy.servers[name] = {"unix_socket": str(sockets / f"{name}.sock"), "launcher_entry": {"enabled": False}}
    # The kernels' channels too: Unix sockets in the same folder, not ports. Ports are the machine's, shared by
    # the whole class: a port a kernel was given can be taken by another learner's process before the kernel
    # opens it (seen with twelve learners starting kernels at once), and any account can connect to one.
    c.KernelManager.transport = "ipc"
    os.environ["JUPYTER_RUNTIME_DIR"] = str(sockets)  # where the connection files and the kernels' sockets go
