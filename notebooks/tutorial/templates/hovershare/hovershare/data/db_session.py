import os

from sqlalchemy import create_engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

# The tutorial sets HOVERSHARE_DATABASE_URL when it runs on a database server.
DATABASE_URL = os.environ.get("HOVERSHARE_DATABASE_URL", "sqlite:///hovershare.sqlite")


def create_session() -> Session:
    """A new session on the app's database (one per request)."""
    return Session(create_engine(DATABASE_URL, poolclass=NullPool))
