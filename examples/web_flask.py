"""Mount the complaints desk inside a Flask (WSGI) application.

The desk is ASGI; ``a2wsgi.ASGIMiddleware`` makes it a WSGI application, and
werkzeug's ``DispatcherMiddleware`` sends every path under ``/complaints`` to
it while Flask keeps the rest. The requests are made in-process through
Flask's test client.

Run it with ``python examples/web_flask.py`` (needs ``flask`` and ``a2wsgi``).
"""

from __future__ import annotations

import re
import secrets

from a2wsgi import ASGIMiddleware
from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from iso10002.calendars import WeekdayCalendar
from iso10002.handler import ComplaintsHandler, RoleBasedAccess
from iso10002.repositories import InMemoryComplaintRepository
from iso10002.web import complainant_access, create_app

handler = ComplaintsHandler(
    InMemoryComplaintRepository(),
    calendar=WeekdayCalendar(zone="Europe/London"),
    # Without it, status links open nothing: the complainant has no grants.
    access=complainant_access(RoleBasedAccess()),
)
# No hook: the host's users sign in elsewhere; this shop only takes complaints.
desk = create_app(handler, secret_key=secrets.token_urlsafe(48))

flask_app = Flask(__name__)


@flask_app.get("/")
def home() -> str:
    """The host's own page."""
    return "Welcome to the shop"


flask_app.wsgi_app = DispatcherMiddleware(  # type: ignore[method-assign]
    flask_app.wsgi_app, {"/complaints": ASGIMiddleware(desk)}
)

client = flask_app.test_client()
print("host:", client.get("/").get_data(as_text=True))
form = client.get("/complaints/complain", base_url="https://shop")
page = form.get_data(as_text=True)
csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
key = re.search(r'name="key" value="([^"]+)"', page).group(1)
done = client.post(
    "/complaints/complain",
    base_url="https://shop",
    data={
        "csrf": csrf,
        "key": key,
        "email": "sam@example.org",
        "description": "The parcel never came.",
    },
)
link = re.search(r'id="status-link" href="([^"]+)"', done.get_data(as_text=True))
print("complaint recorded; status link under", link.group(1).split("/status/")[0])
status = client.get(link.group(1).removeprefix("https://shop"), base_url="https://shop")
print(
    "status page:", re.search(r"<h1>(.*?)</h1>", status.get_data(as_text=True)).group(1)
)
handler.shutdown()
