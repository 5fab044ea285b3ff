"""Build the desk's ASGI application."""

from __future__ import annotations

from datetime import timedelta

import jinja2
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from iso10002.clock import Clock
from iso10002.errors import ValidationError
from iso10002.handler import Actor, ComplaintsHandler
from iso10002.web._api import api_routes
from iso10002.web._console import console_routes
from iso10002.web._desk import Desk, root
from iso10002.web._public import public_routes
from iso10002.web._security import (
    Authenticate,
    BodyLimit,
    PasswordUsers,
    RateLimiter,
    SecurityHeaders,
)
from iso10002.web._words import label

__all__ = ["create_app"]

_MIN_SECRET = 32


def create_app(  # noqa: PLR0913 - every setting of the desk, all keyword-only
    handler: ComplaintsHandler,
    *,
    secret_key: str,
    authenticate: Authenticate | None = None,
    users: PasswordUsers | None = None,
    clock: Clock | None = None,
    https_only: bool = True,
    at_risk: timedelta = timedelta(days=2),
    link_max_age: timedelta = timedelta(days=180),
    intake_actor: Actor | None = None,
    login_attempts_per_minute: int = 5,
    intakes_per_hour: int = 20,
    max_body_bytes: int = 1_000_000,
) -> Starlette:
    """Return the complaints desk as an ASGI application.

    It serves the REST API under ``/api`` (OpenAPI at ``/api/openapi.json``),
    the staff console under ``/desk``, the public intake form at
    ``/complain`` and complainants' status pages at ``/status/<token>``.
    Everything goes through ``handler``, so its access policy and redaction
    apply to every request.

    Args:
        handler: The handler every request goes through.
        secret_key: Signs the session cookie and the status links (at least
            32 characters; keep it secret and the same across processes).
        authenticate: The host's hook from a request to an
            :class:`~iso10002.handler.Actor` (``None`` for nobody). When
            given, the desk has no sign-in of its own.
        users: Staff accounts for the desk's own sign-in at ``/login``
            (used when ``authenticate`` is ``None``).
        clock: Where "now" comes from for deadline badges (the system clock).
        https_only: Mark cookies ``Secure`` and send HSTS (turn off only for
            plain HTTP on a developer's machine).
        at_risk: How close a due date is "at risk".
        link_max_age: How long a status link works.
        intake_actor: Who records public intake (``web-form`` with the
            ``intake`` role by default).
        login_attempts_per_minute: Per client address and user name.
        intakes_per_hour: Public complaints per client address.
        max_body_bytes: The largest request body (413 beyond it).

    Returns:
        The Starlette application.

    Raises:
        ValidationError: for a short secret key.

    .. versionadded:: 0.2.0
    """
    if not isinstance(secret_key, str) or len(secret_key) < _MIN_SECRET:
        raise ValidationError.single(
            "secret_key", f"must have at least {_MIN_SECRET} characters"
        )
    desk = Desk(
        handler,
        secret_key=secret_key,
        authenticate=authenticate,
        users=users,
        clock=clock,
        at_risk=at_risk,
        link_max_age=link_max_age,
        intake_actor=intake_actor or Actor("web-form", roles={"intake"}),
        login_limit=RateLimiter(login_attempts_per_minute, 60.0),
        intake_limit=RateLimiter(intakes_per_hour, 3600.0),
    )
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("iso10002.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.globals["label"] = label
    templates = Jinja2Templates(env=environment)

    async def home(request: Request) -> Response:
        where = "/desk" if desk.actor(request) is not None else "/complain"
        return RedirectResponse(root(request) + where, status_code=303)

    routes = [
        Route("/", home),
        *api_routes(desk),
        *console_routes(desk, templates),
        *public_routes(desk, templates),
        Mount(
            "/static",
            StaticFiles(packages=[("iso10002.web", "static")]),
            name="static",
        ),
    ]
    middleware = [
        Middleware(SecurityHeaders, https=https_only),
        Middleware(BodyLimit, limit=max_body_bytes),
        Middleware(
            SessionMiddleware,
            secret_key=secret_key,
            session_cookie="iso10002_session",
            max_age=8 * 3600,
            same_site="strict",
            https_only=https_only,
        ),
    ]
    app = Starlette(routes=routes, middleware=middleware)
    app.state.desk = desk
    return app
