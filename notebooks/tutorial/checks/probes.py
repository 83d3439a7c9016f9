"""The steps several checkers share: a model's column, a revision doing an operation, one head, the database
at the head, a database table, the page. Each adds its findings to the report it is given, and changes nothing.

Each finding has an id, ``"<subject>.<what>"`` (the report puts the notebook's number first): a passing check's
id names the check (``"database.at-head"``), a failing one's names what is wrong (``"revision.empty"``); a probe
about a column or a table puts its name in (``"model.due_date.missing"``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path

from .. import browser, database, inspection, sandbox
from .report import Report

# --------------------------------------------------------------------------- the models

# Each app's models: the module that imports them all, and their declarative base.
APPS = {
    "billtracker": ("billtracker.data.__all_models", "billtracker.data.modelbase:SqlAlchemyBase"),
    "hovershare": ("hovershare.data.__all_models", "hovershare.data.modelbase:SqlAlchemyBase"),
    "bookshelf": ("bookshelf.models", "bookshelf.models:Base"),
    "fastbills": ("fastbills.models", "fastbills.models:Base"),
    "shop": ("shop.models", "shop.models:Base"),
    "crm": ("crm.models", "crm.models:Base"),
}


def models(folder: Path, report: Report, app: str = "billtracker", step: int = 1):
    """The models' MetaData, or None (and a finding saying why) when they do not import."""
    module, base = APPS[app]
    try:
        return inspection.model_tables(folder, module, base)
    except inspection.ProjectProblem as problem:
        report.add(False, f"Your models do not import, so nothing else can be checked: {problem}", step, id="models.not-importing")
        return None


def type_name(column) -> str:
    """The name of a column's type, as the model writes it: "String", "DateTime"."""
    return type(column.type).__name__


def with_article(word: str) -> str:
    """``word`` with its article: "a String", "an Integer"."""
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def check_column(
    report: Report, metadata, table: str, model: str, name: str, kind: type, kind_words: str,
    file: str, nullable: bool = True, index: bool = False, step: int = 1,
) -> bool:
    """Check that the model of ``table`` has the column ``name`` of type ``kind``: one finding, ``model.<name>``
    when it passes, else ``model.<name>.<what is wrong>`` (``missing``, ``no-table``, ``wrong-table``, ``wrong-type``,
    ``not-nullable``, ``no-index``, several joined by ``-and-``)."""
    if table not in metadata.tables:
        return report.add(False, f"There is no `{table}` table in your models any more: was {file} changed?", step,
                          id=f"model.{name}.no-table")
    column = metadata.tables[table].columns.get(name)
    if column is None:
        elsewhere = [other for other, defined in metadata.tables.items() if name in defined.columns]
        if elsewhere:
            return report.add(False, f"`{name}` is in the `{elsewhere[0]}` table; it belongs to {model} (table `{table}`), in {file}.",
                              step, id=f"model.{name}.wrong-table")
        return report.add(False, f"The {model} model has no `{name}` column yet ({file}).", step, id=f"model.{name}.missing")
    problems, wrong = [], []
    if not isinstance(column.type, kind):
        wrong.append("wrong-type")
        problems.append(f"it is {with_article(type_name(column))} column; it should be {kind_words}")
    if nullable and not column.nullable:
        wrong.append("not-nullable")
        problems.append(
            "it is NOT NULL: the rows already in the table have no value for it, so it must be allowed to be "
            "empty (`Mapped[... | None]`)"
        )
    indexed = column.index or any(name in index_.columns for index_ in metadata.tables[table].indexes)
    if index and not indexed:
        wrong.append("no-index")
        problems.append("it has no index: add `index=True` to its `mapped_column(...)`")
    if problems:
        return report.add(False, f"{model}.{name} is there, but " + "; and ".join(problems) + ".", step,
                          id=f"model.{name}." + "-and-".join(wrong))
    words = f"{kind_words}{', may be empty' if column.nullable else ''}{', indexed' if indexed else ''}"
    return report.add(True, f"{model} has `{name}` ({words}).", step, id=f"model.{name}")


# --------------------------------------------------------------------------- the revisions


def revisions(folder: Path, report: Report, step: int):
    """Alembic's ScriptDirectory, or None (and a finding saying why)."""
    try:
        return inspection.script_directory(folder)
    except inspection.ProjectProblem as problem:
        report.add(False, str(problem), step, id="revisions.unreadable")
        return None


def one_head(script, report: Report, step: int) -> bool:
    """Whether the history has one head; if not, a finding saying how to get there."""
    heads = script.get_heads()
    if len(heads) > 1:
        return report.add(
            False,
            f"There are {len(heads)} heads ({', '.join(sorted(heads))}): two revisions follow the same one. "
            "Delete the one you made by mistake (not applied yet), or merge them with `alembic merge heads`.",
            step,
            id="heads.several",
        )
    return True


