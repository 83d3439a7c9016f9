"""The hovershare web site: one page that shows where the scooters are parked.

``application`` is a WSGI callable. From the project folder, any WSGI server
serves it when you name it ``hovershare.app:application``, for instance
``waitress-serve hovershare.app:application`` (waitress comes with this tutorial).
So does the standard library's::

    from wsgiref.simple_server import make_server
    from hovershare.app import application

    make_server("127.0.0.1", 8000, application).serve_forever()
"""

import html

from sqlalchemy import func, select

from hovershare.data import __all_models  # noqa: F401  (registers every model)
from hovershare.data.db_session import create_session
from hovershare.data.locations import Location
from hovershare.data.rentals import Rental


def home_page() -> str:
    with create_session() as session:
        locations = session.scalars(select(Location).order_by(Location.id)).all()
        rows = "".join(
            f"<tr><td>{html.escape(location.street)}</td><td>{html.escape(location.city)}</td>"
            f"<td>{len(location.scooters)}</td>"
            f"<td>{sum(1 for scooter in location.scooters if scooter.battery_level >= 50)}</td></tr>"
            for location in locations
        )
        riding = session.scalar(select(func.count(Rental.id)).where(Rental.end_time.is_(None)))
    return (
        "<h1>Hovershare</h1>"
        f"<p>Scooters out on a ride right now: {riding}</p>"
        "<table><tr><th>Street</th><th>City</th><th>Parked</th><th>Charged (50% or more)</th></tr>"
        f"{rows}</table>"
    )


def error_page(error: Exception) -> str:
    """What a development server shows when a page fails."""
    name = f"{type(error).__module__}.{type(error).__name__}"
    return f"<h1>500 Internal Server Error</h1><pre>{html.escape(name)}: {html.escape(str(error))}</pre>"


def application(environ, start_response):
    try:
        status, body = "200 OK", home_page()
    except Exception as error:
        status, body = "500 Internal Server Error", error_page(error)
    start_response(status, [("Content-Type", "text/html; charset=utf-8")])
    return [body.encode("utf-8")]
