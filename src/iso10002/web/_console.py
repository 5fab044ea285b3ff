"""The staff console: sign-in, the work queue and the case page (server-rendered)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from iso10002.errors import AccessDenied, GuardRejected, Iso10002Error, ValidationError
from iso10002.handler import READ_PERSONAL_DATA, Actor
from iso10002.model import Complaint
from iso10002.repositories import Query
from iso10002.web._api import allowed_now
from iso10002.web._desk import Desk, deadline_state, root
from iso10002.web._forms import form_data
from iso10002.web._problems import PROBLEM_TYPES, describe
from iso10002.web._reports import may_export, review_html
from iso10002.web._search import SEARCH_FIELDS, search, search_query
from iso10002.web._security import check_csrf, csrf_token
from iso10002.web._steps import step_form, take_step
from iso10002.web._words import deadline_words, label

__all__ = ["console_routes", "refusal_words"]

_QUEUE_LIMIT = 1000
# The review pack styles its charts inline; it still runs no script.
REVIEW_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)


def refusal_words(error: Iso10002Error) -> list[str]:
    """Return why a step was refused, as sentences for people."""
    if isinstance(error, GuardRejected):
        said = [f.message for f in error.findings if getattr(f, "blocking", True)]
        return [str(m) for m in said] or [str(error)]
    if isinstance(error, ValidationError):
        return [f"{label(p) or 'Input'}: {m}" for p, m in error.problems]
    _kind, detail, _extra = describe(error)
    return [detail[:1].upper() + detail[1:] + "."]


def _next_due(complaint: Complaint) -> datetime | None:
    pending = [d.due_at for d in complaint.deadlines if d.met_at is None]
    return min(pending) if pending else None


def console_routes(  # noqa: C901, PLR0915 - one closure per page
    desk: Desk, templates: Jinja2Templates
) -> list[Route]:
    """Return the console's routes."""
    handler = desk.handler
    definition = handler.workflow.definition
    open_states = tuple(s.name for s in definition.states if not s.terminal)

    def page(
        request: Request, name: str, status: int = 200, **context: Any
    ) -> Response:
        context.setdefault("actor", desk.actor(request))
        context["csrf"] = csrf_token(request)
        context["root"] = root(request)
        who = context["actor"]
        context["may_review"] = who is not None and may_export(desk, who)
        context["may_search"] = who is not None and handler.access.can(
            who, READ_PERSONAL_DATA, None
        )
        context.setdefault("searched", None)
        context["flash"] = request.session.pop("flash", None)
        return templates.TemplateResponse(request, name, context, status_code=status)

    def staff(request: Request) -> Actor | None:
        actor = desk.actor(request)
        return None if actor is None else actor

    async def login_form(request: Request) -> Response:
        return page(request, "login.html", error=None)

    async def login(request: Request) -> Response:
        form = await request.form()
        if not check_csrf(request, form.get("csrf")):
            return page(
                request, "login.html", 403, error="The form expired; try again."
            )
        name = str(form.get("name", ""))[:200]
        password = str(form.get("password", ""))[:1000]
        client = request.client.host if request.client else "?"
        if not desk.login_limit.allow(f"{client}|{name}"):
            return page(
                request, "login.html", 429, error="Too many attempts; wait a minute."
            )
        actor = None if desk.users is None else desk.users.verify(name, password)
        if actor is None:
            return page(request, "login.html", 401, error="Wrong name or password.")
        request.session.clear()  # a new session on sign-in (no fixation)
        request.session["user"] = actor.name
        return RedirectResponse(f"{root(request)}/desk", status_code=303)

    async def logout(request: Request) -> Response:
        form = await request.form()
        if check_csrf(request, form.get("csrf")):
            request.session.clear()
        return RedirectResponse(f"{root(request)}/login", status_code=303)

    async def queue(request: Request) -> Response:
        actor = staff(request)
        if actor is None:
            return RedirectResponse(f"{root(request)}/login", status_code=303)
        try:
            found = await desk.call(_collect, desk, Query(status_in=open_states), actor)
        except Iso10002Error as error:
            return page(request, "error.html", 403, words=refusal_words(error))
        now = desk.now()
        ordered = sorted(
            found, key=lambda c: (_next_due(c) is None, _next_due(c) or now)
        )
        return page(request, "queue.html", rows=_rows(ordered, now), now=now)

    def _rows(
        complaints: list[Complaint], now: datetime
    ) -> list[tuple[Complaint, datetime | None, str | None]]:
        rows = []
        for complaint in complaints:
            states = {deadline_state(d, now, desk.at_risk) for d in complaint.deadlines}
            badge = (
                "breached"
                if states & {"breached", "met_late"}
                else "at_risk"
                if "at_risk" in states
                else "met"
                if states == {"met"}
                else None
            )
            rows.append((complaint, _next_due(complaint), badge))
        return rows

    async def search_page(request: Request) -> Response:
        actor = staff(request)
        if actor is None:
            return RedirectResponse(f"{root(request)}/login", status_code=303)
        words = str(request.query_params.get("q", ""))[:1000]
        by = str(request.query_params.get("by", "text"))
        searched = {"q": words, "by": by}
        try:
            if by not in SEARCH_FIELDS:
                raise ValidationError.single("by", "is not a way to search")
            query, limit = search_query({by: words})
            found = await desk.call(search, handler, query, actor=actor, limit=limit)
        except AccessDenied:
            words_ = ["Searching needs access to personal data."]
            return page(request, "error.html", 403, words=words_)
        except Iso10002Error as error:
            status = PROBLEM_TYPES[describe(error)[0]][0]
            return page(
                request,
                "queue.html",
                status,
                rows=[],
                now=desk.now(),
                searched=searched,
                search_error=refusal_words(error),
            )
        return page(
            request,
            "queue.html",
            rows=_rows(found, desk.now()),
            now=desk.now(),
            searched=searched,
        )

    async def case(request: Request) -> Response:
        actor = staff(request)
        if actor is None:
            return RedirectResponse(f"{root(request)}/login", status_code=303)
        complaint_id = request.path_params["complaint_id"]
        try:
            complaint = await desk.call(handler.get, complaint_id, actor=actor)
        except Iso10002Error as error:
            status = PROBLEM_TYPES[describe(error)[0]][0]
            return page(request, "error.html", status, words=refusal_words(error))
        return _case_page(request, complaint, actor)

    def _case_page(
        request: Request, complaint: Complaint, actor: Actor, status: int = 200
    ) -> Response:
        now = desk.now()
        steps = [
            (t, step_form(handler, t, complaint))
            for t in allowed_now(desk, complaint, actor)
        ]
        deadlines = [
            (d, deadline_state(d, now, desk.at_risk)) for d in complaint.deadlines
        ]
        return page(
            request,
            "case.html",
            status,
            complaint=complaint,
            state=definition.state(complaint.status)
            if complaint.status in definition.state_names
            else None,
            deadlines=[(deadline_words(d, s, now), s) for d, s in deadlines],
            steps=steps,
            descriptions={s.trigger: s.description for s in definition.steps},
        )

    async def step(request: Request) -> Response:
        actor = staff(request)
        if actor is None:
            return RedirectResponse(f"{root(request)}/login", status_code=303)
        complaint_id = request.path_params["complaint_id"]
        trigger = request.path_params["trigger"]
        form = await request.form()
        where = f"{root(request)}/desk/complaints/{complaint_id}"
        if not check_csrf(request, form.get("csrf")):
            request.session["flash"] = {"error": ["The form expired; try again."]}
            return RedirectResponse(where, status_code=303)
        try:
            current = await desk.call(handler.get, complaint_id, actor=actor)
            submitted = form_data(step_form(handler, trigger, current), form)
            takes = handler.step_keywords(trigger)
            version = str(form.get("version", ""))
            reason = str(form.get("reason", "")).strip() or None
            await desk.call(
                take_step,
                handler,
                complaint_id,
                trigger,
                actor=actor,
                now=desk.now(),
                data={k: v for k, v in submitted.items() if k not in takes},
                keywords={k: v for k, v in submitted.items() if k in takes},
                reason=reason,
                if_version=int(version) if version.isdigit() else None,
            )
        except (KeyError, Iso10002Error) as error:
            words = (
                refusal_words(error)
                if isinstance(error, Iso10002Error)
                else [f"{label(trigger)} is not a step of this workflow."]
            )
            request.session["flash"] = {"error": words, "step": trigger}
            return RedirectResponse(where, status_code=303)
        request.session["flash"] = {"done": f"{label(trigger)}: done."}
        return RedirectResponse(where, status_code=303)

    async def review(request: Request) -> Response:
        actor = staff(request)
        if actor is None:
            return RedirectResponse(f"{root(request)}/login", status_code=303)
        if not may_export(desk, actor):
            words = ["The management review is for those who may export complaints."]
            return page(request, "error.html", 403, words=words)
        try:
            html = await desk.call(review_html, desk, actor)
        except ImportError:
            words = ["The management review needs the report extra: iso10002[report]."]
            return page(request, "error.html", 501, words=words)
        return HTMLResponse(html, headers={"Content-Security-Policy": REVIEW_CSP})

    routes = [
        Route("/desk", queue),
        Route("/desk/review", review),
        Route("/desk/search", search_page),
        Route("/desk/complaints/{complaint_id}", case),
        Route(
            "/desk/complaints/{complaint_id}/steps/{trigger}", step, methods=["POST"]
        ),
        Route("/logout", logout, methods=["POST"]),
    ]
    if desk.users is not None:
        routes += [
            Route("/login", login_form, methods=["GET"]),
            Route("/login", login, methods=["POST"]),
        ]
    return routes


def _collect(desk: Desk, query: Query, actor: Actor) -> list[Complaint]:
    found: list[Complaint] = []
    after: str | None = None
    while len(found) < _QUEUE_LIMIT:
        page = desk.handler.find(query, actor=actor, limit=500, after=after)
        found.extend(page.items)
        if page.next_cursor is None or page.next_cursor == after:
            break
        after = page.next_cursor
    return found[:_QUEUE_LIMIT]
