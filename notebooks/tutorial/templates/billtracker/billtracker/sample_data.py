"""A few users and bills, so the site has something to show."""

import datetime

from billtracker.data import __all_models  # noqa: F401  (registers every model)
from billtracker.data.bills import Bill
from billtracker.data.db_session import create_session
from billtracker.data.users import User


def add_sample_data() -> None:
    day = datetime.datetime(2026, 1, 5, 9, 30)
    with create_session() as session:
        session.add_all([
            User(name="Ada", email="ada@example.com", created_date=day, bills=[
                Bill(description="Electricity", total=84.20, paid=84.20, created_date=day),
                Bill(description="Internet", total=39.90, paid=0.0, created_date=day),
            ]),
            User(name="Grace", email="grace@example.com", created_date=day, bills=[
                Bill(description="Rent", total=950.00, paid=500.00, created_date=day),
            ]),
        ])
        session.commit()
