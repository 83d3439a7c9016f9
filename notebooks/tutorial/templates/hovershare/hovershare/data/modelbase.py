from sqlalchemy.orm import DeclarativeBase


class SqlAlchemyBase(DeclarativeBase):
    """The one base class of every hovershare model: its metadata lists every table."""
