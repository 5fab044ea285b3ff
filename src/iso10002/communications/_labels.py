"""Labels for reports and findings, from the same catalogues as the letters.

:func:`label` names a guiding principle, a finding's severity, a deadline's
state or an outcome in the reader's language, so a host's reports and audit
screens speak the complainant's or the manager's language like the letters.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType

from iso10002.communications._locale import catalogue
from iso10002.communications._slots import _N
from iso10002.deadlines import DeadlineState
from iso10002.errors import ValidationError
from iso10002.model import Outcome
from iso10002.principles import FindingSeverity, Principle

__all__ = ["LABELS", "label"]

LABELS: Mapping[enum.Enum, str] = MappingProxyType(
    {
        Principle.COMMITMENT: _N("Commitment"),
        Principle.CAPABILITY: _N("Capability"),
        Principle.TRANSPARENCY: _N("Transparency"),
        Principle.ACCESSIBILITY: _N("Accessibility"),
        Principle.RESPONSIVENESS: _N("Responsiveness"),
        Principle.OBJECTIVITY: _N("Objectivity"),
        Principle.CHARGES: _N("Charges"),
        Principle.INFORMATION_INTEGRITY: _N("Information integrity"),
        Principle.CONFIDENTIALITY: _N("Confidentiality"),
        Principle.CUSTOMER_FOCUSED_APPROACH: _N("Customer-focused approach"),
        Principle.ACCOUNTABILITY: _N("Accountability"),
        Principle.IMPROVEMENT: _N("Improvement"),
        Principle.COMPETENCE: _N("Competence"),
        Principle.TIMELINESS: _N("Timeliness"),
        Principle.VISIBILITY: _N("Visibility"),
        Principle.CONTINUAL_IMPROVEMENT: _N("Continual improvement"),
        FindingSeverity.BLOCKING: _N("Blocking"),
        FindingSeverity.WARNING: _N("Warning"),
        FindingSeverity.INFO: _N("Information"),
        DeadlineState.MET: _N("Met"),
        DeadlineState.PENDING: _N("Pending"),
        DeadlineState.AT_RISK: _N("At risk"),
        DeadlineState.PAUSED: _N("Paused"),
        DeadlineState.BREACHED: _N("Breached"),
        DeadlineState.LAPSED: _N("Lapsed"),
        DeadlineState.VOID: _N("Void"),
        Outcome.UPHELD: _N("Upheld"),
        Outcome.PARTIALLY_UPHELD: _N("Partially upheld"),
        Outcome.NOT_UPHELD: _N("Not upheld"),
        Outcome.WITHDRAWN: _N("Withdrawn"),
        Outcome.NOT_A_COMPLAINT: _N("Not a complaint"),
        Outcome.DUPLICATE: _N("Duplicate"),
        Outcome.REFERRED_EXTERNALLY: _N("Referred externally"),
    }
)
"""The English label (the catalogue's message id) of each labelled value."""


def label(
    value: enum.Enum, locale: str = "en", *, locale_dirs: Sequence[str | Path] = ()
) -> str:
    """Return the label of ``value`` in ``locale``.

    Args:
        value: A :class:`~iso10002.principles.Principle`,
            :class:`~iso10002.principles.FindingSeverity`,
            :class:`~iso10002.deadlines.DeadlineState` or
            :class:`~iso10002.model.Outcome`.
        locale: The catalogue, e.g. ``fr`` or ``fr_CA``.
        locale_dirs: The host's catalogue folders, searched first.

    Returns:
        The label; English where the catalogue has no translation.

    Raises:
        ValidationError: naming ``value`` when it has no label.

    .. versionadded:: 0.2.0
    """
    message = LABELS.get(value) if isinstance(value, enum.Enum) else None
    if message is None:
        raise ValidationError.single("value", f"has no label: {value!r}")
    text: str = catalogue(locale, [Path(d) for d in locale_dirs]).gettext(message)
    return text
