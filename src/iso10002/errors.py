"""Every error the library raises.

All errors derive from :class:`Iso10002Error` and also from the builtin that matches
their meaning, so ``except ValueError`` and ``except LookupError`` keep working in
host applications that do not know this library::

    Iso10002Error
    ├── ValidationError (ValueError)          bad input, with every (path, message)
    ├── WorkflowError
    │   ├── TransitionNotAllowed              unknown trigger, wrong state, wrong role
    │   ├── GuardRejected                     a policy returned a blocking finding
    │   └── InvalidWorkflowDefinition (ValueError)  every problem of a definition
    ├── RepositoryError
    │   ├── NotFoundError (LookupError)       no complaint with that id
    │   ├── ConflictError                     another writer saved first
    │   ├── DuplicateError                    same id or idempotency key again
    │   └── IntegrityError                    stored data is malformed or tampered
    └── AccessDenied (PermissionError)        an actor may not do this

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

__all__ = [
    "AccessDenied",
    "ConflictError",
    "DuplicateError",
    "GuardRejected",
    "IntegrityError",
    "InvalidWorkflowDefinition",
    "Iso10002Error",
    "NotFoundError",
    "Problem",
    "RepositoryError",
    "TransitionNotAllowed",
    "ValidationError",
    "WorkflowError",
]

Problem = tuple[str, str]
"""A ``(path, message)`` pair: where in the input, and what is wrong there."""


def _format_problems(problems: Sequence[Problem]) -> str:
    return "; ".join(
        f"{path}: {message}" if path else message for path, message in problems
    )


class Iso10002Error(Exception):
    """Root of every error raised by iso10002.

    .. versionadded:: 0.1.0
    """


class ValidationError(Iso10002Error, ValueError):
    """Input does not satisfy the model; lists every problem found.

    Args:
        problems: ``(path, message)`` pairs; the path uses dots and ``[i]`` for
            positions, e.g. ``complainant.email`` or ``history[2].at``.

    Attributes:
        problems: The ``(path, message)`` pairs, in the order they were found.
        field: The path of the first problem (convenient when there is one).

    .. versionadded:: 0.1.0
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        """Create the error from its problems (at least one)."""
        self.problems: tuple[Problem, ...] = tuple(problems) or (("", "invalid"),)
        self.field: str = self.problems[0][0]
        super().__init__(_format_problems(self.problems))

    @classmethod
    def single(cls, field: str, message: str) -> ValidationError:
        """Build an error with one problem at ``field``.

        Args:
            field: Path of the offending field.
            message: What is wrong with it.

        Returns:
            The error, ready to raise.
        """
        return cls([(field, message)])

    def prefixed(self, prefix: str) -> ValidationError:
        """Return a copy whose paths are nested under ``prefix``.

        Args:
            prefix: Path of the containing value, e.g. ``complainant``.

        Returns:
            A new error with every path prefixed.
        """
        if not prefix:
            return ValidationError(self.problems)
        return ValidationError(
            (
                f"{prefix}.{path}"
                if path and not path.startswith("[")
                else f"{prefix}{path}",
                msg,
            )
            for path, msg in self.problems
        )


class WorkflowError(Iso10002Error):
    """A workflow refused a step or a definition is invalid.

    .. versionadded:: 0.1.0
    """


class TransitionNotAllowed(WorkflowError):
    """The trigger cannot fire: unknown, wrong state, or the actor lacks a role.

    Attributes:
        trigger: The trigger that was fired.
        state: The state the complaint was in.
        allowed: The triggers that could fire from that state.
        complaint_id: The complaint concerned, when known.

    .. versionadded:: 0.1.0
    """

    def __init__(
        self,
        message: str,
        *,
        trigger: str,
        state: str,
        allowed: Sequence[str] = (),
        complaint_id: str | None = None,
    ) -> None:
        """Create the error with what was attempted and what was possible."""
        super().__init__(message)
        self.trigger = trigger
        self.state = state
        self.allowed = tuple(allowed)
        self.complaint_id = complaint_id


