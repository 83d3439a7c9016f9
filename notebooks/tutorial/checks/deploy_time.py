"""Notebook 26's exercise (26-migrate-at-deploy-time): a release deployed by the release step."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Integer

from .. import inspection
from . import probes
from .registry import exercise
from .report import Report


@exercise(
    "26-migrate-at-deploy-time", "release three: a stock count", solutions="26_",
    steps=("the model", "the revision", "the deploy"),
    success="Release three is out, deployed by the release step.",
)
def check_stock_release(folder: Path, report: Report) -> None:
    """Notebook 26: ``products.stock`` in the model, a revision adding it with a server default, deployed.

    Steps: 1 the model, 2 the revision, 3 the database at the head, matching the models, env.py still locking.
    """
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import inspect

    metadata = probes.models(folder, report, app="shop")
    if metadata is not None and probes.check_column(
        report, metadata, "products", "Product", "stock", Integer, "an Integer", "shop/models.py", nullable=False
    ):
        column = metadata.tables["products"].columns["stock"]
        default = column.server_default
        if column.nullable:
            report.add(False, "Product.stock may be empty: a stock count is always a number, so write `Mapped[int]`.", 1,
                       id="model.stock.may-be-empty")
        elif default is None or str(getattr(default, "arg", "")) != "0":
            report.add(False, 'Product.stock has no `server_default="0"`: the products already there need a value.', 1,
                       id="model.stock.no-server-default")
        else:
            report.add(True, 'Product.stock defaults to 0 on the server (`server_default="0"`).', 1,
                       id="model.stock-defaults-to-zero")
    script = probes.revisions(folder, report, 2)
    if script is None:
        return
    adding = probes.revision_doing(script, "products", "add_column", "stock")
    if not adding:
        report.add(False, 'No revision adds products.stock yet: `alembic revision --rev-id 0003 -m "add stock"`, '
                          "then fill in its upgrade() and downgrade().", 2, id="revision.missing")
    else:
        if not probes.gives_server_default(script, adding[0], "products", "stock"):
            report.add(False, f"Revision {adding[0]} adds products.stock without a `server_default`: as a NOT NULL "
                              "column, PostgreSQL refuses it on a table that has rows (the release fails, and "
                              "changes nothing). Add `server_default=\"0\"` to its `sa.Column(...)`.", 2,
                       id="revision.no-server-default")
        else:
            report.add(True, f"Revision {adding[0]} adds products.stock with a server default.", 2,
                       id="revision.adds-stock-with-default")
        if not probes.calls(script, adding[0], "drop_column", "products", "stock", function="downgrade"):
            report.add(False, f"Revision {adding[0]}'s downgrade() does not drop products.stock: "
                              'add `op.drop_column("products", "stock")`.', 2,
                       id="revision.downgrade-keeps-stock")
    if not probes.one_head(script, report, 2):
        return
    env = folder / "alembic" / "env.py"
    code = [line.split("#", 1)[0] for line in (env.read_text(encoding="utf-8") if env.is_file() else "").splitlines()]
    if not any("execute(" in line and ("pg_advisory" in line or "MIGRATION_LOCK" in line) for line in code):
        report.add(False, "alembic/env.py no longer takes the advisory lock (section 3): put it back, so that two "
                          "runs cannot collide.", 3, id="env.no-advisory-lock")
    engine = probes.settings_engine(folder, report, "shop", 3)
    if engine is None:
        return
    heads = tuple(sorted(script.get_heads()))
    try:
        with engine.connect() as connection:
            current = tuple(sorted(MigrationContext.configure(connection).get_current_heads()))
            columns = [column["name"] for column in inspect(connection).get_columns("products")]
            left = compare_metadata(MigrationContext.configure(connection), metadata) if metadata is not None else None
    except Exception as error:
        report.add(False, f"The database does not answer: {error}", 3, id="database.unreadable")
        return
    finally:
        engine.dispose()
    if current != heads:
        where = ", ".join(current) if current else "base"
        report.add(False, f"The database is at {where}, not at the head ({', '.join(heads)}): deploy with "
                          "`python release.py`, and read its line.", 3,
                   id="database.not-at-head")
    elif not adding:
        return
    elif "stock" not in columns:
        report.add(False, "The database is at the head, yet products has no stock column: was the revision "
                          "changed after it ran? Downgrade it, then release again.", 3,
                   id="database.no-stock")
    else:
        report.add(True, f"The database is at the head ({', '.join(heads)}), with products.stock.", 3,
                   id="database.at-head")
        if left is not None:
            report.add(not left, "Models and database agree (`alembic check` finds nothing)." if not left else
                       f"`alembic check` would still find: {'; '.join(inspection.describe(diff) for diff in left)}.", 3,
                       id="database.matches-models" if not left else "database.differs-from-models")
