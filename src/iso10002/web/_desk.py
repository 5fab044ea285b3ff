"""What every part of the desk shares: the handler, the clock, who is calling."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection

from iso10002.clock import Clock, SystemClock
from iso10002.handler import Actor, ComplaintsHandler
from iso10002.model import Complaint, DueDate
from iso10002.web._security import Authenticate, PasswordUsers, RateLimiter

__all__ = [
    "Desk",
    "deadline_state",
    "root",
]


def root(request: HTTPConnection) -> str:
    """Return the path the desk is mounted at (empty at the top of a site)."""
    return str(request.scope.get("root_path", "")).rstrip("/")


def deadline_state(due: DueDate, now: datetime, at_risk: timedelta) -> str:
    """Return met, met_late, paused, breached, at_risk or pending."""
    if due.met_at is not None:
        return "met_late" if due.met_at > due.due_at else "met"
    if due.due_at < now:
        return "breached"
    if due.paused:
        return "paused"
    if due.due_at - now <= at_risk:
        return "at_risk"
    return "pending"


class Desk:
    """The configuration one desk application runs with (see ``create_app``)."""

    def __init__(  # noqa: PLR0913 - every setting of create_app
        self,
        handler: ComplaintsHandler,
        *,
        secret_key: str,
        authenticate: Authenticate | None,
        users: PasswordUsers | None,
        clock: Clock | None,
        at_risk: timedelta,
        link_max_age: timedelta,
        intake_actor: Actor,
        login_limit: RateLimiter,
        intake_limit: RateLimiter,
    ) -> None:
        """Keep the settings."""
        self.handler = handler
        self.authenticate = authenticate
        self.users = users
        self.clock: Clock = clock or SystemClock()
        self.at_risk = at_risk
        self.link_max_age = link_max_age
        self.intake_actor = intake_actor
        self.login_limit = login_limit
        self.intake_limit = intake_limit
        self._links = URLSafeTimedSerializer(secret_key, salt="iso10002.web.status")

    def now(self) -> datetime:
        """Return the desk clock's instant."""
        return self.clock.now()

    def actor(self, connection: HTTPConnection) -> Actor | None:
        """Return who is calling: the host's hook, else the signed-in user."""
        if self.authenticate is not None:
            return self.authenticate(connection)
        if self.users is None or "session" not in connection.scope:
            return None
        name = connection.session.get("user")
        return self.users.actor(name) if isinstance(name, str) else None

    def status_token(self, complaint_id: str) -> str:
        """Return the signed token of a complaint's status link."""
        return self._links.dumps({"c": complaint_id})

    def complaint_of(self, token: str) -> str | None:
        """Return the complaint id a status token names (``None``: bad or expired)."""
        try:
            data = self._links.loads(
                token, max_age=int(self.link_max_age.total_seconds())
            )
        except (BadSignature, SignatureExpired):
            return None
        found = data.get("c") if isinstance(data, dict) else None
        return found if isinstance(found, str) else None

    async def call(self, function: Any, *args: Any, **kwargs: Any) -> Any:
        """Run a blocking handler call off the event loop."""
        return await run_in_threadpool(function, *args, **kwargs)

    def view(self, complaint: Complaint) -> dict[str, Any]:
        """Return what pages show of each deadline, judged now."""
        now = self.now()
        return {
            "deadlines": [
                (d, deadline_state(d, now, self.at_risk)) for d in complaint.deadlines
            ]
        }
