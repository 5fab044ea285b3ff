"""Frozen value objects that make up a complaint."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import attrs

from iso10002.errors import ValidationError
from iso10002.model._enums import (
    ContactMethod,
    LinkKind,
    Outcome,
    Priority,
    RemedyKind,
    Severity,
)
from iso10002.model._fields import PERSONAL
from iso10002.validators import (
    LONG_TEXT,
    aware,
    instance_of,
    non_negative,
    optional,
    text,
    to_tuple,
    to_utc,
    tuple_of,
)

__all__ = [
    "SATISFACTION_SCALE",
    "Attachment",
    "Classification",
    "Complainant",
    "Decision",
    "DueDate",
    "Link",
    "Remedy",
    "Representative",
    "RootCause",
    "SatisfactionFeedback",
    "Subject",
    "WorkflowRef",
]

SATISFACTION_SCALE = range(1, 6)
"""The fixed satisfaction scale: 1 (very dissatisfied) to 5 (very satisfied)."""

_SHA256 = re.compile(r"[0-9a-f]{64}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
_CURRENCY = re.compile(r"[A-Z]{3}")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")


def _email(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    text()(_inst, attribute, value)
    if not _EMAIL.fullmatch(value):
        raise ValidationError.single(attribute.name, "must be an e-mail address")


def _language(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or not _LANGUAGE.fullmatch(value):
        raise ValidationError.single(
            attribute.name, "must be a language tag such as 'en-GB'"
        )


@attrs.frozen(kw_only=True)
class Representative:
    """Someone acting on the complainant's behalf (a relative, adviser or lawyer).

    .. versionadded:: 0.1.0
    """

    name: str = attrs.field(validator=text(), metadata=PERSONAL)
    relationship: str = attrs.field(validator=text())
    email: str | None = attrs.field(
        default=None, validator=optional(_email), metadata=PERSONAL
    )
    phone: str | None = attrs.field(
        default=None, validator=optional(text()), metadata=PERSONAL
    )


@attrs.frozen(kw_only=True)
class Complainant:
    """The person or organisation making the complaint (personal data).

    An anonymous complainant has no name: ``name=None`` (``name`` must still
    be given, so leaving it out is an error, not anonymity), and
    :attr:`anonymous` is then true; nothing has to be invented for a record
    that has none.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       ``name`` may be ``None``: an anonymous complainant.
    """

    name: str | None = attrs.field(validator=optional(text()), metadata=PERSONAL)
    email: str | None = attrs.field(
        default=None, validator=optional(_email), metadata=PERSONAL
    )
    phone: str | None = attrs.field(
        default=None, validator=optional(text()), metadata=PERSONAL
    )
    postal_address: str | None = attrs.field(
        default=None, validator=optional(text(multiline=True)), metadata=PERSONAL
    )
    customer_reference: str | None = attrs.field(
        default=None, validator=optional(text()), metadata=PERSONAL
    )
    preferred_contact: ContactMethod = attrs.field(
        default=ContactMethod.EMAIL, validator=instance_of(ContactMethod)
    )
    representative: Representative | None = attrs.field(
        default=None, validator=optional(instance_of(Representative)), metadata=PERSONAL
    )
    accessibility_needs: tuple[str, ...] = attrs.field(
        default=(),
        converter=to_tuple,
        validator=tuple_of(str, max_items=20),
        metadata=PERSONAL,
    )
    language: str = attrs.field(default="en", validator=_language)
    vulnerable: bool = attrs.field(
        default=False, validator=instance_of(bool), metadata=PERSONAL
    )

    @property
    def anonymous(self) -> bool:
        """Tell whether the complainant is anonymous (has no name).

        .. versionadded:: 0.2.0
        """
        return self.name is None


@attrs.frozen(kw_only=True)
class Subject:
    """What the complaint is about: product or service, references, place and date.

    ``concerning`` names the staff members or teams complained about, so that
    objectivity checks can keep them away from handling it.

    .. versionadded:: 0.1.0
    """

    product: str | None = attrs.field(default=None, validator=optional(text()))
    service: str | None = attrs.field(default=None, validator=optional(text()))
    references: tuple[str, ...] = attrs.field(
        default=(),
        converter=to_tuple,
        validator=tuple_of(str, max_items=50),
        metadata=PERSONAL,
    )
    location: str | None = attrs.field(default=None, validator=optional(text()))
    incident_date: date | None = attrs.field(
        default=None, validator=optional(instance_of(date))
    )
    concerning: tuple[str, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(str, max_items=50)
    )


def _sha256(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or not _SHA256.fullmatch(value):
        raise ValidationError.single(attribute.name, "must be 64 lowercase hex digits")


@attrs.frozen(kw_only=True)
class Attachment:
    """A reference to a file the complainant supplied; the bytes live elsewhere.

    .. versionadded:: 0.1.0
    """

    name: str = attrs.field(validator=text(max_length=255), metadata=PERSONAL)
    media_type: str = attrs.field(validator=text(max_length=255))
    size: int = attrs.field(validator=non_negative)
    sha256: str = attrs.field(validator=_sha256)
    uri: str = attrs.field(validator=text(max_length=2000), metadata=PERSONAL)


@attrs.frozen(kw_only=True)
class Classification:
    """The result of the initial assessment (ISO 10002 7.5).

    ``subcategory`` is an optional second level under ``category`` (a
    regulator's sub-issue, a helpdesk's sub-type).

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       ``subcategory``.
    """

    category: str = attrs.field(validator=text(max_length=100))
    severity: Severity = attrs.field(
        default=Severity.MEDIUM, validator=instance_of(Severity)
    )
    priority: Priority = attrs.field(
        default=Priority.NORMAL, validator=instance_of(Priority)
    )
    tags: tuple[str, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(str, max_items=50)
    )
    subcategory: str | None = attrs.field(
        default=None, validator=optional(text(max_length=100))
    )


def _amount(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, Decimal):
        raise ValidationError.single(attribute.name, "must be a Decimal")
    if not value.is_finite() or value < 0:
        raise ValidationError.single(
            attribute.name, "must be a finite, non-negative amount"
        )


def _currency(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and (
        not isinstance(value, str) or not _CURRENCY.fullmatch(value)
    ):
        raise ValidationError.single(
            attribute.name, "must be an ISO 4217 code such as 'GBP'"
        )


@attrs.frozen(kw_only=True)
class Remedy:
    """One thing offered to resolve the complaint; money in ``amount`` + ``currency``.

    .. versionadded:: 0.1.0
    """

    kind: RemedyKind = attrs.field(validator=instance_of(RemedyKind))
    description: str = attrs.field(
        default="", validator=text(allow_empty=True, multiline=True)
    )
    amount: Decimal | None = attrs.field(default=None, validator=_amount)
    currency: str | None = attrs.field(default=None, validator=_currency)

    def __attrs_post_init__(self) -> None:
        """Check that money always carries its currency."""
        if (self.amount is None) != (self.currency is None):
            raise ValidationError.single("currency", "amount and currency go together")


@attrs.frozen(kw_only=True)
class Decision:
    """The organisation's response (ISO 10002 7.7) and its communication (7.8).

    ``escalation_route`` states where the complainant can go next (an ombudsman
    or external dispute resolution); ``communicated_at`` is set once the
    decision has been sent.

    .. versionadded:: 0.1.0
    """

    outcome: Outcome = attrs.field(validator=instance_of(Outcome))
    summary: str = attrs.field(validator=text(max_length=LONG_TEXT, multiline=True))
    reasons: str = attrs.field(
        default="",
        validator=text(max_length=LONG_TEXT, allow_empty=True, multiline=True),
    )
    remedies: tuple[Remedy, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(Remedy, max_items=50)
    )
    decided_by: str = attrs.field(validator=text())
    decided_at: datetime = attrs.field(converter=to_utc, validator=aware)
    escalation_route: str | None = attrs.field(
        default=None, validator=optional(text(max_length=2000, multiline=True))
    )
    communicated_at: datetime | None = attrs.field(
        default=None, converter=to_utc, validator=optional(aware)
    )
    communicated_via: ContactMethod | None = attrs.field(
        default=None, validator=optional(instance_of(ContactMethod))
    )


@attrs.frozen(kw_only=True)
class RootCause:
    """Why the problem happened and what is being done about it (8.3, 8.7).

    .. versionadded:: 0.1.0
    """

    category: str = attrs.field(validator=text(max_length=100))
    description: str = attrs.field(
        default="",
        validator=text(max_length=LONG_TEXT, allow_empty=True, multiline=True),
    )
    corrective_action: str | None = attrs.field(
        default=None, validator=optional(text())
    )


@attrs.frozen(kw_only=True)
class SatisfactionFeedback:
    """The complainant's view of how the complaint was handled (ISO 10002 8.4).

    .. versionadded:: 0.1.0
    """

    score: int = attrs.field(validator=instance_of(int))
    received_at: datetime = attrs.field(converter=to_utc, validator=aware)
    comment: str | None = attrs.field(
        default=None,
        validator=optional(text(max_length=LONG_TEXT, multiline=True)),
        metadata=PERSONAL,
    )

    @score.validator
    def _check_score(self, attribute: attrs.Attribute[int], value: int) -> None:
        if value not in SATISFACTION_SCALE:
            raise ValidationError.single(attribute.name, "must be on the scale 1 to 5")


@attrs.frozen(kw_only=True)
class DueDate:
    """When a step is due and when it was met: a projection kept for indexing.

    ``paused`` is true while the step's clock is stopped (the complaint waits
    for the complainant); ``due_at`` then assumes the clock restarts at the
    last recorded event, so it only moves later.

    .. versionadded:: 0.1.0
    """

    step: str = attrs.field(validator=text(max_length=100))
    due_at: datetime = attrs.field(converter=to_utc, validator=aware)
    met_at: datetime | None = attrs.field(
        default=None, converter=to_utc, validator=optional(aware)
    )
    paused: bool = attrs.field(default=False, validator=instance_of(bool))


@attrs.frozen(kw_only=True)
class Link:
    """A relation from this complaint to another one.

    .. versionadded:: 0.1.0
    """

    kind: LinkKind = attrs.field(validator=instance_of(LinkKind))
    complaint_id: str = attrs.field(validator=text(max_length=64))


@attrs.frozen(kw_only=True)
class WorkflowRef:
    """The workflow definition, by name and version, that a complaint runs under.

    .. versionadded:: 0.1.0
    """

    name: str = attrs.field(default="iso10002.standard", validator=text(max_length=100))
    version: int = attrs.field(default=1, validator=non_negative)
