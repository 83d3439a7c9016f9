"""``tutorial.inspection`` finds a project's database when ``alembic.ini`` names none, as ``env.py`` does."""

from __future__ import annotations

import textwrap

import pytest

from tutorial import inspection, terminal

SETTINGS = '''\
import os
from pathlib import Path

DATABASE_URL = os.environ.get("SHOP_DATABASE_URL", f"sqlite{DRIVER}:///{Path(__file__).parent / 'shop.sqlite'}")
'''
MODELS = '''\
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
'''


def one_rule_project(workspace, name: str, template: str, driver: str):
    """``alembic init -t <template>``, then ``env.py`` reads the app's setting and alembic.ini names no URL."""
    folder = workspace / name
    (folder / "shop").mkdir(parents=True)
    (folder / "shop" / "__init__.py").write_text("")
    (folder / "shop" / "settings.py").write_text(SETTINGS.replace("{DRIVER}", driver))
    (folder / "shop" / "models.py").write_text(MODELS)
    terminal.run(f"alembic init -t {template} alembic", folder, echo=False)
    ini = folder / "alembic.ini"
    ini.write_text(ini.read_text().replace("sqlalchemy.url = driver://user:pass@localhost/dbname", ""))
    env = folder / "alembic" / "env.py"
    text = env.read_text().replace("target_metadata = None", textwrap.dedent("""\
        from shop.models import Base
        from shop.settings import DATABASE_URL

        config.set_main_option("sqlalchemy.url", DATABASE_URL)
        target_metadata = Base.metadata"""))
    env.write_text(text)
    return folder


@pytest.mark.parametrize("template, driver", [("generic", ""), ("async", "+aiosqlite")])
def test_the_database_is_the_one_env_py_connects_to_and_looking_creates_no_file(workspace, template, driver):
    folder = one_rule_project(workspace, f"shop-{template}", template, driver)
    assert inspection.env_url(folder) == f"sqlite{driver}:///{folder / 'shop' / 'shop.sqlite'}"
    assert inspection.database_url(folder) == f"sqlite:///{folder / 'shop' / 'shop.sqlite'}"  # read with the sync driver
    with pytest.raises(inspection.NoDatabaseYet):
        inspection.engine(folder)
    assert not (folder / "shop" / "shop.sqlite").exists()
    terminal.run('alembic revision --autogenerate -m "items"', folder, echo=False)
    terminal.run("alembic upgrade head", folder, echo=False)
    assert set(inspection.schema(folder)) == {"alembic_version", "items"}
    assert len(inspection.current_revisions(folder)) == 1


def test_one_engine_opens_the_projects_database_or_a_given_url_sync_or_async(workspace):
    import asyncio

    from sqlalchemy import inspect, text
    from sqlalchemy.ext.asyncio import AsyncEngine

    folder = one_rule_project(workspace, "shop-engines", "generic", "")
    terminal.run('alembic revision --autogenerate -m "items"', folder, echo=False)
    terminal.run("alembic upgrade head", folder, echo=False)
    database = folder / "shop" / "shop.sqlite"
    plain = inspection.engine(folder)
    given = inspection.engine(folder, "sqlite+aiosqlite:///shop/shop.sqlite")  # relative to the folder, made sync
    assert str(plain.url) == str(given.url) == f"sqlite:///{database}"
    assert "items" in inspect(given).get_table_names()
    async_engine = inspection.engine(folder, use_async=True)
    assert isinstance(async_engine, AsyncEngine) and async_engine.url.drivername == "sqlite+aiosqlite"

    async def count():
        async with async_engine.connect() as connection:
            return (await connection.execute(text("SELECT count(*) FROM items"))).scalar()

    assert asyncio.run(count()) == 0
    with pytest.raises(inspection.NoDatabaseYet, match="other.sqlite does not exist"):
        inspection.engine(folder, "sqlite:///other.sqlite")
    assert not (folder / "other.sqlite").exists()


