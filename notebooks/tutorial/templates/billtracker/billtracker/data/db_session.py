import os

from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker

# The tutorial sets BILLTRACKER_DATABASE_URL when it runs on a database server.
DATABASE_URL = os.environ.get("BILLTRACKER_DATABASE_URL", "sqlite:///billtracker.sqlite")

# One engine for the whole process: it keeps a pool of connections that every session reuses.
engine = create_engine(DATABASE_URL)
SessionLocal = sessionmaker(engine)


def create_session() -> Session:
    """A new session on the app's database (one per request)."""
    return SessionLocal()
