"""show_file: a file highlighted, open or folded away under one summary line."""

from __future__ import annotations

import pytest

from tutorial import display

INI = "[alembic]\nscript_location = alembic\nsqlalchemy.url = sqlite:///billtracker.sqlite\n"


@pytest.fixture
def shown(workspace, monkeypatch):
    """Call show_file on a three-line alembic.ini; return what it displayed."""
    workspace.mkdir()
    (workspace / "alembic.ini").write_text(INI)
    displayed = []
    monkeypatch.setattr(display, "display", displayed.append)

    def show(**options):
        displayed.clear()
        display.show_file(workspace / "alembic.ini", **options)
        link, code = displayed
        return link, code

    return show


def test_an_open_file_has_no_fold(shown):
    _, code = shown()
    assert "<details>" not in code._repr_html_()
    assert repr(code) == INI.rstrip("\n")


def test_a_folded_file_opens_on_a_click(shown):
    _, code = shown(folded=True)
    page = code._repr_html_()
    assert page.startswith("<details><summary>alembic.ini, whole (3 lines): click to open</summary>")
    assert page.endswith("</details>")
    assert "script_location" in page


def test_folding_keeps_the_plain_text_and_the_link(shown):
    open_link, open_code = shown()
    folded_link, folded_code = shown(folded=True)
    assert repr(folded_code) == repr(open_code)
    assert folded_link.data == open_link.data


def test_a_folded_range_names_its_lines(shown):
    _, code = shown(first_line=2, last_line=3, folded=True)
    assert "<summary>alembic.ini, lines 2-3 (2 lines): click to open</summary>" in code._repr_html_()
    assert repr(code) == "script_location = alembic\nsqlalchemy.url = sqlite:///billtracker.sqlite"
