from sqlalchemy.orm import DeclarativeBase


class SqlAlchemyBase(DeclarativeBase):
    """The one base class of every billtracker model: its metadata lists every table."""
