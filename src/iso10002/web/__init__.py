"""An optional complaints desk on ASGI: REST API, staff console and complainant pages.

Install the ``web`` extra (Starlette, uvicorn, Jinja2, itsdangerous,
argon2-cffi, python-multipart). :func:`create_app` builds the application
around a :class:`~iso10002.ComplaintsHandler`; it uses only the library's
public API, so it is also the reference for hosts that embed the library in
their own framework. ``iso10002 serve`` runs it.

.. versionadded:: 0.2.0
"""

from __future__ import annotations

from iso10002._publish import publish
from iso10002.web._access import COMPLAINANT_STEPS, complainant_access
from iso10002.web._app import create_app
from iso10002.web._security import CSP, Authenticate, PasswordUsers, hash_password

__all__ = [
    "COMPLAINANT_STEPS",
    "CSP",
    "Authenticate",
    "PasswordUsers",
    "complainant_access",
    "create_app",
    "hash_password",
]

publish(globals())
