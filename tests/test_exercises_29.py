"""Notebook 29's exercise, a phone number for everyone and a new tenant: its checker passes the solution, and
names each typical mistake (a tenant left behind, `-x tenant` forgotten so that only public moved, the new
tenant's schema never created, a downgrade that keeps the column, a revision changed after it ran).

The project is brought where the exercise starts by the notebook's own lesson cells, run in an IPython
shell on the PostgreSQL server (without one these tests skip, saying why; TUTORIAL_REQUIRE_POSTGRES=1
makes them fail instead).
"""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

import tutorial
from support import lessons, project_health
from tutorial import exercises

pytestmark = pytest.mark.postgres

NOTEBOOK = "29-schemas-and-tenants"
TENANTS = ("acme", "globex", "initech")


@pytest.fixture(scope="module")
def lesson(tmp_path_factory, shell):
    """Notebook 29's project where its exercise starts (every schema at 0002), the lesson's `sql` and `deploy`,
    and a copy of its files."""
    with lessons.lesson_on_postgres(tmp_path_factory, shell, NOTEBOOK, unset=("CRM_DATABASE_URL",)) as (project, files):
        names = {name: shell.user_ns[name] for name in ("sql", "deploy", "live")}
        yield project, names, files


@pytest.fixture
def crm(lesson, shell, monkeypatch):
    """The project as the exercise starts; afterwards its schemas are put back at 0002 and its files restored."""
    project, names, files = lesson
    monkeypatch.chdir(project.folder)
    shell.user_ns.update(names)
    yield project
    engine = create_engine(project.database_url, poolclass=NullPool)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS tenant_hooli CASCADE"))
        for schema in ("public", *(f"tenant_{tenant}" for tenant in TENANTS)):
            connection.execute(text(f'ALTER TABLE "{schema}".customers DROP COLUMN IF EXISTS phone'))
            connection.execute(text(f"UPDATE \"{schema}\".alembic_version SET version_num = '0002'"))
    engine.dispose()
    lessons.restore_files(project, files)


def solve(shell, project, steps: slice = slice(None)) -> None:
    """Run the solution files of notebook 29 (the ``steps`` of them) as cells, in order."""
    files = lessons.solution_files("29_")
    assert len(files) == 3, files
    lessons.solve_project(shell, project, *[path.name for path in files[steps]])


def alembic(project, command: str) -> None:
    tutorial.run(command, project.folder, echo=False)


def test_not_started_then_a_model_without_a_revision(crm, shell):
    report = exercises.check_tenant_phone()
    assert report.missing == ["29.model.phone.missing", "29.revision.missing", "29.step3.waiting"]
    solve(shell, crm, slice(1))
    assert exercises.check_tenant_phone().missing == ["29.revision.missing", "29.step3.waiting"]


def test_forgetting_x_tenant_moves_public_only(crm, shell):
    solve(shell, crm, slice(2))
    shell.user_ns["sql"]("CREATE SCHEMA tenant_hooli")
    alembic(crm, "alembic upgrade head")  # no -x: public
    report = exercises.check_tenant_phone()
    assert report.missing == ["29.tenants.only-public"], report.text()
    assert "without `-x tenant=...`" in lessons.messages(report)


def test_a_tenant_left_behind_is_named(crm, shell):
    solve(shell, crm, slice(2))
    shell.user_ns["sql"]("CREATE SCHEMA tenant_hooli")
    for command in ("alembic upgrade head", "alembic -x tenant=acme upgrade head", "alembic -x tenant=globex upgrade head",
                    "alembic -x tenant=hooli upgrade head"):
        alembic(crm, command)
    report = exercises.check_tenant_phone()
    assert report.missing == ["29.tenants.left-behind"], report.text()
    assert "tenant_initech at 0002" in lessons.messages(report) and "tenant_acme" not in lessons.messages(report)


def test_the_new_tenant_never_created_is_named(crm, shell):
    solve(shell, crm, slice(2))
    assert shell.user_ns["deploy"]().status == 0  # every schema there is, but no Hooli
    assert exercises.check_tenant_phone().missing == ["29.tenants.no-hooli"]


def test_a_downgrade_that_keeps_the_column_is_named(crm, shell):
    solve(shell, crm, slice(2))
    lessons.replace(crm, "alembic/versions/0003_add_phone.py", "op.drop_column('customers', 'phone')", "pass")
    assert "29.revision.downgrade-keeps-phone" in exercises.check_tenant_phone().missing


def test_a_revision_changed_after_it_ran_is_named_and_a_stamp_back_mends_it(crm, shell):
    solve(shell, crm, slice(2))
    path = "alembic/versions/0003_add_phone.py"
    written = crm.path(path).read_text(encoding="utf-8")
    lessons.replace(crm, path, "op.add_column('customers', sa.Column('phone', sa.String(length=30), nullable=True))",
                    "pass")
    shell.user_ns["sql"]("CREATE SCHEMA tenant_hooli")
    assert shell.user_ns["deploy"]().status == 0  # every schema at 0003, none with the column
    crm.path(path).write_text(written, encoding="utf-8")  # the revision mended after it ran
    report = exercises.check_tenant_phone()
    assert report.missing == ["29.tenants.no-phone-column"], report.text()
    assert "`alembic -x tenant=NAME stamp 0002`" in lessons.messages(report)
    for tenant in (None, *TENANTS, "hooli"):  # what the finding says to do
        alembic(crm, f"alembic -x tenant={tenant} stamp 0002" if tenant else "alembic stamp 0002")
    assert shell.user_ns["deploy"]().status == 0
    assert exercises.check_tenant_phone().passed

def test_the_solution_passes_and_leaves_a_healthy_project(crm, shell):
    solve(shell, crm)
    report = exercises.check_tenant_phone()
    assert report.passed, report.text()
    assert "29.tenants.all-at-head" in report.ids
    for tenant in (*TENANTS, "hooli"):  # every tenant agrees with the models, and goes down to base and up again
        for command in ("check", "downgrade base", "upgrade head", "check"):
            alembic(crm, f"alembic -x tenant={tenant} {command}")
    assert tutorial.run("alembic heads", crm.folder, echo=False).output.strip() == "0003 (head)"
    assert exercises.check_tenant_phone().passed
    # `alembic check` (public, without -x), and pytest-alembic's tests on an empty PostgreSQL database (public)
    assert project_health.problems(crm.folder) == []
