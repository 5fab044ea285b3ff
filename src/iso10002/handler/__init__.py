"""The complaints handler: the facade a host application calls (ISO 10002 clause 7).

:class:`ComplaintsHandler` runs each clause-7 step as one unit of work over a
repository, a workflow and the guiding-principle policies; :class:`Actor` and
an :class:`AccessPolicy` decide who may do what, :func:`redact` hides the
personal data an actor may not see, and :func:`dispatch_pending` delivers
committed events to a subscriber durably, at least once and in order, from a
position kept in a :class:`CheckpointStore` next to the complaints
(:mod:`iso10002.handler.sqlite`, :mod:`iso10002.handler.postgres`).

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from iso10002._publish import publish
from iso10002.handler._access import (
    ALL_ACTIONS,
    ALL_STEPS,
    DEFAULT_GRANTS,
    ERASE,
    EXPORT,
    EXPORT_PERSONAL_DATA,
    READ,
    READ_PERSONAL_DATA,
    RECEIVE,
    SWEEP_RETENTION,
    AccessPolicy,
    RoleBasedAccess,
)
from iso10002.handler._actor import Actor
from iso10002.handler._core import DEFAULT_MAX_RETRIES
from iso10002.handler._correspondence import RECORD_CORRESPONDENCE, RECORD_DELIVERY
from iso10002.handler._handler import ComplaintsHandler
from iso10002.handler._notify import Notification, Subscriber, dispatch_pending
from iso10002.handler._redact import REDACTED, redact
from iso10002.handler._retention import (
    RETENTION_PERIODS,
    RetentionReport,
    retention_period,
)
from iso10002.handler._store import CheckpointStore, InMemoryHandlerStore, SequenceStore
from iso10002.handler._unit import HandlerStore, StepResult

__all__ = [
    "ALL_ACTIONS",
    "ALL_STEPS",
    "DEFAULT_GRANTS",
    "DEFAULT_MAX_RETRIES",
    "ERASE",
    "EXPORT",
    "EXPORT_PERSONAL_DATA",
    "READ",
    "READ_PERSONAL_DATA",
    "RECEIVE",
    "RECORD_CORRESPONDENCE",
    "RECORD_DELIVERY",
    "REDACTED",
    "RETENTION_PERIODS",
    "SWEEP_RETENTION",
    "AccessPolicy",
    "Actor",
    "CheckpointStore",
    "ComplaintsHandler",
    "HandlerStore",
    "InMemoryHandlerStore",
    "Notification",
    "RetentionReport",
    "RoleBasedAccess",
    "SequenceStore",
    "StepResult",
    "Subscriber",
    "dispatch_pending",
    "redact",
    "retention_period",
]

publish(globals())
