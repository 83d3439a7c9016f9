"""Notebook 29's exercise (29-schemas-and-tenants): a column deployed to public and every tenant's schema."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import String, text

from . import probes
from .registry import exercise
from .report import Report

NEW_TENANT = "tenant_hooli"


def schema_states(connection) -> dict[str, tuple[str, bool]]:
    """``public`` and every ``tenant_*`` schema: the revision its ``alembic_version`` holds ("base" for none, or
    no table) and whether its ``customers`` table has a ``phone`` column."""
    schemas = connection.scalars(text(
        "SELECT schema_name FROM information_schema.schemata "
        "WHERE schema_name = 'public' OR schema_name LIKE 'tenant\\_%' ORDER BY schema_name = 'public' DESC, 1"
    )).all()
    states = {}
    for schema in schemas:
        versions = connection.scalars(text(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = :schema AND table_name = 'alembic_version'"
        ), {"schema": schema}).one()
        revision = "base"
        if versions:
            revision = connection.scalars(text(f'SELECT version_num FROM "{schema}".alembic_version')).first() or "base"
        phone = connection.scalars(text(
            "SELECT count(*) FROM information_schema.columns "
            "WHERE table_schema = :schema AND table_name = 'customers' AND column_name = 'phone'"
        ), {"schema": schema}).one()
        states[schema] = (revision, bool(phone))
    return states


@exercise(
    "29-schemas-and-tenants", "a phone number for everyone, and a new tenant", solutions="29_",
    steps=("the model", "the revision", "every tenant at the head"),
    success="Every tenant, Hooli too, has the phone column, at the newest revision.",
)
def check_tenant_phone(folder: Path, report: Report) -> None:
    """Notebook 29: ``customers.phone`` in the model, a revision adding it, and public and every ``tenant_*``
    schema (``tenant_hooli`` among them) at the head with the column.

    Steps: 1 the model, 2 the revision, 3 every schema's ``alembic_version`` and columns.
    """
    metadata = probes.models(folder, report, app="crm")
    if metadata is not None:
        probes.check_column(report, metadata, "customers", "Customer", "phone", String, "a String", "crm/models.py")
    script = probes.revisions(folder, report, 2)
    if script is None:
        return
    adding = probes.revision_doing(script, "customers", "add_column", "phone")
    if not adding:
        report.add(False, 'No revision adds customers.phone yet: `alembic revision --autogenerate --rev-id 0003 -m '
                          '"add phone"` (after step 1).', 2, id="revision.missing")
    else:
        report.add(True, f"Revision {adding[0]} adds customers.phone.", 2, id="revision.adds-phone")
        if not probes.calls(script, adding[0], "drop_column", "customers", "phone", function="downgrade"):
            report.add(False, f"Revision {adding[0]}'s downgrade() does not drop customers.phone: "
                              "add `op.drop_column(\"customers\", \"phone\")`.", 2, id="revision.downgrade-keeps-phone")
    if not probes.one_head(script, report, 2) or not adding:
        return
    engine = probes.settings_engine(folder, report, "crm", 3)
    if engine is None:
        return
    head = script.get_current_head()
    try:
        with engine.connect() as connection:
            states = schema_states(connection)
    except Exception as error:
        report.add(False, f"The database does not answer: {error}", 3, id="database.unreadable")
        return
    finally:
        engine.dispose()
    if NEW_TENANT not in states:
        report.add(False, f'There is no schema {NEW_TENANT} yet: `sql("CREATE SCHEMA {NEW_TENANT}")`, then deploy.', 3,
                   id="tenants.no-hooli")
    behind = {schema: revision for schema, (revision, _) in states.items() if revision != head}
    tenants_behind = [schema for schema in behind if schema != "public"]
    if tenants_behind and "public" not in behind and len(tenants_behind) == len(states) - 1:
        report.add(False, f"public is at {head}, but no tenant is: `alembic upgrade head` without `-x tenant=...` "
                          "migrates public only. Deploy to every tenant with `deploy()` (the loop).", 3,
                   id="tenants.only-public")
    elif behind:
        where = ", ".join(f"{schema} at {revision}" for schema, revision in behind.items())
        report.add(False, f"Not every schema is at the head ({head}): {where}. Run the loop, `deploy()`, and read "
                          "its lines: a tenant that fails stops it.", 3, id="tenants.left-behind")
    without = [schema for schema, (revision, phone) in states.items() if revision == head and not phone]
    if without:
        before = script.get_revision(adding[0]).down_revision
        redo = (f"Mark those schemas as standing at {before} without running any downgrade (`alembic -x "
                f"tenant=NAME stamp {before}`, without `-x` for public), then deploy again."
                if adding[0] == head and isinstance(before, str) else "")
        report.add(False, f"{', '.join(without)} {'is' if len(without) == 1 else 'are'} at {head} but "
                          f"{'has' if len(without) == 1 else 'have'} no customers.phone column: was the revision "
                          f"changed after it ran? {redo}".rstrip(), 3, id="tenants.no-phone-column")
    if NEW_TENANT in states and not behind and not without:
        report.add(True, f"public and all {len(states) - 1} tenants ({', '.join(s for s in states if s != 'public')}) "
                         f"are at {head}, with customers.phone.", 3, id="tenants.all-at-head")
