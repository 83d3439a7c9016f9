"""Three locations, five scooters, two riders: enough for the page to show something."""

import datetime

from hovershare.data import __all_models  # noqa: F401  (registers every model)
from hovershare.data.db_session import create_session
from hovershare.data.locations import Location
from hovershare.data.rentals import Rental
from hovershare.data.scooters import Scooter
from hovershare.data.users import User


def add_sample_data() -> None:
    day = datetime.datetime(2026, 3, 2, 8, 0)
    with create_session() as session:
        station = Location(street="1 Station Square", city="Portland", scooters=[
            Scooter(model="Glide S", battery_level=92),
            Scooter(model="Glide S", battery_level=41),
        ])
        harbor = Location(street="18 Harbor Walk", city="Portland", scooters=[
            Scooter(model="Glide X", battery_level=77),
        ])
        campus = Location(street="200 College Avenue", city="Eugene", scooters=[])
        out_riding = Scooter(model="Glide X", battery_level=63)
        ada = User(name="Ada", email="ada@example.com", created_date=day)
        lin = User(name="Lin", email="lin@example.com", created_date=day)
        session.add_all([station, harbor, campus, out_riding, ada, lin])
        session.flush()
        session.add_all([
            Rental(user=ada, scooter=station.scooters[0], start_time=day, end_time=day + datetime.timedelta(minutes=18)),
            Rental(user=lin, scooter=out_riding, start_time=day + datetime.timedelta(hours=1)),
        ])
        session.commit()
