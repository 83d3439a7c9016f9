"""JupyterHub for a class on one machine: each learner a Unix account, one shared PostgreSQL server.

Run it from a checkout of this repository (``/srv/alembic-tutorial``, say), as root, with the
tutorial's environment and JupyterHub installed in ``.venv`` (TEACHING.md, "Run a class on a hub"):

    sudo .venv/bin/jupyterhub -f hub/jupyterhub_config.py

- **Who may log in:** learners log in with their Unix account on this machine (PAM, JupyterHub's
  own authenticator), if they are in the group ``alembic-class``; the teacher creates the accounts.
- **Where they work:** each learner's JupyterLab runs as that learner (JupyterHub's local process
  spawner), rooted at their home folder. ``hub/start-learner`` copies the tutorial into
  ``~/alembic-tutorial`` the first time, so their notebooks, their workspace and their backups live
  in their own home, closed to the others by Unix permissions.
- **Their databases:** ``DATABASE_URL`` names the shared server, as the learner's own role
  (``TUTORIAL_DATABASE_URL`` below, ``{username}`` filled in per learner). Each notebook creates its
  database there, named for the learner and closed to every other role. The teacher creates one role
  per learner with only the right to create databases:
  ``python3 hub/learner_roles.py learners.txt | sudo -u postgres psql``.
  With the default URL the learner connects over PostgreSQL's Unix socket, where ``peer``
  authentication (Debian's default for local connections) lets a Unix user in only as the role of
  the same name: no passwords, and no learner can connect as another.
- **Their web apps:** ``tutorial.serve()`` (notebook 04) listens on a Unix socket in a folder only the
  learner's account can open, not on a port of this shared machine; their JupyterLab passes it on at
  ``/user/<name>/site-1/``, behind the hub's login (``lab/jupyter_server_config.py``, which
  ``hub/start-learner`` loads). Nothing to configure here.

Settings read from the hub's environment (all optional):

- ``TUTORIAL_DATABASE_URL``: the learners' server URL, ``{username}`` standing for the learner's
  name and ``{password}`` for their password; empty for SQLite (each learner's databases are then
  files in their own workspace).
- ``TUTORIAL_ROLE_SECRET``: for a server reached over TCP with passwords: each learner's password is
  derived from it and their name, as ``hub/learner_roles.py`` derives it when it creates the roles.
- ``TUTORIAL_HUB_URL``: where the hub listens (``http://127.0.0.1:8000``; put HTTPS in front of it,
  e.g. nginx or The Littlest JupyterHub's Traefik, before opening it to a network).
- ``TUTORIAL_CLASS_GROUP``: the Unix group whose members may log in (``alembic-class``).
- ``TUTORIAL_TEACHERS``: the names of the teachers (commas or spaces between them): the hub's group
  ``teachers``, who may open the class view at ``/services/class-view/`` (below, and TEACHING.md).
- ``TUTORIAL_CLASS_VIEW_URL``: where the class view's own process listens (``http://127.0.0.1:8010``);
  ``TUTORIAL_CLASS_VIEW_REFRESH``: seconds between two of its refreshes (10).
"""

import os
import sys
from pathlib import Path
from urllib.parse import quote

HUB = Path(__file__).resolve().parent
sys.path.insert(0, str(HUB))
from learner_roles import password_for  # noqa: E402 (beside this file)

c = get_config()  # noqa: F821 (JupyterHub defines it when it loads this file)

DATABASE_URL = os.environ.get(
    "TUTORIAL_DATABASE_URL", "postgresql+psycopg://{username}@/postgres?host=/var/run/postgresql"
)
ROLE_SECRET = os.environ.get("TUTORIAL_ROLE_SECRET", "")

HUB_URL = os.environ.get("TUTORIAL_HUB_URL", "http://127.0.0.1:8000")
c.JupyterHub.bind_url = HUB_URL

# Learners log in with their Unix account; only members of the class's group may.
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.allowed_groups = {os.environ.get("TUTORIAL_CLASS_GROUP", "alembic-class")}

