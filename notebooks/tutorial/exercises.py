""""Your turn" exercises: checkers that read your project and say what is right and what is missing.

Each checker looks at the project in the current folder (your notebook's project) the way Alembic
and SQLAlchemy see it: the models imported afresh from your files, the revision files through
Alembic's ``ScriptDirectory``, the database through SQLAlchemy's inspector, and the page through
the app itself. It changes nothing. In a notebook::

    from tutorial import exercises
    exercises.check_last_payment()            # a report: one line per check, then a verdict
    exercises.button(exercises.check_last_payment)   # the same, with a "Check my work" button

The solutions are in ``notebooks/solutions/``; ``%load`` one into a cell to see it.

The checkers live in :mod:`tutorial.checks`, one module per notebook's exercise; importing them, as this
module does, registers each in :data:`EXERCISES`.
"""

from __future__ import annotations

from .checks.async_fastapi import check_paid_flag
from .checks.batch_mode import check_description_text
from .checks.branch_and_merge import check_second_merge
from .checks.ci import check_ci_green
from .checks.constraint_names import check_unique_phone
from .checks.core import (
    check_due_date,
    check_last_payment,
    check_payments,
    check_phone,
    check_postal_code,
)
from .checks.database_url import check_notes_settings
from .checks.deploy_time import check_stock_release
from .checks.downgrade import check_no_index
from .checks.enums import check_disputed_bills
from .checks.existing_database import check_branch_adopted
from .checks.failed_migration import check_stamp_repair
from .checks.flask_sqlmodel import check_optional_note_body
from .checks.history import check_release_1
from .checks.in_sync import check_user_index
from .checks.live_database import check_due_date_on_a_busy_table
from .checks.live_schema import check_phone_index
from .checks.migrate_data import check_amount_due
from .checks.migration_tests import check_data_test
from .checks.offline_sql import check_downgrade_sql
from .checks.postgresql import check_short_revision_ids
from .checks.registry import EXERCISES, Exercise
from .checks.rename_column import check_details
from .checks.report import Finding, Report, _code
from .checks.several_databases import check_analytics_table
from .checks.tenants import check_tenant_phone
from .checks.troubleshoot import check_nickname_index
from .checks.tune_autogenerate import check_rating
from .checks.views_and_triggers import check_money_as_numeric
from .checks.widget import CheckMyWork, button

__all__ = [
    "EXERCISES", "CheckMyWork", "Exercise", "Finding", "Report", "_code", "button",
    "check_amount_due", "check_analytics_table", "check_branch_adopted", "check_ci_green", "check_data_test",
    "check_description_text", "check_details", "check_disputed_bills",
    "check_downgrade_sql", "check_due_date", "check_due_date_on_a_busy_table", "check_last_payment",
    "check_money_as_numeric",
    "check_nickname_index", "check_no_index", "check_notes_settings", "check_optional_note_body",
    "check_paid_flag", "check_payments", "check_phone", "check_phone_index", "check_postal_code",
    "check_rating", "check_release_1", "check_second_merge", "check_short_revision_ids", "check_stamp_repair",
    "check_stock_release", "check_tenant_phone", "check_unique_phone", "check_user_index",
]
