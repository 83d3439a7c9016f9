"""A plain-language hint under Alembic's output, for the mistakes learners really make.

The hints are a table of small rules, as in Django's system checks: each :class:`Rule`
has an id, the mistake it recognises, and a function that looks at one
:class:`~tutorial.snapshot.Snapshot` of the project (the command, its message, and the
project as it is now) and returns the :class:`Hint` (what happened, what to do), or
None. A rule checks its diagnosis against the project before it speaks (is the revision
really there? does the table really hold rows?); when it cannot tell, it says nothing.
The first rule that speaks is shown; a healthy project hears nothing, except that an
autogenerate found nothing to do.

The rules live in modules by subject; :mod:`.registry` holds the machinery, and
:data:`ORDER` below is the one place that says which rule is asked first.

:func:`advise` is what the terminal cells call after each command.
"""

from __future__ import annotations

# Importing a subject module registers its rules.
from . import (  # noqa: F401
    async_,
    ci,
    commands,
    configuration,
    database,
    dependents,
    environments,
    history,
    imports,
    revisions,
    tenants,
    types,
)
from .imports import DRIVERS
from .registry import RULES, Hint, Rule, advise, arrange, diagnose, rule

# The order in which the rules are asked, by id: the first that speaks is shown. A rule
# looks at failed commands or at commands that worked (its ``after``), never both, so
# the two lists never compete. Where two rules can speak of one outcome, the one that
# comes first is heard (tests/test_hints.py makes each of these outcomes):
#
# - missing-driver, and module-beside-the-config, before module-not-found: all three
#   read "No module named ...", and module-not-found, the general one, would call a
#   driver, or a project that lies beside a config file in another folder, "not
#   installed";
# - revision-without-message before plain-revision-models-differ: `alembic revision`
#   without `-m` while the models differ is both, and the learner hears of the `-m`;
# - misspelled-database-variable before current-prints-nothing: an `alembic current`
#   that printed nothing because a misspelled variable left the app on its fallback
#   database is told of the variable (the cause), not of what that database holds.
AFTER_A_FAILURE = [
    # the command itself (commands.py); an environment that alembic.ini lacks (environments.py) before
    # not-a-project, which reads the same message as a missing project
    "mistyped-command",
    "missing-argument",
    "no-such-environment",
    "not-a-project",
    "init-twice",
    # env.py, the models, and what fails to import (configuration.py, imports.py)
    "multidb-database-missing-from-list",
    "multidb-revision-misses-a-database",
    "no-target-metadata",
    "name-not-in-package",
    "percent-in-config",
    "missing-driver",
    "wrong-password",
    "no-such-database",
    "sqlite-folder-missing",
    "module-beside-the-config",
    "module-not-found",
    "revision-misses-an-import",
    # where the database stands (history.py)
    "multiple-heads",
    "autogenerate-behind",
    "check-behind",
    "check-found-changes",
    "relative-past-the-end",
    "unknown-revision-typed",
    "unknown-revision-in-database",
    # what the database refused (database.py)
    "batch-leftover",
    "not-null-without-default",
    "already-there",
    # enum types on PostgreSQL (types.py)
    "enum-type-exists",
    "enum-value-missing",
    "existing-rows-break-the-change",
    "cannot-cast-automatically",
    # a view reads the column a revision drops or retypes (dependents.py)
    "objects-depend-on-it",
    "column-used-by-a-view",
    "database-busy",
    # schemas and tenants (tenants.py)
    "no-such-tenant",
    # async engines and drivers (async_.py)
    "async-url-in-sync-env",
    "sync-url-in-async-env",
]
AFTER_SUCCESS = [
    # the revision just written (revisions.py)
    "revision-without-message",
    "include-schemas-drops-other-schema",
    "autogenerate-drops-a-modelled-table",
    "autogenerate-drops-a-foreign-table",
    "empty-autogenerate-models-differ",
    "empty-autogenerate",
    "plain-revision-models-differ",
    # where the database stands, where its URL came from (history.py, configuration.py)
    "upgrade-after-editing-an-applied-revision",
    "misspelled-database-variable",
    "current-prints-nothing",
    "no-revisions-yet",
    # an upgrade or downgrade that named no tenant (tenants.py)
    "tenant-not-given",
    # what CI checks (ci.py)
    "check-passes-with-several-heads",
]
ORDER = AFTER_A_FAILURE + AFTER_SUCCESS

arrange(ORDER)

__all__ = [
    "AFTER_A_FAILURE", "AFTER_SUCCESS", "DRIVERS", "ORDER", "RULES", "Hint", "Rule",
    "advise", "diagnose", "rule",
]
