"""Mount the complaints desk inside a FastAPI application.

FastAPI is ASGI, like the desk: ``app.mount`` hands every path under
``/complaints`` to it, with its own API, console and complainant pages; the
desk's links and redirects follow the mount path. The host's own routes stay
the host's. The requests are made in-process through httpx's ASGI transport.

Run it with ``python examples/web_fastapi.py`` (needs ``fastapi``).
"""

from __future__ import annotations

import asyncio
import secrets

import httpx
from fastapi import FastAPI
from starlette.requests import HTTPConnection

from iso10002.calendars import WeekdayCalendar
from iso10002.handler import Actor, ComplaintsHandler
from iso10002.repositories import InMemoryComplaintRepository
from iso10002.web import create_app


def authenticate(connection: HTTPConnection) -> Actor | None:
    """Use the host's authentication (here: one fixed header)."""
    if connection.headers.get("x-staff") == "yes":
        return Actor("agent:17", roles={"complaints-handler"})
    return None


handler = ComplaintsHandler(
    InMemoryComplaintRepository(), calendar=WeekdayCalendar(zone="Europe/London")
)
desk = create_app(
    handler, secret_key=secrets.token_urlsafe(48), authenticate=authenticate
)

app = FastAPI()


@app.get("/")
def home() -> dict[str, str]:
    """The host's own page."""
    return {"shop": "open"}


app.mount("/complaints", desk)


async def main() -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://shop") as http:
        print("host:", (await http.get("/")).json())
        form = await http.get("/complaints/complain")
        print(
            "public form:",
            form.status_code,
            "action=/complaints/complain" in form.text.replace('"', ""),
        )
        created = await http.post(
            "/complaints/api/complaints",
            json={"complainant": {"name": None}, "description": "Late delivery."},
            headers={"x-staff": "yes"},
        )
        print("recorded through the mounted API:", created.json()["reference"])
    handler.shutdown()


asyncio.run(main())
