"""The web desk in a host application: the host authenticates, the desk does the rest.

``create_app`` builds an ASGI application around a ``ComplaintsHandler``. The
host's hook turns each request into an ``Actor`` (here: a bearer-token table);
the handler's access policy and redaction decide what each actor may see and
do. The requests are made in-process through httpx's ASGI transport, without
opening a port; ``uvicorn`` would serve the same ``app``.

Run it with ``python examples/web_desk.py``.
"""

from __future__ import annotations

import asyncio
import secrets

import httpx
from starlette.requests import HTTPConnection

from iso10002.calendars import WeekdayCalendar
from iso10002.handler import Actor, ComplaintsHandler, RoleBasedAccess
from iso10002.repositories import InMemoryComplaintRepository
from iso10002.web import complainant_access, create_app

TOKENS = {  # the host's own authentication, reduced to a table
    "agent-token": Actor("agent:17", roles={"complaints-handler"}),
    "audit-token": Actor("auditor:1", roles={"auditor"}),
}


def authenticate(connection: HTTPConnection) -> Actor | None:
    """Map the request's bearer token to an actor (None: nobody)."""
    token = connection.headers.get("authorization", "").removeprefix("Bearer ")
    return TOKENS.get(token)


handler = ComplaintsHandler(
    InMemoryComplaintRepository(),
    calendar=WeekdayCalendar(zone="Europe/London"),
    # Complainants follow their status link; staff act by their roles.
    access=complainant_access(RoleBasedAccess()),
)
app = create_app(
    handler, secret_key=secrets.token_urlsafe(48), authenticate=authenticate
)


async def main() -> None:
    agent = {"Authorization": "Bearer agent-token"}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://desk") as http:
        form = {
            "complainant": {"name": "Sam Taylor", "email": "sam@example.org"},
            "description": "I was charged twice for my March bill.",
        }
        created = await http.post(
            "/api/complaints", json=form, headers={**agent, "Idempotency-Key": "f-1"}
        )
        complaint = created.json()
        etag = created.headers["etag"]
        print(f"{created.status_code} {complaint['reference']} ETag {etag}")
        cid = complaint["id"]
        steps = await http.get(f"/api/complaints/{cid}/steps", headers=agent)
        print("steps allowed now:", ", ".join(steps.json()))
        done = await http.post(
            f"/api/complaints/{cid}/steps/acknowledge",
            json={},
            headers={**agent, "If-Match": created.headers["etag"]},
        )
        print("acknowledged:", done.json()["status"], done.headers["etag"])
        stale = await http.post(
            f"/api/complaints/{cid}/steps/assess",
            json={"category": "billing"},
            headers={**agent, "If-Match": created.headers["etag"]},
        )
        print("with an old ETag:", stale.status_code, stale.json()["title"])
        typo = await http.get("/api/complaints?status=recieved", headers=agent)
        print("status=recieved:", typo.status_code, typo.json()["detail"])
        audit = await http.get(
            f"/api/complaints/{cid}", headers={"Authorization": "Bearer audit-token"}
        )
        print("the auditor sees the e-mail as:", audit.json()["complainant"]["email"])
        found = await http.get("/api/search?text=charged", headers=agent)
        print("search for 'charged':", [c["reference"] for c in found.json()["items"]])
        refused = await http.get(
            "/api/search?text=charged", headers={"Authorization": "Bearer audit-token"}
        )
        print("the auditor may not search:", refused.status_code)
    handler.shutdown()


asyncio.run(main())
