"""The complainant's pages: the public intake form and the signed status link."""

from __future__ import annotations

import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from iso10002.communications import complainant_actor
from iso10002.errors import AccessDenied, Iso10002Error, ValidationError
from iso10002.model import Complaint, ComplaintForm, ContactMethod
from iso10002.serialization import from_dict
from iso10002.web._api import allowed_now
from iso10002.web._console import refusal_words
from iso10002.web._desk import Desk, deadline_state, root
from iso10002.web._forms import form_data
from iso10002.web._schema import FormField, form_fields
from iso10002.web._security import check_csrf, csrf_token
from iso10002.web._steps import step_requires, step_sets, take_step
from iso10002.web._words import deadline_words, label

__all__ = ["public_routes"]

_FORM_TEXT = ("name", "email", "phone", "product", "description", "desired_outcome")


def _intake_payload(form: Any) -> dict[str, Any]:
    """Turn the intake form into a ``ComplaintForm`` payload (blank inputs left out)."""
    text = {k: str(form.get(k, "")).strip() for k in _FORM_TEXT}
    # A name may be left blank (an anonymous complaint), never left out.
    complainant: dict[str, Any] = {"name": text["name"] or None}
    complainant.update({k: text[k] for k in ("email", "phone") if text[k]})
    contact = str(form.get("preferred_contact", "")).strip()
    if contact:
        complainant["preferred_contact"] = contact
    payload: dict[str, Any] = {
        "complainant": complainant,
        "description": text["description"],
    }
    if text["desired_outcome"]:
        payload["desired_outcome"] = text["desired_outcome"]
    if text["product"]:
        payload["subject"] = {"product": text["product"]}
    return payload


def _record_fields(fields: list[FormField]) -> list[FormField]:
    # A complainant answers records (their feedback) and gives reasons in
    # words; the staff set outcomes and assignments.
    return [f for f in fields if "." in f.name]


def public_routes(  # noqa: C901, PLR0915 - one closure per page
    desk: Desk, templates: Jinja2Templates
) -> list[Route]:
    """Return the complainant's routes."""
    handler = desk.handler
    definition = handler.workflow.definition

    def page(
        request: Request, name: str, status: int = 200, **context: Any
    ) -> Response:
        context["csrf"] = csrf_token(request)
        context["root"] = root(request)
        context["flash"] = request.session.pop("flash", None)
        context.setdefault("actor", None)
        return templates.TemplateResponse(request, name, context, status_code=status)

    def intake_page(request: Request, status: int = 200, **context: Any) -> Response:
        context.setdefault("values", {})
        context.setdefault("errors", [])
        return page(
            request,
            "intake.html",
            status,
            key=secrets.token_urlsafe(24),
            contacts=[m.value for m in ContactMethod],
            **context,
        )

    async def intake_form(request: Request) -> Response:
        return intake_page(request)

    async def intake(request: Request) -> Response:
        form = await request.form()
        values = {k: str(form.get(k, "")) for k in (*_FORM_TEXT, "preferred_contact")}
        if not check_csrf(request, form.get("csrf")):
            return intake_page(
                request, 403, values=values, errors=["The form expired; send it again."]
            )
        client = request.client.host if request.client else "?"
        if not desk.intake_limit.allow(client):
            return intake_page(
                request,
                429,
                values=values,
                errors=["Too many complaints from here just now; try again later."],
            )
        key = str(form.get("key", ""))[:200] or None
        complaint_id: str
        try:
            complaint_form = from_dict(ComplaintForm, _intake_payload(form))
            stored: Complaint = await desk.call(
                handler.receive,
                complaint_form,
                actor=desk.intake_actor,
                channel="web",
                idempotency_key=key,
            )
            complaint_id = stored.id
        except AccessDenied as denied:
            if denied.complaint_id is None:
                raise
            complaint_id = denied.complaint_id  # sent twice: the same complaint
        except ValidationError as error:
            return intake_page(
                request,
                422,
                values=values,
                errors=[f"{label(p)}: {m}" for p, m in error.problems],
            )
        link = request.url_for("status", token=desk.status_token(complaint_id))
        return page(request, "intake_done.html", link=str(link))

    async def status(request: Request) -> Response:
        token = request.path_params["token"]
        complaint_id = desk.complaint_of(token)
        if complaint_id is None:
            return page(request, "status_gone.html", 404)
        actor = complainant_actor(complaint_id)
        try:
            complaint = await desk.call(handler.get, complaint_id, actor=actor)
        except Iso10002Error:
            return page(request, "status_gone.html", 404)
        now = desk.now()
        steps = [
            (
                t,
                _record_fields(
                    form_fields(
                        step_sets(handler, t), complaint, step_requires(handler, t)
                    )
                ),
            )
            for t in allowed_now(desk, complaint, actor)
        ]
        decision = complaint.decision
        shown = decision if decision and decision.communicated_at else None
        return page(
            request,
            "status.html",
            complaint=complaint,
            state=definition.state(complaint.status)
            if complaint.status in definition.state_names
            else None,
            deadlines=[
                deadline_words(d, deadline_state(d, now, desk.at_risk), now)
                for d in complaint.deadlines
            ],
            decision=shown,
            steps=steps,
            descriptions={s.trigger: s.description for s in definition.steps},
            token=token,
        )

    async def status_step(request: Request) -> Response:
        token = request.path_params["token"]
        trigger = request.path_params["trigger"]
        complaint_id = desk.complaint_of(token)
        if complaint_id is None:
            return page(request, "status_gone.html", 404)
        where = str(request.url_for("status", token=token))
        form = await request.form()
        if not check_csrf(request, form.get("csrf")):
            request.session["flash"] = {"error": ["The form expired; try again."]}
            return RedirectResponse(where, status_code=303)
        actor = complainant_actor(complaint_id)
        try:
            current = await desk.call(handler.get, complaint_id, actor=actor)
            fields = _record_fields(
                form_fields(
                    step_sets(handler, trigger),
                    current,
                    step_requires(handler, trigger),
                )
            )
            reason = str(form.get("reason", "")).strip() or None
            await desk.call(
                take_step,
                handler,
                complaint_id,
                trigger,
                actor=actor,
                now=desk.now(),
                data=form_data(fields, form),
                reason=reason,
            )
        except Iso10002Error as error:
            request.session["flash"] = {"error": refusal_words(error)}
            return RedirectResponse(where, status_code=303)
        request.session["flash"] = {"done": "Thank you: we have recorded it."}
        return RedirectResponse(where, status_code=303)

    return [
        Route("/complain", intake_form, methods=["GET"]),
        Route("/complain", intake, methods=["POST"]),
        Route("/status/{token}", status, name="status"),
        Route("/status/{token}/steps/{trigger}", status_step, methods=["POST"]),
    ]