def revision_doing(script, table: str, operation: str, name: str) -> list[str]:
    """The revisions whose ``upgrade()`` calls ``operation`` (e.g. ``add_column``) on ``table`` with ``name``."""
    return [
        revision.revision for revision in script.walk_revisions()
        if any(call.name == operation and call.names(table, name) for call in inspection.operations(script, revision.revision))
    ]


def revision_calling(script, revision: str, operation: str, name: str) -> list[str]:
    """The lines of ``revision``'s ``upgrade()`` that call ``operation`` (e.g. ``create_unique_constraint``) with ``name``.

    Read as text, for the line itself (a checker shows it); :func:`calls` tells whether a revision calls it.
    """
    body = inspection.upgrade_source(script, revision)
    return [line.strip() for line in body.splitlines() if f"{operation}(" in line and re.search(rf"['\"]{re.escape(name)}['\"]", line)]


def calls(script, revision: str, operation: str, *names: str, function: str = "upgrade") -> list[inspection.Operation]:
    """The calls of ``operation`` (e.g. ``drop_index``) in ``revision``'s ``function`` that name each of ``names``."""
    return [
        call for call in inspection.operations(script, revision, function)
        if call.name == operation and call.names(*names)
    ]


def gives_server_default(script, revision: str, table: str, column: str) -> bool:
    """Whether ``revision``'s ``upgrade()`` gives ``table.column`` a server default: in the ``sa.Column(...)`` it
    adds, or as a constant keyword of the operation (``alter_column(..., server_default="0")``)."""
    return any(
        "server_default" in call.inner_keywords or "server_default" in call.keywords
        for call in inspection.operations(script, revision) if call.names(table, column)
    )


def newest_is_empty(script) -> str | None:
    """The newest revision, if its ``upgrade()`` calls no Alembic operation (autogenerate found no change)."""
    heads = script.get_heads()
    if len(heads) != 1:
        return None
    return heads[0] if not inspection.operations(script, heads[0]) else None


def revision_step(
    script, report: Report, table: str, column: str, file: str, step: int, operation: str = "add_column",
    done: str = "", missing: str = "", empty: str = "",
) -> str | None:
    """The first revision whose ``upgrade()`` calls ``operation`` on ``table`` with ``column`` (a column, an index,
    the table itself), or None; and its finding. In the texts, ``{revision}`` stands for the revision's id.

    - ``revision.<operation>`` (``revision.add-column``), passing: ``done``; with no ``done``, no finding (the
      caller goes on checking that revision);
    - ``revision.empty``, when the newest revision (not a merge) calls no operation: ``empty``, by default
      "The newest revision, <id>, is empty: was <file> saved with <column> in it? ...";
    - ``revision.missing``, when no revision does it: ``missing``, by default "No revision adds <table>.<column> yet".
    """
    doing = revision_doing(script, table, operation, column)
    if doing:
        if done:
            report.add(True, done.replace("{revision}", doing[0]), step, id=f"revision.{operation.replace('_', '-')}")
        return doing[0]
    newest = newest_is_empty(script)
    if newest and not script.get_revision(newest).is_merge_point:  # a merge is empty by design
        empty = empty or (
            f"The newest revision, {{revision}}, is empty: was {file} saved with {column} in it? "
            "Delete that file and autogenerate again."
        )
        report.add(False, empty.replace("{revision}", newest), step, id="revision.empty")
    else:
        report.add(False, missing or f"No revision adds {table}.{column} yet: autogenerate one.", step, id="revision.missing")
    return None


def downgrade_source(script, revision: str) -> str:
    """The text of the revision's ``downgrade()`` function."""
    return inspection.revision_source(script, revision).split("def downgrade()", 1)[-1]


def revision_words(script, revision: str) -> str:
    """A revision as the history shows it: ``<id> (<message>)``."""
    return f"{revision} ({script.get_revision(revision).doc})"


# --------------------------------------------------------------------------- the database


def database_table(folder: Path, report: Report, table: str, step: int):
    """The database's ``table`` (inspector); None if it has no such table; False (and a finding,
    ``database.<table>.unreadable``) with no database."""
    try:
        return inspection.schema(folder).get(table)
    except inspection.ProjectProblem as problem:
        report.add(False, str(problem), step, id=f"database.{table}.unreadable")
        return False


def current(folder: Path, script, report: Report, step: int) -> tuple[str, ...] | None:
    """The database's revisions, or None (and a finding) when it cannot tell (``database.version-unknown``) or names
    a revision with no file (``database.revision-file-missing``)."""
    try:
        current = inspection.current_revisions(folder)
    except inspection.ProjectProblem as problem:
        report.add(False, str(problem), step, id="database.version-unknown")
        return None
    known = {revision.revision for revision in script.walk_revisions()}
    lost = [revision for revision in current if revision not in known]
    if lost:
        report.add(
            False,
            f"The database is at {lost[0]}, but alembic/versions has no file for that revision any more: Alembic can "
            "neither upgrade nor downgrade it. Put the file back (the editor's undo, or the backup), then go on.",
            step,
            id="database.revision-file-missing",
        )
        return None
    return current


