"""A project's modules, forgotten, are read again from the files as they are now."""

from __future__ import annotations

import warnings

import sqlmodel

from tutorial import fresh

NOTE = '''\
from sqlmodel import Field, SQLModel


class Note(SQLModel, table=True):
    __tablename__ = "fresh_notes"

    id: int | None = Field(default=None, primary_key=True)
    title: str
'''


def test_a_sqlmodel_model_can_be_imported_again_after_an_edit(tmp_path):
    (tmp_path / "jotter").mkdir()
    (tmp_path / "jotter" / "__init__.py").write_text("")
    models = tmp_path / "jotter" / "models.py"
    models.write_text(NOTE)
    first = fresh.import_fresh("jotter.models", tmp_path)
    assert list(first.Note.__table__.columns.keys()) == ["id", "title"]

    models.write_text(NOTE + "    body: str = ''\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # SQLAlchemy warns of a class defined twice in one registry
        second = fresh.import_fresh("jotter.models", tmp_path)
    assert list(second.Note.__table__.columns.keys()) == ["id", "title", "body"]
    assert sqlmodel.SQLModel.metadata.tables["fresh_notes"] is second.Note.__table__

    fresh.forget_project_modules(tmp_path)
    assert "fresh_notes" not in sqlmodel.SQLModel.metadata.tables


def test_the_hints_reading_the_models_leave_no_sqlmodel_table_behind(tmp_path):
    from tutorial import snapshot

    (tmp_path / "jotter").mkdir()
    (tmp_path / "jotter" / "__init__.py").write_text("")
    (tmp_path / "jotter" / "models.py").write_text(NOTE)
    assert snapshot.load_models(tmp_path).tables == {"fresh_notes": "jotter/models.py"}
    assert "fresh_notes" not in sqlmodel.SQLModel.metadata.tables
    assert fresh.import_fresh("jotter.models", tmp_path).Note.__table__.name == "fresh_notes"
    fresh.forget_project_modules(tmp_path)
