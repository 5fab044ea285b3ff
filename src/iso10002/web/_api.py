"""The REST API: receive, read, find, deadlines, history, and one POST per trigger."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from iso10002.errors import AccessDenied, Iso10002Error, ValidationError
from iso10002.handler import EXPORT, EXPORT_PERSONAL_DATA, Actor
from iso10002.model import Complaint, ComplaintForm
from iso10002.repositories import Query
from iso10002.serialization import from_dict, to_dict
from iso10002.web._desk import Desk, deadline_state
from iso10002.web._openapi import openapi_document
from iso10002.web._problems import problem, problem_for
from iso10002.web._reports import build_review, export_lines, may_export
from iso10002.web._search import search, search_query
from iso10002.web._steps import step_sets, take_step

__all__ = ["api_routes", "find_query"]

Endpoint = Callable[[Request], Awaitable[Response]]
_PAGE = 50
_MAX_PAGE = 500


def _etag(complaint: Complaint) -> str:
    return f'"v{complaint.version}"'


def _complaint(complaint: Complaint, status: int = 200) -> JSONResponse:
    return JSONResponse(
        to_dict(complaint),
        status_code=status,
        headers={"ETag": _etag(complaint), "Cache-Control": "no-store"},
    )


def _instant(name: str, text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError.single(name, "must be an ISO 8601 instant") from None
    if value.tzinfo is None:
        raise ValidationError.single(name, "must carry a UTC offset")
    return value


def _boolean(name: str, text: str | None) -> bool | None:
    if text is None:
        return None
    if text.lower() in {"true", "1"}:
        return True
    if text.lower() in {"false", "0"}:
        return False
    raise ValidationError.single(name, "must be true or false")


def find_query(
    params: Any, states: tuple[str, ...], now: datetime
) -> tuple[Query, int, str | None]:
    """Build the repository query, page size and cursor from query parameters.

    Statuses are checked against the workflow's states: a misspelt state is
    a :class:`~iso10002.errors.ValidationError`, not an empty page.
    """
    statuses = tuple(s for s in params.getlist("status") if s)
    unknown = [s for s in statuses if s not in states]
    if unknown:
        raise ValidationError(
            [("status", f"{s!r} is not a state of this workflow") for s in unknown]
        )
    breached = _boolean("breached", params.get("breached"))
    raw_limit = params.get("limit") or str(_PAGE)
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= _MAX_PAGE:
        raise ValidationError.single("limit", f"must be from 1 to {_MAX_PAGE}")
    query = Query(
        status_in=statuses,
        received_from=_instant("received_from", params.get("received_from")),
        received_before=_instant("received_before", params.get("received_before")),
        due_before=_instant("due_before", params.get("due_before")),
        breached=breached,
        as_of=None if breached is None else now,
        assignee=params.get("assignee"),
        category=params.get("category"),
        channel=params.get("channel"),
        reference=params.get("reference"),
    )
    return query, int(raw_limit), params.get("after")


async def _json_body(request: Request, *, required: bool) -> Any:
    body = await request.body()
    if not body and not required:
        return None
    try:
        return json.loads(body)
    except ValueError:
        raise ValidationError.single("body", "must be JSON") from None


def _is_json(request: Request) -> bool:
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return kind == "application/json" or kind.endswith("+json")


def api_routes(desk: Desk) -> list[Route]:  # noqa: C901, PLR0915 - a closure per endpoint
    """Return the API's routes for ``desk``'s handler and workflow."""
    handler = desk.handler
    definition = handler.workflow.definition
    states = definition.state_names
    triggers = {
        t: (
            step_sets(handler, t),
            handler.step_keywords(t),
            next(s.description for s in definition.steps if s.trigger == t),
        )
        for t in definition.triggers
    }
    document = openapi_document(triggers, list(states))

    def guarded(
        endpoint: Callable[[Request, Actor], Awaitable[Response]], *, body: bool = False
    ) -> Endpoint:
        async def run(request: Request) -> Response:
            actor = desk.actor(request)
            if actor is None:
                return problem("unauthenticated", "no actor: sign in first")
            if body and not _is_json(request):
                # Even an empty body needs the JSON type: a cross-site HTML
                # form cannot send it, which keeps cookie sessions safe.
                return problem("unsupported-media-type", "send application/json")
            try:
                return await endpoint(request, actor)
            except Iso10002Error as error:
                return problem_for(error)

        return run

    async def openapi(_request: Request) -> Response:
        return JSONResponse(document)

    async def workflow(_request: Request, _actor: Actor) -> Response:
        return JSONResponse(definition.to_dict())

    async def find(request: Request, actor: Actor) -> Response:
        query, limit, after = find_query(request.query_params, states, desk.now())
        page = await desk.call(
            handler.find, query, actor=actor, limit=limit, after=after
        )
        return JSONResponse(
            {
                "items": [to_dict(c) for c in page.items],
                "next_cursor": page.next_cursor,
            },
            headers={"Cache-Control": "no-store"},
        )

    async def find_words(request: Request, actor: Actor) -> Response:
        query, limit = search_query(request.query_params)
        found = await desk.call(search, handler, query, actor=actor, limit=limit)
        return JSONResponse(
            {"items": [to_dict(c) for c in found]},
            headers={"Cache-Control": "no-store"},
        )

    async def receive(request: Request, actor: Actor) -> Response:
        payload = await _json_body(request, required=True)
        form = from_dict(ComplaintForm, payload)
        key = request.headers.get("idempotency-key")
        channel = request.query_params.get("channel") or "web"
        try:
            stored = await desk.call(
                handler.receive, form, actor=actor, channel=channel, idempotency_key=key
            )
        except AccessDenied as denied:
            if key is None or denied.complaint_id is None:
                raise
            # A retry under the same key by an actor who may not read it.
            return JSONResponse({"id": denied.complaint_id})
        return _complaint(stored, 201)

    async def get(request: Request, actor: Actor) -> Response:
        found = await desk.call(
            handler.get, request.path_params["complaint_id"], actor=actor
        )
        return _complaint(found)

    async def history(request: Request, actor: Actor) -> Response:
        found = await desk.call(
            handler.get, request.path_params["complaint_id"], actor=actor
        )
        return JSONResponse([to_dict(e) for e in found.history])

    async def deadlines(request: Request, actor: Actor) -> Response:
        found = await desk.call(
            handler.get, request.path_params["complaint_id"], actor=actor
        )
        now = desk.now()
        return JSONResponse(
            [
                {**to_dict(d), "state": deadline_state(d, now, desk.at_risk)}
                for d in found.deadlines
            ]
        )

    async def steps(request: Request, actor: Actor) -> Response:
        found = await desk.call(
            handler.get, request.path_params["complaint_id"], actor=actor
        )
        return JSONResponse(allowed_now(desk, found, actor))

    async def export(request: Request, actor: Actor) -> Response:
        if not may_export(desk, actor):
            raise AccessDenied(actor.name, EXPORT)
        query, _, _ = find_query(request.query_params, states, desk.now())
        personal = _boolean("personal_data", request.query_params.get("personal_data"))
        if personal and not handler.access.can(actor, EXPORT_PERSONAL_DATA, None):
            raise AccessDenied(actor.name, EXPORT_PERSONAL_DATA)
        lines = export_lines(desk, actor, query, personal=bool(personal))
        return StreamingResponse(
            lines,
            media_type="application/x-ndjson",
            headers={"Cache-Control": "no-store"},
        )

    async def review(_request: Request, actor: Actor) -> Response:
        if not may_export(desk, actor):
            raise AccessDenied(actor.name, EXPORT)
        from iso10002.analysis.review import review_to_dict  # noqa: PLC0415

        pack = await desk.call(build_review, desk, actor)
        return JSONResponse(review_to_dict(pack), headers={"Cache-Control": "no-store"})

    def step(trigger: str) -> Endpoint:
        async def take(request: Request, actor: Actor) -> Response:
            body = await _json_body(request, required=False) or {}
            if not isinstance(body, dict):
                raise ValidationError.single("body", "must be an object")
            takes = handler.step_keywords(trigger)
            unknown = sorted(set(body) - {"data", "reason", "reason_code"} - takes)
            if unknown:
                raise ValidationError(
                    [(name, f"is not data of step {trigger!r}") for name in unknown]
                )
            keywords = {k: v for k, v in body.items() if k in takes}
            result = await desk.call(
                take_step,
                handler,
                request.path_params["complaint_id"],
                trigger,
                actor=actor,
                now=desk.now(),
                data=body.get("data"),
                keywords=keywords,
                reason=body.get("reason"),
                reason_code=body.get("reason_code"),
                if_version=_if_match(request.headers.get("if-match")),
            )
            return _complaint(result)

        return guarded(take, body=True)

    routes = [
        Route("/api/openapi.json", openapi),
        Route("/api/workflow", guarded(workflow)),
        Route("/api/complaints", guarded(find), methods=["GET"]),
        Route("/api/complaints", guarded(receive, body=True), methods=["POST"]),
        Route("/api/search", guarded(find_words)),
        Route("/api/export", guarded(export)),
        Route("/api/reports/review", guarded(review)),
        Route("/api/complaints/{complaint_id}", guarded(get)),
        Route("/api/complaints/{complaint_id}/history", guarded(history)),
        Route("/api/complaints/{complaint_id}/deadlines", guarded(deadlines)),
        Route("/api/complaints/{complaint_id}/steps", guarded(steps)),
    ]
    routes.extend(
        Route(
            f"/api/complaints/{{complaint_id}}/steps/{trigger}",
            step(trigger),
            methods=["POST"],
        )
        for trigger in triggers
    )
    return routes


def _if_match(value: str | None) -> int | None:
    if value is None or value.strip() == "*":
        return None
    tag = value.strip().removeprefix("W/").strip('"')
    if not tag.startswith("v") or not tag[1:].isdigit():
        raise ValidationError.single("If-Match", 'must be an ETag such as "v3"')
    return int(tag[1:])


def allowed_now(desk: Desk, complaint: Complaint, actor: Actor) -> list[str]:
    """Return the triggers ``actor`` may take on ``complaint`` now (guards not run)."""
    handler = desk.handler
    return [
        t
        for t in handler.workflow.allowed_triggers(complaint, roles=actor.roles)
        if handler.access.can(actor, t, complaint)
    ]
