"""The database servers some tests need: a clear skip (or failure) when one is absent.

A learner's machine usually has no server: those tests skip with one line
saying why. CI sets ``TUTORIAL_REQUIRE_POSTGRES=1`` / ``TUTORIAL_REQUIRE_MARIADB=1``,
and then a missing server fails the test instead.
"""

from __future__ import annotations

import os

import pytest

from tutorial import servers


def require(kind: str) -> str:
    """The URL of the ``kind`` server (``postgres`` or ``mariadb``); skip, or fail when required, if it does not answer."""
    reason = servers.unreachable(kind)
    if reason:
        variable = f"TUTORIAL_REQUIRE_{kind.upper()}"
        if os.environ.get(variable) == "1":
            pytest.fail(f"{reason} (required: {variable}=1)")
        pytest.skip(reason)
    return servers.server_url(kind).render_as_string(hide_password=False)
