"""Library errors as RFC 9457 problem details (``application/problem+json``)."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

from iso10002.errors import (
    AccessDenied,
    ConflictError,
    DuplicateError,
    GuardRejected,
    InvalidWorkflowDefinition,
    Iso10002Error,
    NotFoundError,
    TransitionNotAllowed,
    ValidationError,
)
from iso10002.web._search import SearchUnavailable
from iso10002.web._steps import PreconditionFailed

__all__ = ["PROBLEM_TYPES", "describe", "problem", "problem_for"]

_BASE = "https://iso10002.invalid/problems/"
PROBLEM_TYPES: dict[str, tuple[int, str]] = {
    "validation": (422, "The input is not valid"),
    "access-denied": (403, "Not allowed"),
    "not-found": (404, "Not found"),
    "transition-not-allowed": (409, "This step is not allowed now"),
    "guard-rejected": (409, "A guiding principle blocks this step"),
    "conflict": (409, "The complaint changed at the same time"),
    "duplicate": (409, "Already used"),
    "precondition-failed": (412, "The complaint changed since you read it"),
    "unauthenticated": (401, "Sign in first"),
    "unsupported-media-type": (415, "Send JSON"),
    "too-many-requests": (429, "Too many requests"),
    "not-acceptable": (406, "Not acceptable"),
    "not-implemented": (501, "Not available here"),
}
"""Problem type slug → HTTP status and title."""


def problem(kind: str, detail: str, **extra: Any) -> JSONResponse:
    """Return a problem details response of type ``kind``."""
    status, title = PROBLEM_TYPES[kind]
    body = {
        "type": _BASE + kind,
        "title": title,
        "status": status,
        "detail": detail,
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


def describe(  # noqa: PLR0911 - one answer per error class
    error: Iso10002Error,
) -> tuple[str, str, dict[str, Any]]:
    """Return the problem type, the detail and the extra members for ``error``.

    Messages are the library's own, which name ids, fields and states but
    never personal data.

    Raises:
        Iso10002Error: ``error`` itself when it has no HTTP meaning (a bug
            or damaged storage: a 500 the server logs).
    """
    if isinstance(error, (ValidationError, InvalidWorkflowDefinition)):
        errors = [{"field": path, "message": msg} for path, msg in error.problems]
        detail = "; ".join(f"{p}: {m}" if p else m for p, m in error.problems)
        return "validation", detail, {"errors": errors}
    if isinstance(error, AccessDenied):
        return "access-denied", f"you may not {error.action}", {}
    if isinstance(error, NotFoundError):
        return "not-found", "no such complaint", {}
    if isinstance(error, GuardRejected):
        findings = [
            {
                "policy_id": f.policy_id,
                "clause": f.clause,
                "code": f.code,
                "message": f.message,
                "blocking": bool(getattr(f, "blocking", True)),
            }
            for f in error.findings
            if hasattr(f, "policy_id")
        ]
        said = [str(f["message"]) for f in findings if f["blocking"]]
        detail = " ".join(said) or str(error)
        extra = {"trigger": error.trigger, "state": error.state, "findings": findings}
        return "guard-rejected", detail, extra
    if isinstance(error, TransitionNotAllowed):
        return (
            "transition-not-allowed",
            f"{error.trigger!r} is not allowed in state {error.state!r}",
            {
                "trigger": error.trigger,
                "state": error.state,
                "allowed": list(error.allowed),
            },
        )
    if isinstance(error, ConflictError):
        return "conflict", "another change was saved first; reload and retry", {}
    if isinstance(error, DuplicateError):
        return "duplicate", "this idempotency key was used for another form", {}
    if isinstance(error, PreconditionFailed):
        detail = (
            f"the complaint changed since you read it (version {error.expected}, "
            f"now {error.actual}); reload it and try again"
        )
        return "precondition-failed", detail, {"current_version": error.actual}
    if isinstance(error, SearchUnavailable):
        return "not-implemented", f"search is not available: {error}", {}
    raise error


def problem_for(error: Iso10002Error) -> JSONResponse:
    """Return the problem details response for a library error (:func:`describe`)."""
    kind, detail, extra = describe(error)
    return problem(kind, detail, **extra)
