"""Mandatory slots: the content a regulator requires in a letter, per pack and kind.

A slot is one piece of required content (the ombudsman referral right, the
six-month limit, the AFCA contact details …) with the rule that requires it
and the values it is made from. A template renders it with
``{{ slot("name") }}``; :class:`~iso10002.communications.Letters` refuses a
letter whose template leaves out a slot its pack requires, or whose values
lack what a slot needs, naming the slot.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from iso10002.errors import ValidationError

__all__ = [
    "FCA_OMBUDSMAN_WEBSITE",
    "LETTER_KINDS",
    "MANDATORY_SLOTS",
    "SLOTS",
    "MissingSlotError",
    "Slot",
    "mandatory_slots",
]

LETTER_KINDS = (
    "acknowledgement",
    "holding_response",
    "information_request",
    "final_response",
    "summary_resolution",
    "satisfaction_survey",
    "progress_update",
)
"""The letters shipped, each a template of the same name."""

FCA_OMBUDSMAN_WEBSITE = "www.financial-ombudsman.org.uk"
"""The Financial Ombudsman Service's website (DISP 1.6.2R(2)(d), DISP 1 Annex 3R)."""
AFCA_CONTACT = (
    "Australian Financial Complaints Authority (AFCA), website www.afca.org.au, "
    "e-mail info@afca.org.au, telephone 1800 931 678 (free call), "
    "GPO Box 3, Melbourne VIC 3001"
)


class MissingSlotError(ValidationError):
    """A letter lacks content its pack requires; ``slot`` names it.

    Attributes:
        slot: The mandatory slot's name.

    .. versionadded:: 0.2.0
    """

    def __init__(self, slot: str, message: str) -> None:
        """Build the error for ``slot``."""
        super().__init__([(f"slot.{slot}", message)])
        self.slot = slot


def _N(message: str) -> str:  # noqa: N802 - the gettext marker for extraction
    return message


Translate = Callable[[str], str]
Format = Callable[[str, Any], str]


@attrs.frozen(kw_only=True)
class Slot:
    """One piece of content a rule requires in a letter.

    Attributes:
        name: The slot's name, as templates call it.
        rule: The rule requiring it, e.g. ``"DISP 1.6.2R(1)(c)"``.
        needs: The values it is made from (each must be given or derived).
        message: The English text (a catalogue message id) with
            ``%(value)s`` placeholders; ``message_if_false`` for a boolean
            value that is false.

    .. versionadded:: 0.2.0
    """

    name: str
    rule: str
    needs: tuple[str, ...] = ()
    message: str = "%(value)s"
    message_if_false: str | None = None

    def render(self, values: Mapping[str, Any], gettext: Translate, fmt: Format) -> str:
        """Return the slot's text in the catalogue's language.

        Args:
            values: The letter's values.
            gettext: The catalogue's translation function.
            fmt: Formats one value (``(name, value)``) for the locale.

        Raises:
            MissingSlotError: naming the slot, when a value it needs is missing.
        """
        params: dict[str, str] = {}
        message = self.message
        for need in self.needs:
            value = values.get(need)
            if value is None or (isinstance(value, str) and not value.strip()):
                msg = f"needs the value {need!r} ({self.rule})"
                raise MissingSlotError(self.name, msg)
            if isinstance(value, bool):
                if not value and self.message_if_false is not None:
                    message = self.message_if_false
                continue
            params[need] = fmt(need, value)
        return gettext(message) % params


_REFERRAL = Slot(
    name="ombudsman_referral_right",
    rule="DISP 1.6.2R(1)(c) and DISP 1 Annex 3R",
    message=_N(
        "If you remain dissatisfied, you have the right to refer your complaint "
        "to the Financial Ombudsman Service, free of charge."
    ),
)
_TIME_LIMIT = Slot(
    name="time_limit",
    rule="DISP 1.6.2R(1)(f) and DISP 1 Annex 3R",
    message=_N("You must do so within six months of the date of this letter."),
)
_WAIVER = Slot(
    name="waiver",
    rule="DISP 1.6.2R(1)(f) and DISP 1 Annex 3R",
    needs=("waiver_consent",),
    message=_N(
        "If you refer your complaint after six months, we consent to the "
        "Ombudsman considering it."
    ),
    message_if_false=_N(
        "If you do not refer your complaint in time, the Ombudsman will not have "
        "our permission to consider it and so will only be able to do so in very "
        "limited circumstances, for example if it believes that the delay was "
        "the result of exceptional circumstances."
    ),
)
_WEBSITE = Slot(
    name="ombudsman_website",
    rule="DISP 1.6.2R(1)(e)",
    needs=("ombudsman_website",),
    message=_N(
        "You can find out more about the Financial Ombudsman Service at "
        "%(ombudsman_website)s."
    ),
)
_OUTCOME = Slot(
    name="outcome",
    rule="DISP 1.6.2R(1)(a)",
    needs=("outcome",),
    message=_N("Our decision: %(outcome)s"),
)
_REASONS = Slot(
    name="reasons",
    rule="ASIC RG 271.58",
    needs=("reasons",),
    message=_N("Our reasons: %(reasons)s"),
)
_DELAY = Slot(
    name="delay_reasons",
    rule="DISP 1.6.2R(2)(a)",
    needs=("delay_reasons",),
    message=_N("We cannot give you our final response yet because %(delay_reasons)s"),
)
_EXPECTED = Slot(
    name="expected_by",
    rule="DISP 1.6.2R(2)(a)",
    needs=("expected_by",),
    message=_N("We expect to send you our final response by %(expected_by)s."),
)


