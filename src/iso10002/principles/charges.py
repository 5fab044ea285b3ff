"""Charges (ISO 10002:2018 clause 4.8; 2014 clause 4.6): complaining is free.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import attrs

from iso10002.model import Complaint
from iso10002.principles._base import (
    BasePolicy,
    check_id,
    names,
    to_frozenset,
    to_severity,
)
from iso10002.principles._policy import Finding, FindingSeverity, PolicyContext
from iso10002.principles._principle import Principle

__all__ = ["NoChargeToComplainant"]


def _charged(value: Any) -> bool:
    """Tell whether a recorded fee value is a real charge (non-zero or unparsable)."""
    if value is None or value is False:
        return False
    if isinstance(value, (int, float)):
        return value != 0
    if isinstance(value, str):
        try:
            return float(value) != 0
        except ValueError:
            return bool(value.strip())
    return True


@attrs.frozen(kw_only=True)
class NoChargeToComplainant(BasePolicy):
    """Check that no fee is ever recorded against the complainant for complaining.

    A charge is an event named in ``charge_events``, or any event whose data
    carries a non-zero value under one of ``fee_keys`` (at the top level).

    Args:
        id: The policy id.
        charge_events: Event names that record a charge.
        fee_keys: Event data keys that record a fee.
        severity: Severity of a charge (blocking by default).
        edition: The edition findings are reported under.

    .. versionadded:: 0.1.0
    """

    PRINCIPLE: ClassVar[Principle] = Principle.CHARGES
    SUMMARY: ClassVar[str] = (
        "No fee or charge is recorded against the complainant in the history."
    )

    id: str = attrs.field(default="iso10002.charges.no-fee", validator=check_id)
    charge_events: frozenset[str] = attrs.field(
        default=frozenset({"FeeCharged", "ChargeApplied"}),
        converter=to_frozenset,
        validator=names,
    )
    fee_keys: frozenset[str] = attrs.field(
        default=frozenset({"fee", "charge", "complaint_fee", "handling_fee"}),
        converter=to_frozenset,
        validator=names,
    )
    severity: FindingSeverity = attrs.field(
        default=FindingSeverity.BLOCKING, converter=to_severity
    )

    def evaluate(
        self, complaint: Complaint, context: PolicyContext
    ) -> Sequence[Finding]:
        """Report every event that records a charge.

        Args:
            complaint: The complaint (its history is scanned).
            context: When it carries the ``previous`` version (a guard on a
                step), only the step's new events are scanned: the earlier
                ones were judged when they were recorded, so a step costs the
                same whatever the length of the history.

        Returns:
            One finding per charging event.
        """
        previous = context.previous
        start = 0 if previous is None else previous.version
        return [
            self.finding(
                "fee-recorded",
                self.severity,
                f"Event {event.sequence} ({event.name}) records a charge to the "
                "complainant; complaining must be free of charge.",
                sequence=event.sequence,
                event=event.name,
            )
            for event in complaint.history[start:]
            if event.name in self.charge_events
            or any(_charged(event.data.get(key)) for key in self.fee_keys)
        ]
