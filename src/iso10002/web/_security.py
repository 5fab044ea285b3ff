"""Who is calling, and the defences every page has.

Authentication belongs to the host: :func:`~iso10002.web.create_app` takes a
callable from request to :class:`~iso10002.handler.Actor`. The standalone
``iso10002 serve`` uses :class:`PasswordUsers` (argon2 hashes) with a signed
session cookie instead. Forms carry a per-session CSRF token, logins and
intake are rate limited, and every response carries the security headers.
"""

from __future__ import annotations

import hmac
import json
import secrets
import threading
import time
from collections import deque
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol

import attrs
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from starlette.requests import HTTPConnection, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from iso10002.errors import ValidationError
from iso10002.handler import Actor

__all__ = [
    "CSP",
    "Authenticate",
    "BodyLimit",
    "PasswordUsers",
    "RateLimiter",
    "SecurityHeaders",
    "check_csrf",
    "csrf_token",
    "hash_password",
]


class Authenticate(Protocol):
    """The host's authentication hook: who is making a request.

    Any callable from a Starlette ``HTTPConnection`` (the request) to an
    :class:`~iso10002.handler.Actor`, or ``None`` for nobody. It runs on the
    event loop for every request, so it must not block (read a header, a
    cookie the host signs, or ``scope["user"]`` set by the host's middleware).

    .. versionadded:: 0.2.0
    """

    def __call__(self, connection: HTTPConnection) -> Actor | None:
        """Return the actor making the request, or ``None``."""
        ...


CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
"""The Content Security Policy of every response: no script at all, nothing remote."""

_HASHER = PasswordHasher()
# Verifying against this when the user is unknown takes as long as a real
# check, so response times do not tell which user names exist.
_DUMMY = _HASHER.hash(secrets.token_hex(16))


def hash_password(password: str) -> str:
    """Return the argon2id hash of ``password`` for a :class:`PasswordUsers` file.

    Raises:
        ValidationError: for a password shorter than 12 characters.

    .. versionadded:: 0.2.0
    """
    if not isinstance(password, str) or len(password) < 12:  # noqa: PLR2004
        raise ValidationError.single("password", "must have at least 12 characters")
    return _HASHER.hash(password)


@attrs.frozen(kw_only=True)
class _User:
    roles: frozenset[str]
    password_hash: str


def _users(value: Any) -> Mapping[str, _User]:
    if not isinstance(value, Mapping):
        raise ValidationError.single("users", "must map user names to accounts")
    found: dict[str, _User] = {}
    problems: list[tuple[str, str]] = []
    for name, entry in value.items():
        roles = entry.get("roles") if isinstance(entry, Mapping) else None
        digest = entry.get("password_hash") if isinstance(entry, Mapping) else None
        if (
            not isinstance(name, str)
            or not name.strip()
            or not isinstance(roles, list)
            or not all(isinstance(r, str) and r for r in roles)
            or not isinstance(digest, str)
            or not digest.startswith("$argon2")
        ):
            problems.append(
                (f"users[{name!r}]", "needs roles (a list) and an argon2 password_hash")
            )
            continue
        found[name] = _User(roles=frozenset(roles), password_hash=digest)
    if problems:
        raise ValidationError(problems)
    return found


@attrs.frozen
class PasswordUsers:
    """Staff accounts of the standalone desk: name, roles and an argon2 hash.

    Args:
        users: User name → ``{"roles": [...], "password_hash": "$argon2id$..."}``.

    Raises:
        ValidationError: naming the user, for a malformed entry.

    .. versionadded:: 0.2.0
    """

    users: Mapping[str, Any] = attrs.field(converter=_users)

    @classmethod
    def from_file(cls, path: str | Path) -> PasswordUsers:
        """Read accounts from a JSON file (the mapping ``users`` takes).

        Raises:
            ValidationError: if the file is not such JSON.
        """
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ValidationError.single("users", f"cannot read: {exc}") from None
        return cls(data)

    def verify(self, name: str, password: str) -> Actor | None:
        """Return the actor when ``password`` is the user's, else ``None``."""
        user = self.users.get(name)
        try:
            _HASHER.verify(user.password_hash if user else _DUMMY, password)
        except (VerificationError, InvalidHashError):
            return None
        return None if user is None else Actor(name, roles=user.roles)

    def actor(self, name: str) -> Actor | None:
        """Return the actor of a signed-in user (``None`` once the account is gone)."""
        user = self.users.get(name)
        return None if user is None else Actor(name, roles=user.roles)


class RateLimiter:
    """Allow at most ``limit`` events per key in a sliding ``window`` of seconds.

    In-process: each process counts on its own (put a proxy's limit in front
    of several processes).
    """

    def __init__(self, limit: int, window: float) -> None:
        """Create a limiter of ``limit`` events per ``window`` seconds."""
        self._limit = limit
        self._window = window
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Count one event for ``key``; tell whether it is within the limit."""
        now = time.monotonic()
        with self._lock:
            if len(self._seen) > 10_000:  # noqa: PLR2004 - bound memory under attack
                self._seen.clear()
            times = self._seen.setdefault(key, deque())
            while times and times[0] <= now - self._window:
                times.popleft()
            if len(times) >= self._limit:
                return False
            times.append(now)
            return True


def csrf_token(request: Request) -> str:
    """Return the session's CSRF token, creating it on first use."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def check_csrf(request: Request, submitted: Any) -> bool:
    """Tell whether a form's token is the session's."""
    token = request.session.get("csrf")
    return (
        isinstance(token, str)
        and isinstance(submitted, str)
        and hmac.compare_digest(token, submitted)
    )


class BodyLimit:
    """ASGI middleware refusing request bodies over ``limit`` bytes with 413.

    Checked on the declared length and again on the bytes received, so a
    chunked upload cannot go past it either.
    """

    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        """Wrap ``app``."""
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, or answer 413."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > self.limit:
            await _too_large(send)
            return
        seen = 0
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        async def receiving() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _BodyTooLarge
            return message

        try:
            await self.app(scope, receiving, sending)
        except _BodyTooLarge:
            if not started:
                await _too_large(send)


class _BodyTooLarge(Exception):
    """A streamed body went past the limit."""


async def _too_large(send: Send) -> None:
    body = b'{"type":"about:blank","title":"Request body too large","status":413}'
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """ASGI middleware adding the security headers to every HTTP response."""

    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        """Wrap ``app``; ``https`` adds Strict-Transport-Security."""
        self.app = app
        headers: list[tuple[bytes, bytes]] = [
            (b"content-security-policy", CSP.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            # Status links carry their token in the path: never send it on.
            (b"referrer-policy", b"no-referrer"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"cross-origin-resource-policy", b"same-origin"),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
        ]
        if https:
            headers.append((b"strict-transport-security", b"max-age=31536000"))
        self._headers = headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Add the headers to the response start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra: Iterable[tuple[bytes, bytes]] = (
                    h for h in self._headers if h[0] not in present
                )
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, sending)