def _ruled(slot: Slot, rule: str) -> Slot:
    return attrs.evolve(slot, rule=rule)


_FCA_RIGHTS = (_REFERRAL, _TIME_LIMIT, _WEBSITE)
_AFCA = (
    Slot(
        name="afca_referral_right",
        rule="ASIC RG 271.60",
        message=_N(
            "If you are not satisfied with our response, you may lodge a complaint "
            "with the Australian Financial Complaints Authority (AFCA), free of "
            "charge. Time limits may apply."
        ),
    ),
    Slot(
        name="afca_contact_details",
        rule="ASIC RG 271.60",
        needs=("afca_contact",),
        message=_N("AFCA can be contacted at: %(afca_contact)s."),
    ),
)

_EXTERNAL_BODY = Slot(
    name="external_complaints_body",
    rule="Bank Act s. 627.46 (Financial Consumer Protection Framework)",
    needs=("external_body",),
    message=_N(
        "If you are not satisfied with our response, you may refer your "
        "complaint, free of charge, to the external complaints body we belong "
        "to: %(external_body)s."
    ),
)

MANDATORY_SLOTS: Mapping[tuple[str, str], tuple[Slot, ...]] = MappingProxyType(
    {
        ("uk.fca.disp", "final_response"): (_OUTCOME, *_FCA_RIGHTS, _WAIVER),
        ("uk.fca.disp", "holding_response"): (_DELAY, _EXPECTED, *_FCA_RIGHTS),
        ("uk.fca.disp", "summary_resolution"): (
            _ruled(_REFERRAL, "DISP 1.5.5R(2)"),
            _ruled(_WEBSITE, "DISP 1.5.5R(3)"),
        ),
        ("uk.fca.disp.psd", "final_response"): (
            _ruled(_OUTCOME, "DISP 1.6.2AR"),
            *_FCA_RIGHTS,
            _WAIVER,
        ),
        ("uk.fca.disp.psd", "holding_response"): (
            _ruled(_DELAY, "DISP 1.6.2AR(2)"),
            _ruled(_EXPECTED, "DISP 1.6.2AR(2)"),
        ),
        ("eu.psd2", "holding_response"): (
            _ruled(_DELAY, "PSD2 Article 101(2)"),
            _ruled(_EXPECTED, "PSD2 Article 101(2)"),
        ),
        ("au.asic.rg271", "final_response"): (
            _ruled(_OUTCOME, "ASIC RG 271.58"),
            _REASONS,
            *_AFCA,
        ),
        ("ca.bank", "final_response"): (
            _ruled(_OUTCOME, "Bank Act s. 627.46"),
            _ruled(_REASONS, "Bank Act s. 627.46"),
            _EXTERNAL_BODY,
        ),
        ("iso10002", "final_response"): (
            _ruled(_OUTCOME, "ISO 10002 7.8"),
            _ruled(_REASONS, "ISO 10002 7.8"),
        ),
    }
)
"""The slots each ``(pack, letter kind)`` requires; other pairs require none."""

SLOTS: Mapping[str, Slot] = MappingProxyType(
    {slot.name: slot for slots in MANDATORY_SLOTS.values() for slot in slots}
)
"""Every slot by name, for templates that render one their pack does not require."""

DEFAULT_VALUES: Mapping[str, str] = MappingProxyType(
    {"ombudsman_website": FCA_OMBUDSMAN_WEBSITE, "afca_contact": AFCA_CONTACT}
)


def mandatory_slots(pack: str, kind: str) -> tuple[Slot, ...]:
    """Return the slots a letter of ``kind`` must contain under ``pack``.

    Args:
        pack: The pack's name, e.g. ``uk.fca.disp``.
        kind: The letter kind, one of :data:`LETTER_KINDS`.

    Returns:
        The slots, in the order a letter usually gives them (empty when the
        pack requires nothing of this letter).

    Raises:
        ValidationError: naming ``kind`` for an unknown letter kind.

    .. versionadded:: 0.2.0
    """
    if kind not in LETTER_KINDS:
        raise ValidationError.single("kind", f"must be one of {list(LETTER_KINDS)}")
    return MANDATORY_SLOTS.get((pack, kind), ())
