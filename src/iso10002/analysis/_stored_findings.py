"""The default policies' findings as rows a store keeps per complaint (push-down).

The review pack evaluates the ISO 10002:2018 policy set on each complaint as
it stands, with ``now`` the review instant and no organisation profile. What
a policy finds then depends on the stored complaint alone, except for four
policies that compare instants with ``now``: a due date passed while open
(``AcknowledgedOnTime``, ``DeadlinesMet``), the current silence
(``KeptInformed``) and events dated after now (``HistoryConsistent``). So
each finding is stored once, when the complaint is saved, with the range of
review instants it holds in and, for the last two, how the number in its
message follows from the instant. Organisation-level policies
(``SCOPE = "organisation"``) find the same for every complaint: they are not
stored but evaluated once per review.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, NamedTuple

from iso10002.errors import ValidationError
from iso10002.model import Complaint
from iso10002.principles import (
    DEFAULT_KEEP_INFORMED_INTERVAL,
    Edition,
    Finding,
    Policy,
    PolicyContext,
    PolicyRegistry,
    policies_for,
)
from iso10002.principles.information_integrity import HistoryConsistent
from iso10002.principles.responsiveness import AcknowledgedOnTime, KeptInformed
from iso10002.principles.timeliness import DeadlinesMet

__all__ = [
    "STORED_FINDINGS_RULES",
    "STORED_POLICIES",
    "StoredFinding",
    "finding_holds",
    "finding_message",
    "is_organisation_policy",
    "stored_findings",
]

STORED_POLICIES: PolicyRegistry = policies_for(Edition.ISO_10002_2018)
"""The policy set whose findings stores keep: ``policies_for("iso10002:2018")``."""

STORED_FINDINGS_RULES = 1
"""The version of what :func:`stored_findings` finds.

Bump it whenever a default policy (or this module) changes what it finds:
a SQL store opened with another stamp marks every complaint's stored
findings stale, so they are evaluated again before they are next counted.

.. versionadded:: 0.3.0
"""

_PAST = datetime(1, 1, 2, tzinfo=timezone.utc)
_FUTURE = datetime(9999, 1, 1, tzinfo=timezone.utc)
_TICK = timedelta(microseconds=1)
_DAY_US = 86_400_000_000


class StoredFinding(NamedTuple):
    """One finding a store keeps for a complaint, and when it holds.

    It holds at a review instant ``as_of`` when ``holds_from`` (if any) is at
    or before ``as_of`` and ``holds_until`` (if any) at or after it. Its
    message is ``message`` when ``tail`` is ``None``; else ``message``, a
    number and ``tail``, the number being the whole days from ``since`` to
    ``as_of`` when ``since`` is set, else how many of ``instants`` are after
    ``as_of``.

    .. versionadded:: 0.3.0
    """

    policy_id: str
    principle: str
    clause: str
    code: str
    severity: str
    message: str
    tail: str | None = None
    holds_from: datetime | None = None
    holds_until: datetime | None = None
    since: datetime | None = None
    instants: tuple[datetime, ...] = ()


def finding_holds(row: StoredFinding, as_of: datetime) -> bool:
    """Tell whether ``row`` holds at the review instant ``as_of``.

    .. versionadded:: 0.3.0
    """
    return (row.holds_from is None or row.holds_from <= as_of) and (
        row.holds_until is None or as_of <= row.holds_until
    )


def finding_message(row: StoredFinding, as_of: datetime) -> str:
    """Return the message of ``row`` at the review instant ``as_of``.

    .. versionadded:: 0.3.0
    """
    if row.tail is None:
        return row.message
    if row.since is not None:
        number = (as_of - row.since).days
    else:
        number = sum(at > as_of for at in row.instants)
    return f"{row.message}{number}{row.tail}"


def is_organisation_policy(policy: Policy) -> bool:
    """Tell whether ``policy`` checks the organisation, not the complaint.

    .. versionadded:: 0.3.0
    """
    return getattr(policy, "SCOPE", "complaint") == "organisation"


def _row(finding: Finding, **when: Any) -> StoredFinding:
    return StoredFinding(
        finding.policy_id,
        finding.principle,
        finding.clause,
        finding.code,
        finding.severity.value,
        finding.message,
    )._replace(**when)


def _less(found: list[Finding], common: list[Finding]) -> list[Finding]:
    """Return ``found`` without one copy of each finding of ``common``."""
    rest = list(found)
    for finding in common:
        if finding in rest:
            rest.remove(finding)
    return rest


def _split(message: str, number: int) -> tuple[str, str]:
    text = str(number)
    at = message.find(text)
    if at < 0:  # pragma: no cover - the policies put the number in the message
        msg = f"cannot find {text} in {message!r}"
        raise ValidationError.single("message", msg)
    return message[:at], message[at + len(text) :]


def _timed(
    policy: Policy, complaint: Complaint, past: list[Finding], future: list[Finding]
) -> list[StoredFinding]:
    """Return the rows of a policy that compares instants with ``now``."""
    if isinstance(policy, HistoryConsistent):
        rows = [_row(f) for f in future]
        events = tuple(e.at for e in complaint.history)
        for finding in _less(past, future):
            head, tail = _split(finding.message, len(events))
            rows.append(
                _row(
                    finding,
                    message=head,
                    tail=tail,
                    holds_until=max(events) - _TICK,
                    instants=events,
                )
            )
        return rows
    rows = [_row(f) for f in past]
    for finding in _less(future, past):
        evidence = finding.evidence
        if isinstance(policy, KeptInformed):
            since = datetime.fromisoformat(str(evidence["silent_from"]))
            limit = policy.interval or DEFAULT_KEEP_INFORMED_INTERVAL
            head, tail = _split(finding.message, (_FUTURE - since).days)
            rows.append(
                _row(
                    finding,
                    message=head,
                    tail=tail,
                    holds_from=since + limit + _TICK,
                    since=since,
                )
            )
        else:  # a due date passed while the complaint is open: overdue
            due = datetime.fromisoformat(str(evidence["due_at"]))
            rows.append(_row(finding, holds_from=due + _TICK))
    return rows


_TIMED = (AcknowledgedOnTime, DeadlinesMet, KeptInformed, HistoryConsistent)


def stored_findings(complaint: Complaint) -> tuple[StoredFinding, ...]:
    """Return the rows a store keeps for ``complaint`` (see the module doc).

    Evaluates :data:`STORED_POLICIES` without an organisation profile: at
    any review instant ``as_of``, the rows that hold there
    (:func:`finding_holds`), with their messages at ``as_of``
    (:func:`finding_message`), are exactly what the complaint-level policies
    find with ``PolicyContext(now=as_of)``.

    Raises:
        ValidationError: if ``complaint`` is not a :class:`Complaint`.

    .. versionadded:: 0.3.0
    """
    if not isinstance(complaint, Complaint):
        raise ValidationError.single("complaint", "must be a Complaint")
    rows: list[StoredFinding] = []
    static = PolicyContext(now=complaint.received_at)
    for policy in STORED_POLICIES.values():
        if is_organisation_policy(policy):
            continue
        if isinstance(policy, _TIMED):
            past = list(policy.evaluate(complaint, PolicyContext(now=_PAST)))
            future = list(policy.evaluate(complaint, PolicyContext(now=_FUTURE)))
            rows.extend(_timed(policy, complaint, past, future))
        else:
            rows.extend(_row(f) for f in policy.evaluate(complaint, static))
    return tuple(rows)
