"""The billtracker web site: one page that lists each user and their bills.

``application`` is a WSGI callable. From the project folder, any WSGI server
serves it when you name it ``billtracker.app:application``, for instance
``waitress-serve billtracker.app:application`` (waitress comes with this tutorial).
So does the standard library's::

    from wsgiref.simple_server import make_server
    from billtracker.app import application

    make_server("127.0.0.1", 8000, application).serve_forever()
"""

import html

from sqlalchemy import select

from billtracker.data import __all_models  # noqa: F401  (registers every model)
from billtracker.data.db_session import create_session
from billtracker.data.users import User


def home_page() -> str:
    with create_session() as session:
        users = session.scalars(select(User).order_by(User.id)).all()
        rows = "".join(
            f"<tr><td>{html.escape(user.name)}</td><td>{len(user.bills)}</td>"
            f"<td>{sum(bill.total - bill.paid for bill in user.bills):.2f}</td></tr>"
            for user in users
        )
    return (
        "<h1>Bill tracker</h1>"
        "<table><tr><th>User</th><th>Bills</th><th>Still owed</th></tr>"
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
