"""What the tests of the hint rules share: run a command and take the snapshot the rules see, ask whether
a rule fires or stays silent, and a few edits of the billtracker project that make the mistakes."""

from __future__ import annotations

import contextlib
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

import tutorial
from tutorial import database, hints, sandbox, servers, snapshot, story, terminal

PHONE_BEFORE = story.LAST_LOGIN_AFTER
PHONE_AFTER = PHONE_BEFORE + "    phone: Mapped[str | None] = mapped_column(String)\n"
PAYMENTS = '''\
from sqlalchemy import Float, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from billtracker.data.modelbase import SqlAlchemyBase


class Payment(SqlAlchemyBase):
    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("bills.id"))
    amount: Mapped[float] = mapped_column(Float)
'''
ALL_MODELS = "import billtracker.data.__all_models  # noqa: F401  (imports every model module)\n"
NOT_NULL_REVISION = "    op.add_column('users', sa.Column('last_login', sa.DateTime(), nullable=True))\n"


def outcome(command: str, folder) -> snapshot.Snapshot:
    """Run ``command`` (no hint) and take the snapshot the hint rules would see."""
    try:
        result = terminal.run(command, folder, echo=False)
        return snapshot.Snapshot(command, Path(folder), result.output)
    except terminal.CommandFailed as failure:
        return snapshot.Snapshot(command, Path(folder), "", failure.message)


def fires(rule_id: str, command: str | snapshot.Snapshot, folder=None) -> str:
    """Run ``command`` (or take a snapshot already made): the rule ``rule_id`` must be the one that speaks.

    Its hint says what happened, then what to do, one space apart (:class:`tutorial.hints.Hint`).
    """
    seen = command if isinstance(command, snapshot.Snapshot) else outcome(command, folder)
    found = hints.diagnose(seen)
    assert found is not None and found[0] == rule_id, f"{command}: {found}"
    hint = next(rule for rule in hints.RULES if rule.id == rule_id).check(seen)
    assert hint.problem[-1:] in (":", ".") and hint.fix and not hint.fix.startswith(" "), hint
    assert hint.text() == found[1] == f"{hint.problem} {hint.fix}"
    return found[1]


def silent(rule_id: str, command: str | snapshot.Snapshot, folder=None) -> None:
    """Run ``command`` (or take a snapshot): the rule ``rule_id``, which looks at such an outcome, must say nothing."""
    seen = command if isinstance(command, snapshot.Snapshot) else outcome(command, folder)
    rule = next(rule for rule in hints.RULES if rule.id == rule_id)
    assert rule.after == ("failure" if seen.failed else "success"), f"{command} does not test {rule_id}"
    assert rule.check(seen) is None, command


def message_fires(rule_id: str, message: str, folder, command: str = "alembic upgrade head") -> str:
    found = hints.diagnose(snapshot.Snapshot(command, Path(folder), "", message))
    assert found is not None and found[0] == rule_id, found
    return found[1]


def message_silent(rule_id: str, message: str, folder, command: str = "alembic upgrade head") -> None:
    """The rule ``rule_id`` must say nothing of this failure, the project being as it is."""
    rule = next(rule for rule in hints.RULES if rule.id == rule_id)
    assert rule.after == "failure"
    assert rule.check(snapshot.Snapshot(command, Path(folder), "", message)) is None


def add_phone(project) -> None:
    story.replace(project.path("billtracker/data/users.py"), PHONE_BEFORE, PHONE_AFTER)


def add_payments_module(project) -> None:
    project.path("billtracker/data/payments.py").write_text(PAYMENTS)


def edit_env(project, old: str, new: str) -> None:
    story.replace(project.path("alembic/env.py"), old, new)


def first_revision(project) -> str:
    return project.revision_files()[0].name[:12]


# --- errors of the real databases ---------------------------------------------------------------------

SQLITE_URL = "sqlite:///billtracker.sqlite"  # alembic.ini's, in a project of the story


def database_error(url: str, *statements: str, folder=".") -> str:
    """Run ``statements`` on ``url`` in one transaction: the message of the failure, as a terminal cell shows it."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            for statement in statements:
                connection.execute(text(statement))
    except Exception as error:
        return sandbox.describe_exception(error, Path(folder).resolve())
    finally:
        engine.dispose()
    raise AssertionError(f"{statements} did not fail")


def point_at(project, url: str) -> None:
    """Make the project's alembic.ini name ``url`` instead of its SQLite file."""
    story.replace(project.path("alembic.ini"), SQLITE_URL, url.replace("%", "%%"))


@contextlib.contextmanager
def project_on_server(kind: str, name: str, stage: str = "tables"):
    """A project of the story whose alembic.ini names a new, empty database on the ``kind`` server (its URL
    is yielded with the project); the database is dropped afterwards. Skips (or fails) without the server."""
    from support.servers import require

    require(kind)
    project = tutorial.start(name, stage=stage)
    database_name = database.database_name(name)
    url = servers.create_database(kind, database_name).render_as_string(hide_password=False)
    try:
        point_at(project, url)
        yield project, url
    finally:
        servers.drop_database(kind, database_name)


def upgrade_with(project, *body: str) -> snapshot.Snapshot:
    """Write a new revision whose upgrade() runs ``body`` (lines of Python), run `alembic upgrade head`: the
    snapshot the rules see. The revision of an earlier call, which must have failed, is deleted first."""
    for earlier in (project.folder / "alembic" / "versions").glob("*_step.py"):
        earlier.unlink()
    terminal.run('alembic revision -m "step"', project.folder, echo=False)
    lines = "".join(f"    {line}\n" for line in body)
    story.replace(project.newest_revision_file(), '"""Upgrade schema."""\n    pass\n', f'"""Upgrade schema."""\n{lines}')
    return outcome("alembic upgrade head", project.folder)