# Each learner's JupyterLab: a process of their own, as their own Unix user, in their home.
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(HUB / "start-learner")]
c.Spawner.notebook_dir = "~"
c.Spawner.default_url = "/lab/tree/alembic-tutorial/notebooks/00-start-here.ipynb"
# The notebooks back a learner's earlier work up into workspace/.backups/ and say so: let them open it
# (JupyterLab's View > Show Hidden Files).
# Each notebook a learner opens keeps a kernel (about 115 MiB) until they close it: stop the ones
# idle for half an hour, so that a learner's memory stays near the limit below.
c.Spawner.args = [
    "--ContentsManager.allow_hidden=True",
    "--MappingKernelManager.cull_idle_timeout=1800",
    "--MappingKernelManager.cull_interval=300",
]
c.Spawner.start_timeout = 60
c.Spawner.http_timeout = 60
# Memory the capacity test measured per learner, with room to spare (TEACHING.md, "How big a
# machine"). The local process spawner only passes it on (MEM_LIMIT); The Littlest JupyterHub's
# systemd spawner enforces it (`tljh-config set limits.memory 512M`).
c.Spawner.mem_limit = "512M"


def learner_database_url(spawner) -> str:
    """The learner's own ``DATABASE_URL``: the shared server, as the role named for them."""
    name = spawner.user.name
    password = password_for(name, ROLE_SECRET) if ROLE_SECRET else ""
    return DATABASE_URL.format(username=quote(name, safe=""), password=password)


# What each learner's server and kernels get: the Python to run, and their own database URL
# (JupyterHub calls a value that is a function with the learner's spawner).
c.Spawner.environment = {"TUTORIAL_PYTHON": sys.executable}
if DATABASE_URL:
    c.Spawner.environment["DATABASE_URL"] = learner_database_url

# The teacher's class view (hub/class_view.py): every learner's *My progress* in one table, at
# /services/class-view/, started and stopped with the hub. Each learner's own server computes their
# progress, as that learner (lab/progress_endpoint.py), and answers only a token with the scope
# custom:tutorial-progress:read, which the class view alone holds: it cannot open a learner's notebooks,
# kernels or files (it has no access:servers), and a learner's own token cannot read another's progress
# (the view's token, which reaches every learner's server, can: TEACHING.md, "The class view"). It asks
# only while a teacher has it open.
# Who may open the view: the members of the hub's group `teachers`, here the names in
# TUTORIAL_TEACHERS; anyone else gets the hub's 403. Learners get nothing new.
TEACHERS = os.environ.get("TUTORIAL_TEACHERS", "").replace(",", " ").split()
c.JupyterHub.load_groups = {"teachers": {"users": TEACHERS}}
c.JupyterHub.custom_scopes = {
    "custom:tutorial-progress:read": {"description": "Read a learner's My progress (lab/progress_endpoint.py)."},
}
c.JupyterHub.services = [{
    "name": "class-view",
    "url": os.environ.get("TUTORIAL_CLASS_VIEW_URL", "http://127.0.0.1:8010"),
    "command": [sys.executable, str(HUB / "class_view.py")],
    "environment": {
        "CLASS_VIEW_SERVERS_URL": HUB_URL,  # the learners' servers, through the hub's proxy
        "CLASS_VIEW_TEACHERS": "teachers",  # a group whose members are not learners
        "CLASS_VIEW_REFRESH": os.environ.get("TUTORIAL_CLASS_VIEW_REFRESH", "10"),
    },
    "oauth_no_confirm": True,  # the tutorial's own page: no "authorize access" step for the teacher
}]
c.JupyterHub.load_roles = [
    {
        "name": "class-view",  # what the service may do: list the learners, see their servers, read their progress
        "services": ["class-view"],
        "scopes": ["list:users", "read:users:groups", "read:users:activity", "read:servers", "custom:tutorial-progress:read"],
    },
    {"name": "teachers", "groups": ["teachers"], "scopes": ["access:services!service=class-view"]},
]
