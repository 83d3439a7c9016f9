"""Unix accounts for the hub test, one per learner, as a teacher creates them: removed at the end whatever happens.

Only root can create them (``useradd``). Each home is a folder of its own (mode 0700) in a temporary
folder others may enter but not list. The learners must run the tutorial's Python and read the
repository: a folder on the way there that other accounts may not enter (``/root``, when pyenv
installed Python there) is opened for entering only, to a group of the test's learners alone, with an
access-control entry (``setfacl``, Debian's package ``acl``), and its former entries are put back at the end.
"""

from __future__ import annotations

import os
import pwd
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path


def can_create() -> str | None:
    """Why this process cannot create Unix accounts, or None if it can."""
    if os.geteuid() != 0:
        return "creating a Unix account per learner needs root"
    missing = [tool for tool in ("useradd", "userdel", "groupadd", "groupdel", "getfacl", "setfacl") if shutil.which(tool) is None]
    return f"{', '.join(missing)} not found (apt-get install passwd acl)" if missing else None


def closed_folders(paths: list[Path]) -> list[Path]:
    """The folders on the way to ``paths`` (links followed) that other accounts may not enter."""
    closed = []
    for path in paths:
        for folder in reversed(Path(os.path.realpath(path)).parents):
            if not os.stat(folder).st_mode & stat.S_IXOTH and folder not in closed:
                closed.append(folder)
    return closed


class UnixAccounts:
    """The accounts ``names``, members of the group ``group``, able to reach ``reach`` (files they must run or read)."""

    def __init__(self, names: list[str], group: str, reach: list[Path]):
        self.names, self.group = names, group
        self.homes = Path(tempfile.mkdtemp(prefix="alembic-hub-homes-"))
        self.homes.chmod(0o711)
        self.created: list[str] = []
        self.opened: dict[Path, str] = {}  # folder: its access-control list before
        self.group_created = False
        try:
            _run("groupadd", group)
            self.group_created = True
            for name in names:
                _run("useradd", "--create-home", "--home-dir", str(self.home(name)), "--shell", "/bin/bash",
                     "--groups", group, name)
                self.created.append(name)
                self.home(name).chmod(0o700)
            self._open(closed_folders(reach))
        except BaseException:
            self.remove()
            raise

    def home(self, name: str) -> Path:
        return self.homes / name

    def uid(self, name: str) -> int:
        return pwd.getpwnam(name).pw_uid

    def _open(self, folders: list[Path]) -> None:
        if folders and shutil.which("setfacl") is None:
            raise RuntimeError(f"the learners' accounts cannot enter {', '.join(map(str, folders))}, on the way to the "
                               "tutorial's Python or the repository: install setfacl (apt-get install acl), or install "
                               "the tutorial where every account may read it")
        for folder in folders:
            self.opened[folder] = _run("getfacl", "--absolute-names", str(folder))
            _run("setfacl", "--modify", f"group:{self.group}:--x", str(folder))

    def remove(self) -> None:
        """Remove the accounts, their homes and group, and put back the folders' access-control lists (every step is
        tried; what failed is said at the end)."""
        failures = []

        def attempt(command: list[str], given: str | None = None) -> None:
            done = subprocess.run(command, input=given, capture_output=True, text=True)
            if done.returncode != 0:
                failures.append(f"{' '.join(command)}: {done.stderr.strip()}")

        for acl in self.opened.values():
            attempt(["setfacl", "--restore=-"], acl)
        for name in self.created:
            attempt(["userdel", "--force", name])
        if self.group_created:
            attempt(["groupdel", self.group])
        shutil.rmtree(self.homes, ignore_errors=True)
        if failures:
            raise RuntimeError("removing the learners' accounts failed: " + "; ".join(failures))


def _run(*command: str) -> str:
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {done.stderr.strip()}")
    return done.stdout
