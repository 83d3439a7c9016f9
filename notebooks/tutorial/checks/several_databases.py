"""Notebook 30's exercise (30-several-databases): a table for the analytics database only, in its own history."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import DateTime, String

from .. import inspection
from . import probes
from .registry import exercise
from .report import Report

ENVIRONMENTS = ("main", "analytics")  # alembic.ini's sections, as section 4 of the notebook writes them
MAIN_MODELS = ("billtracker.data.__all_models", "billtracker.data.modelbase:SqlAlchemyBase")
ANALYTICS_MODELS = ("billtracker.data.analytics", "billtracker.data.analytics:AnalyticsBase")


def _metadata(folder: Path, report: Report, models: tuple[str, str]):
    try:
        return inspection.model_tables(folder, *models)
    except inspection.ProjectProblem as problem:
        report.add(False, f"Your models do not import, so nothing else can be checked: {problem}", 1,
                   id="models.not-importing")
        return None


def _environments(folder: Path, report: Report) -> dict | None:
    """Each environment's Alembic ``Config``, or None (and a finding) when ``alembic.ini`` lacks one of them."""
    from alembic.config import Config

    ini = folder / "alembic.ini"
    configs = {name: Config(str(ini), ini_section=name) for name in ENVIRONMENTS} if ini.is_file() else {}
    missing = [name for name in ENVIRONMENTS if not configs or not configs[name].get_main_option("script_location")]
    if missing:
        report.add(False, f"alembic.ini has no [{missing[0]}] section with a script_location: run section 4's "
                          "cells first (two environments in one alembic.ini).", 2, id="config.no-environments")
        return None
    return configs


def _history(config, report: Report, name: str):
    from alembic.script import ScriptDirectory

    try:
        script = ScriptDirectory.from_config(config)
        list(script.walk_revisions())
        return script
    except Exception as error:  # a revision file that does not load
        report.add(False, f"The {name} history cannot be read: {error}", 2, id=f"revisions.{name}-unreadable")
        return None


def _creating(script, table: str) -> list[str]:
    return [revision.revision for revision in script.walk_revisions()
            if any(call.name == "create_table" and call.names(table) for call in inspection.operations(script, revision.revision))]


@exercise(
    "30-several-databases", "a table for the analytics database only", solutions="30_",
    steps=("the model", "the revision", "the databases"),
    success="The searches table is in the analytics database, and only there, made by the analytics history.",
)
def check_analytics_table(folder: Path, report: Report) -> None:
    """Notebook 30: ``searches`` on ``AnalyticsBase``, created by a revision of the analytics history, applied
    to the analytics database only.

    Steps: 1 the model, 2 the revision (in the right history), 3 both databases (each at its head, the table in one).
    """
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import inspect

    main_models = _metadata(folder, report, MAIN_MODELS)
    analytics_models = _metadata(folder, report, ANALYTICS_MODELS) if main_models is not None else None
    if analytics_models is not None:
        if "searches" in main_models.tables:
            report.add(False, "The searches table is on SqlAlchemyBase, the billtracker's base: its table would go to "
                              "the main database. Derive Search from AnalyticsBase (billtracker/data/analytics.py).",
                       1, id="model.searches.wrong-base")
        elif "searches" not in analytics_models.tables:
            report.add(False, "There is no Search model (table searches) on AnalyticsBase yet "
                              "(billtracker/data/analytics.py).", 1, id="model.searches.missing")
        elif probes.check_column(report, analytics_models, "searches", "Search", "term", String, "a String",
                                 "billtracker/data/analytics.py", nullable=False):
            probes.check_column(report, analytics_models, "searches", "Search", "searched_at", DateTime, "a DateTime",
                                "billtracker/data/analytics.py", nullable=False)
    configs = _environments(folder, report)
    if configs is None:
        return
    histories = {name: _history(config, report, name) for name, config in configs.items()}
    if None in histories.values():
        return
    in_main = _creating(histories["main"], "searches")
    in_analytics = _creating(histories["analytics"], "searches")
    if in_main:
        report.add(False, f"Revision {in_main[0]} of the main history (histories/main) creates searches: that history "
                          "migrates the main database. Delete it (downgrade it first if you applied it), and "
                          "autogenerate with `alembic --name analytics revision --autogenerate ...`.", 2,
                   id="revision.wrong-history")
    if in_analytics:
        report.add(True, f"Revision {in_analytics[0]} of the analytics history creates searches.", 2,
                   id="revision.in-analytics")
    elif not in_main:
        report.add(False, 'No revision creates searches yet: `alembic --name analytics revision --autogenerate '
                          '--rev-id a002 -m "searches"`.', 2, id="revision.missing")
    for name, script in histories.items():
        if len(script.get_heads()) > 1:
            report.add(False, f"The {name} history has {len(script.get_heads())} heads: delete the revision you made "
                              "by mistake.", 2, id=f"heads.{name}-several")
            return
    found = {}
    for name, config in configs.items():
        try:
            engine = inspection.engine(folder, config.get_main_option("sqlalchemy.url"))
            try:
                with engine.connect() as connection:
                    context = MigrationContext.configure(connection)
                    models = analytics_models if name == "analytics" else main_models
                    found[name] = (
                        tuple(sorted(context.get_current_heads())),
                        inspect(connection).get_table_names(),
                        compare_metadata(context, models) if models is not None else None,
                    )
            finally:
                engine.dispose()
        except Exception as error:
            report.add(False, f"The {name} database does not answer: {error}", 3, id="database.unreadable")
            return
    if "searches" in found["main"][1]:
        report.add(False, "The main database has a searches table: it belongs to the analytics database only. "
                          "Downgrade the revision that made it (`alembic --name main downgrade -1`), then delete it.",
                   3, id="database.searches-in-main")
    behind = False
    for name in ENVIRONMENTS:
        current, heads = found[name][0], tuple(sorted(histories[name].get_heads()))
        if current != heads:
            behind = True
            report.add(False, f"The {name} database is at {', '.join(current) or 'base'}, not at the head of its "
                              f"history ({', '.join(heads)}): `alembic --name {name} upgrade head`.", 3,
                       id=f"database.{name}-behind")
    if behind or not in_analytics:
        return
    if "searches" not in found["analytics"][1]:
        report.add(False, "The analytics database is at its head, yet has no searches table: was the revision changed "
                          "after it ran? Downgrade it, then upgrade again.", 3, id="database.no-searches")
        return
    report.add(True, "The analytics database has searches, at the head of its history; the main database is at "
                     "its own head, without it.", 3, id="database.searches-in-analytics")
    left = [inspection.describe(diff) for name in ENVIRONMENTS for diff in (found[name][2] or [])]
    report.add(not left, "Models and both databases agree (`alembic --name ... check` finds nothing)." if not left else
               f"`alembic --name ... check` would still find: {'; '.join(left)}.", 3,
               id="database.matches-models" if not left else "database.differs-from-models")