def at_head(folder: Path, script, report: Report, step: int, recorded: tuple[str, ...] | None = None) -> bool:
    """One finding: whether the database is at the head (``database.at-head``, ``database.not-at-head``, or
    ``database.version-unknown``).

    :param recorded: the database's revisions, sorted, when the checker read them itself (its app's own
        database); by default, those of the project's database.
    """
    if recorded is None:
        try:
            recorded = inspection.current_revisions(folder)
        except inspection.ProjectProblem as problem:
            return report.add(False, str(problem), step, id="database.version-unknown")
    heads = tuple(sorted(script.get_heads()))
    if recorded == heads:
        return report.add(True, f"The database is at the head ({', '.join(heads)}): every revision is applied.", step,
                          id="database.at-head")
    return report.add(False, not_at_head(recorded, heads), step, id="database.not-at-head")


def not_at_head(recorded: tuple[str, ...], heads: tuple[str, ...]) -> str:
    """What to do when the database, at ``recorded``, is not at the head."""
    where = ", ".join(recorded) if recorded else "base (no revision applied)"
    return f"The database is at {where}, not at the head ({', '.join(heads)}): run `alembic upgrade head`."


def database_answer(folder: Path, report: Report, step: int, ask: Callable, subject: str = "database"):
    """``ask(inspector)`` on the project's database, or None (and a finding saying why) when it cannot be read.

    :param subject: the findings' ids start with it: ``<subject>.unreadable``, ``<subject>.not-answering``
        (a checker that asks twice gives each question its own, ``"database.rows"``).
    """
    from sqlalchemy import inspect

    try:
        database = inspection.engine(folder)
    except inspection.ProjectProblem as problem:
        report.add(False, str(problem), step, id=f"{subject}.unreadable")
        return None
    try:
        return ask(inspect(database))
    except Exception as error:
        report.add(False, f"The database does not answer: {error}", step, id=f"{subject}.not-answering")
        return None
    finally:
        database.dispose()


def alembic_check(folder: Path, report: Report, step: int, then: str = "") -> None:
    """What `alembic check` says of the models and the database: they agree, or what differs (``then``: what to do)."""
    try:
        differences = inspection.differences(folder)
    except inspection.ProjectProblem as problem:
        report.add(False, f"`alembic check` cannot compare: {problem}", step, id="check.cannot-compare")
        return
    if differences:
        report.add(False, "`alembic check` fails: it finds " + "; ".join(inspection.describe(diff) for diff in differences)
                   + "." + (f" {then}" if then else ""), step, id="check.differences")
    else:
        report.add(True, "`alembic check` passes: models and database agree.", step, id="check.passes")


def settings_engine(folder: Path, report: Report, app: str, step: int):
    """An engine on the database that ``<app>/settings.py`` names (its ``DATABASE_URL``); None, and a finding, if none."""
    if not (folder / app / "settings.py").is_file():
        report.add(False, f"There is no {app}/settings.py: run the notebook's cells from the top first.", step,
                   id="settings.missing")
        return None
    try:
        with sandbox.imported_afresh(folder, f"{app}.settings") as module:
            url = module.DATABASE_URL
        return inspection.engine(folder, url)
    except Exception as error:
        report.add(False, f"{app}/settings.py gives no database URL that works: {error}", step,
                   id="settings.no-database-url")
        return None


def rows(folder: Path, query: str) -> list[tuple]:
    """The rows of a query on the project's database (read only)."""
    database = inspection.engine(folder)
    try:
        return engine_rows(database, query)
    finally:
        database.dispose()


def engine_rows(engine, query: str) -> list[tuple]:
    """The rows of a query on ``engine``'s database, as tuples."""
    from sqlalchemy import text

    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(query))]


# --------------------------------------------------------------------------- the page


def app_database_url(folder: Path, app: str):
    """The app's database settings as ``tutorial.start`` gives them to the notebook's kernel, for the time of a
    check made elsewhere (My progress, a terminal), so that the page is the same; then as they were."""
    return sandbox.environment_variables(database.app_settings(app, folder.name))


def page(folder: Path, report: Report, app: str, step: int, missing: str) -> bool:
    """One finding: whether ``app``'s page works (``page.works``); if not, the first line of its error, then
    ``missing`` (``page.fails``, or ``app.not-starting``)."""
    try:
        with app_database_url(folder, app):
            page = browser.browse("/", app=f"{app}.app", folder=folder)
    except sandbox.ProjectProblem as problem:  # the app does not import at all
        return report.add(False, f"The app does not start: {problem}", step, id="app.not-starting")
    if page.status_code == 200:
        return report.add(True, "The page works (200 OK).", step, id="page.works")
    text = html.unescape(re.sub(r"<[^>]+>", " ", page.text))
    error = re.search(r"(\w+(Error|Exception): [^\n]*)", text)  # the first line of the error, as the page shows it
    error = error.group(1).strip() if error else page.status
    return report.add(False, f"The page fails ({page.status}): {error}. {missing}", step, id="page.fails")