class GuardRejected(WorkflowError):
    """A guard policy returned at least one blocking finding.

    Attributes:
        trigger: The trigger that was fired.
        state: The state the complaint was in.
        findings: Every finding the guards returned (blocking and others).
        complaint_id: The complaint concerned, when known.

    .. versionadded:: 0.1.0
    """

    def __init__(
        self,
        message: str,
        *,
        trigger: str,
        state: str,
        findings: Sequence[Any] = (),
        complaint_id: str | None = None,
    ) -> None:
        """Create the error with the findings that blocked the step."""
        super().__init__(message)
        self.trigger = trigger
        self.state = state
        self.findings = tuple(findings)
        self.complaint_id = complaint_id


class InvalidWorkflowDefinition(WorkflowError, ValueError):
    """A workflow definition has one or more problems; all are listed.

    Attributes:
        problems: ``(path, message)`` pairs, one per problem.

    .. versionadded:: 0.1.0
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        """Create the error from every problem found."""
        self.problems: tuple[Problem, ...] = tuple(problems) or (("", "invalid"),)
        super().__init__(_format_problems(self.problems))


class RepositoryError(Iso10002Error):
    """Storage failed or refused an operation.

    .. versionadded:: 0.1.0
    """


class NotFoundError(RepositoryError, LookupError):
    """No complaint with that id is stored.

    Attributes:
        complaint_id: The id that was looked up.

    .. versionadded:: 0.1.0
    """

    def __init__(self, complaint_id: str, message: str | None = None) -> None:
        """Create the error for ``complaint_id``."""
        super().__init__(message or f"no complaint with id {complaint_id!r}")
        self.complaint_id = complaint_id


class ConflictError(RepositoryError):
    """Another writer saved a newer version first (optimistic concurrency).

    Attributes:
        complaint_id: The complaint concerned.
        expected_version: The version the caller based its change on.
        actual_version: The version found in storage, when known.

    .. versionadded:: 0.1.0
    """

    def __init__(
        self,
        complaint_id: str,
        *,
        expected_version: int,
        actual_version: int | None = None,
    ) -> None:
        """Create the error with both versions."""
        found = "unknown" if actual_version is None else str(actual_version)
        super().__init__(
            f"complaint {complaint_id!r} changed concurrently: expected version "
            f"{expected_version}, found {found}"
        )
        self.complaint_id = complaint_id
        self.expected_version = expected_version
        self.actual_version = actual_version


class DuplicateError(RepositoryError):
    """A complaint with the same id or idempotency key is already stored.

    Attributes:
        complaint_id: The id of the complaint already stored.
        idempotency_key: The key that matched, if that was the cause.
        payload_digest: The digest of the payload stored with that key
            (``None`` when none was stored, or it was erased).
        different_payload: ``True`` when the key was re-used for a different
            payload (the handler's verdict; adapters leave it ``False``).

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       ``payload_digest`` and ``different_payload``.
    """

    def __init__(
        self,
        complaint_id: str,
        *,
        idempotency_key: str | None = None,
        payload_digest: str | None = None,
        different_payload: bool = False,
    ) -> None:
        """Create the error naming the stored complaint."""
        why = f"idempotency key {idempotency_key!r}" if idempotency_key else "id"
        if different_payload:
            message = (
                f"{why} already used for complaint {complaint_id!r} "
                "with a different payload"
            )
        else:
            message = f"complaint {complaint_id!r} already stored (same {why})"
        super().__init__(message)
        self.complaint_id = complaint_id
        self.idempotency_key = idempotency_key
        self.payload_digest = payload_digest
        self.different_payload = different_payload


class IntegrityError(RepositoryError):
    """Stored data is malformed, inconsistent or has been tampered with.

    Attributes:
        complaint_id: The complaint concerned, when known.

    .. versionadded:: 0.1.0
    """

    def __init__(self, message: str, *, complaint_id: str | None = None) -> None:
        """Create the error for ``complaint_id``."""
        super().__init__(message)
        self.complaint_id = complaint_id


class AccessDenied(Iso10002Error, PermissionError):
    """The actor may not perform this action on this complaint.

    Attributes:
        actor: The actor that asked.
        action: The action refused.
        complaint_id: The complaint concerned, when known.

    .. versionadded:: 0.1.0
    """

    def __init__(
        self, actor: str, action: str, complaint_id: str | None = None
    ) -> None:
        """Create the error for ``actor`` attempting ``action``."""
        target = f" on complaint {complaint_id!r}" if complaint_id else ""
        super().__init__(f"{actor!r} may not {action}{target}")
        self.actor = actor
        self.action = action
        self.complaint_id = complaint_id
