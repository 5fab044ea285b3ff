"""Serve the complaints desk beside a Django site, in one ASGI application.

Django's ``get_asgi_application()`` answers the site; a small dispatcher in
front of it hands every path under ``/complaints`` to the desk, with the
prefix as ``root_path`` so the desk's links and redirects follow it. Run the
``application`` below with any ASGI server (``uvicorn module:application``);
here the requests are made in-process through httpx's ASGI transport.

Run it with ``python examples/web_django.py`` (needs ``django``).
"""

from __future__ import annotations

import asyncio
import secrets

import django
import httpx
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    ALLOWED_HOSTS=["site"],
    ROOT_URLCONF=__name__,
    SECRET_KEY=secrets.token_urlsafe(48),
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
)
django.setup()

from django.core.asgi import get_asgi_application  # noqa: E402 - after setup

from iso10002.calendars import WeekdayCalendar  # noqa: E402
from iso10002.handler import Actor, ComplaintsHandler  # noqa: E402
from iso10002.repositories import InMemoryComplaintRepository  # noqa: E402
from iso10002.web import create_app  # noqa: E402


def home(_request: HttpRequest) -> HttpResponse:
    """The host's own page."""
    return HttpResponse("Welcome to the surgery")


urlpatterns = [path("", home)]

handler = ComplaintsHandler(
    InMemoryComplaintRepository(), calendar=WeekdayCalendar(zone="Europe/London")
)


def authenticate(connection) -> Actor | None:
    """Trust the host's sign-in (here a header set by its proxy, for the example)."""
    name = connection.headers.get("x-remote-user")
    return Actor(name, roles={"complaints-manager"}) if name else None


desk = create_app(
    handler, secret_key=secrets.token_urlsafe(48), authenticate=authenticate
)
site = get_asgi_application()
PREFIX = "/complaints"


async def application(scope, receive, send) -> None:
    """Send /complaints/… to the desk and everything else to Django."""
    where = scope.get("path", "")
    if scope["type"] == "http" and (where == PREFIX or where.startswith(PREFIX + "/")):
        scope = {**scope, "root_path": scope.get("root_path", "") + PREFIX}
        await desk(scope, receive, send)
    else:
        await site(scope, receive, send)


async def main() -> None:
    transport = httpx.ASGITransport(app=application)
    async with httpx.AsyncClient(transport=transport, base_url="https://site") as http:
        print("django:", (await http.get("/")).text)
        staff = {"x-remote-user": "dr.jones"}
        created = await http.post(
            f"{PREFIX}/api/complaints",
            json={
                "complainant": {"name": None},
                "description": "Kept waiting 2 hours.",
            },
            headers=staff,
        )
        cid = created.json()["id"]
        print("recorded:", created.json()["reference"])
        acknowledged = await http.post(
            f"{PREFIX}/api/complaints/{cid}/steps/acknowledge", json={}, headers=staff
        )
        print("acknowledged by", acknowledged.json()["history"][-1]["actor"])
        queue = await http.get(f"{PREFIX}/desk", headers=staff)
        print(
            "console queue:",
            queue.status_code,
            f'href="{PREFIX}/desk/complaints/' in queue.text,
        )
    handler.shutdown()


asyncio.run(main())
