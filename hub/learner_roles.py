"""Print the SQL that gives each learner of a class a PostgreSQL role of their own, allowed only to create databases.

    python3 hub/learner_roles.py learners.txt | sudo -u postgres psql

``learners.txt`` holds one hub user name a line. Each role may log in and create
databases, nothing more (no superuser, no creating roles), which is all the
notebooks need; the databases a learner creates are theirs, closed to the other
roles. On one machine, PostgreSQL's ``peer`` authentication needs no password.
For a server reached over the network (Zero to JupyterHub), set
``TUTORIAL_ROLE_SECRET``: each role then gets a password derived from it and the
learner's name, which the hub derives the same way for that learner's
``DATABASE_URL`` (hub/zero-to-jupyterhub-config.yaml), so no list of passwords
is kept anywhere.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import sys


def password_for(name: str, secret: str) -> str:
    """The learner's password: an HMAC of their name under the class's secret."""
    return hmac.new(secret.encode(), name.encode(), hashlib.sha256).hexdigest()[:32]


def create_role(name: str, secret: str = "") -> str:
    """``CREATE ROLE`` for one learner: login and CREATEDB only, with a password when there is a secret."""
    quoted = '"' + name.replace('"', '""') + '"'
    password = f" PASSWORD '{password_for(name, secret)}'" if secret else ""
    return f"CREATE ROLE {quoted} LOGIN CREATEDB NOSUPERUSER NOCREATEROLE{password};"


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: " + __doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    secret = os.environ.get("TUTORIAL_ROLE_SECRET", "")
    with open(argv[1], encoding="utf-8") as learners:
        for name in (line.strip() for line in learners):
            if name and not name.startswith("#"):
                print(create_role(name, secret))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
