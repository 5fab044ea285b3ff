"""A host application's intake endpoint with only the standard library (``wsgiref``).

``POST /complaints`` takes a JSON complaint form. The host authenticates the
caller (here: a bearer token table) and maps it to an ``Actor`` with roles;
the handler checks the access policy. An ``Idempotency-Key`` header makes a
retried submission record nothing new: the intake role may not read the
complaint already recorded, so the retry is answered with its id alone, and a
different form under a used key is a conflict. The requests are run
in-process, without opening a port.

Run it with ``python examples/intake_wsgi.py``.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable
from typing import Any
from wsgiref.util import setup_testing_defaults

from iso10002.calendars import WeekdayCalendar
from iso10002.errors import AccessDenied, DuplicateError, ValidationError
from iso10002.handler import Actor, ComplaintsHandler
from iso10002.model import ComplaintForm
from iso10002.repositories import InMemoryComplaintRepository, Query
from iso10002.serialization import from_dict

TOKENS = {  # the host's own authentication, reduced to a table
    "form-token": Actor("web-form", roles={"intake"}),
    "guest-token": Actor("guest"),
}
handler = ComplaintsHandler(
    InMemoryComplaintRepository(), calendar=WeekdayCalendar(zone="Europe/London")
)


def refused(error: Exception) -> tuple[str, dict[str, Any]]:
    """Answer each refusal of ``receive`` with an HTTP status and body."""
    if isinstance(error, ValidationError):
        return "422 Unprocessable Entity", {"problems": error.problems}
    if isinstance(error, DuplicateError):  # the key was used for another form
        return "409 Conflict", {"error": "idempotency key used for another form"}
    if isinstance(error, AccessDenied) and error.complaint_id is not None:
        # A retry: recorded already, and the intake role may not read it.
        return "200 OK", {"id": error.complaint_id, "already": True}
    return "403 Forbidden", {"error": str(error)}


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Record a complaint from a JSON body; answer with its reference."""

    def reply(status: str, body: dict[str, Any]) -> list[bytes]:
        start_response(status, [("Content-Type", "application/json")])
        return [json.dumps(body).encode()]

    if (environ["REQUEST_METHOD"], environ["PATH_INFO"]) != ("POST", "/complaints"):
        return reply("404 Not Found", {"error": "not found"})
    token = environ.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ")
    actor = TOKENS.get(token)
    if actor is None:
        return reply("401 Unauthorized", {"error": "unknown token"})
    size = int(environ.get("CONTENT_LENGTH") or 0)
    try:
        form = from_dict(ComplaintForm, json.loads(environ["wsgi.input"].read(size)))
        complaint = handler.receive(
            form,
            actor=actor,
            channel="web",
            idempotency_key=environ.get("HTTP_IDEMPOTENCY_KEY"),
        )
    except (ValidationError, DuplicateError, AccessDenied) as error:
        return reply(*refused(error))
    return reply("201 Created", {"id": complaint.id, "reference": complaint.reference})


def post(body: dict[str, Any], token: str, key: str | None = None) -> str:
    """Send one request to ``app`` in-process and return status and body."""
    data = json.dumps(body).encode()
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/complaints",
        "CONTENT_LENGTH": str(len(data)),
        "wsgi.input": io.BytesIO(data),
        "HTTP_AUTHORIZATION": f"Bearer {token}",
    }
    if key:
        environ["HTTP_IDEMPOTENCY_KEY"] = key
    setup_testing_defaults(environ)
    status: list[str] = []
    chunks = app(environ, lambda s, _headers: status.append(s))
    return f"{status[0]}: {b''.join(chunks).decode()}"


payload = {
    "complainant": {"name": "Ada Jones", "email": "ada@example.org"},
    "description": "My parcel was left in the rain.",
}
print(post(payload, "form-token", key="submission-1"))
print(post(payload, "form-token", key="submission-1"), "(retry: same complaint)")
changed = {**payload, "description": "Something else."}
print(post(changed, "form-token", key="submission-1"), "(another form, same key)")
print(post(payload, "guest-token"))
print(post({"complainant": {"name": ""}, "description": " "}, "form-token"))
stored = handler.repository.count(Query())
print(f"complaints stored: {stored}")
