"""The pieces of one unit of work: configuration checks, stores, results."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from iso10002.errors import ValidationError
from iso10002.handler._store import CheckpointStore, InMemoryHandlerStore, SequenceStore
from iso10002.model import Complaint
from iso10002.principles import Policy, PolicyRegistry
from iso10002.repositories import ComplaintRepository, InMemoryComplaintRepository
from iso10002.workflow import Transitioned

__all__ = [
    "HandlerStore",
    "StepData",
    "StepResult",
    "default_store",
]

StepData = Mapping[str, Any] | Callable[[Complaint, datetime], Mapping[str, Any]] | None
"""Step data: a mapping, or a function of the current complaint and the instant."""


@runtime_checkable
class HandlerStore(CheckpointStore, SequenceStore, Protocol):
    """A store of subscriber positions and reference counters (both protocols).

    .. versionadded:: 0.1.0
    """


StepResult = Transitioned
"""What one handler step did: the one result type of every step.

``complaint`` is the new version, redacted for the actor who called;
``events`` the history events the call appended and committed; ``findings``
the non-blocking findings the guard policies returned. ``fire``, ``step``,
every named step (``acknowledge``, ``decide`` …) and the notes and
correspondence calls return it.

.. versionadded:: 0.1.0
.. versionchanged:: 0.2.0
   An alias of :class:`~iso10002.workflow.Transitioned` (the same triple);
   the named steps return it too (they returned the bare complaint).
"""


def check_policies(policies: Any) -> Iterable[Policy] | Mapping[str, Policy]:
    """Return ``policies`` if it is a registry, a mapping or an iterable of policies."""
    if isinstance(policies, (Mapping, PolicyRegistry)):
        return policies
    if isinstance(policies, Iterable) and not isinstance(policies, (str, bytes)):
        return tuple(policies)
    raise ValidationError.single("policies", "must be a PolicyRegistry or policies")


def default_store(repository: ComplaintRepository) -> HandlerStore:
    """Pick a store kept with ``repository``'s data, when the adapter is known.

    Raises:
        ValidationError: naming ``store`` when the adapter's data cannot be
            reached through a public accessor (pass a store explicitly).
    """
    if isinstance(repository, InMemoryComplaintRepository):
        return InMemoryHandlerStore()
    path = getattr(repository, "path", None)
    if path == ":memory:":
        return InMemoryHandlerStore()
    if isinstance(path, str):
        from iso10002.handler.sqlite import SQLiteHandlerStore  # noqa: PLC0415

        return SQLiteHandlerStore(path)
    raise ValidationError.single(
        "store",
        "is required for this repository: pass a store kept in the same database, "
        "e.g. PostgresHandlerStore(dsn, schema=...) from iso10002.handler.postgres",
    )