def test_no_url_in_alembic_ini_and_an_env_py_that_fails_say_so(workspace):
    folder = one_rule_project(workspace, "shop-broken", "generic", "")
    (folder / "shop" / "settings.py").write_text("DATABASE_URL = NOT_DEFINED\n")
    with pytest.raises(inspection.ProjectProblem, match=r"names no database .* `alembic current` shows what goes wrong"):
        inspection.database_url(folder)


def test_operations_are_read_as_python(tmp_path):
    """A revision's operations: a wrapped call once, a commented-out one never, the block and batch each stands in."""
    from types import SimpleNamespace

    path = tmp_path / "revision.py"
    path.write_text(
        "def upgrade() -> None:\n"
        "    # op.create_index('ix_old', 'users', ['phone'])\n"
        "    with op.get_context().autocommit_block():\n"
        "        if not op.get_context().as_sql:\n"
        "            op.create_index(\n"
        "                op.f('ix_users_phone'),\n"
        "                'users',\n"
        "                ['phone'],\n"
        "                postgresql_concurrently=True,\n"
        "            )\n"
        "    with op.batch_alter_table('bills') as batch_op:\n"
        "        batch_op.add_column(sa.Column('due', sa.DateTime()))\n"
        "\n\n"
        "def downgrade() -> None:\n"
        "    op.drop_index(op.f('ix_users_phone'), table_name='users')\n",
        encoding="utf-8",
    )
    script = SimpleNamespace(get_revision=lambda revision: SimpleNamespace(path=str(path)))
    upgrade = [call for call in inspection.operations(script, "r") if call.name not in ("get_context", "f")]
    assert [(call.name, call.in_autocommit_block, call.batch_table) for call in upgrade] == [
        ("create_index", True, None), ("add_column", False, "bills"),
    ]
    assert upgrade[0].keywords == {"postgresql_concurrently": True} and upgrade[0].names("users", "phone")
    assert upgrade[1].names("bills", "due") and not upgrade[1].names("users")
    assert [call.name for call in inspection.operations(script, "r", "downgrade")] == ["drop_index", "f"]
    path.write_text("def upgrade(:\n", encoding="utf-8")
    assert inspection.operations(script, "r") == []  # a file that does not parse: running it says why


def test_an_operation_holds_the_keywords_and_the_callables_of_the_calls_inside_it(tmp_path):
    """``nullable=False`` inside ``sa.Column(...)``, ``Text`` of ``sa.Text()``: read in the call, wrapped or not,
    and never from a commented-out line."""
    from types import SimpleNamespace

    path = tmp_path / "revision.py"
    path.write_text(
        "def upgrade() -> None:\n"
        "    # op.add_column('bills', sa.Column('old', sa.Text(), server_default='x', nullable=False))\n"
        "    op.add_column(\n"
        "        'bills',\n"
        "        sa.Column(\n"
        "            'amount_due',\n"
        "            sa.Float(),\n"
        "            server_default=sa.text('0'),\n"
        "            nullable=False,\n"
        "        ),\n"
        "    )\n"
        "    with op.batch_alter_table('bills') as batch_op:\n"
        "        batch_op.alter_column('description', existing_type=sa.VARCHAR(), type_=Text())\n",
        encoding="utf-8",
    )
    script = SimpleNamespace(get_revision=lambda revision: SimpleNamespace(path=str(path)))
    adding, altering = inspection.operations(script, "r")
    assert adding.name == "add_column" and adding.names("bills", "amount_due") and not adding.names("old")
    assert adding.inner_keywords == {"server_default": "sa.text('0')", "nullable": False}
    assert adding.keywords == {} and adding.called == ("Column", "Float", "text")
    assert altering.called == ("VARCHAR", "Text") and altering.inner_keywords == {}
    assert altering.keywords == {}  # its type_ is an expression: among the calls inside, not here
