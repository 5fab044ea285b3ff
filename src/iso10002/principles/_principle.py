"""The guiding principles of ISO 10002 and their clause numbers per edition."""

from __future__ import annotations

import enum
from typing import Any

from iso10002.errors import ValidationError

__all__ = ["Edition", "Principle"]


class Edition(str, enum.Enum):
    """An edition of ISO 10002 whose guiding principles a policy set follows.

    ``"iso10002:2004"`` is accepted as an alias of the 2014 edition: the 2014
    edition confirmed the 2004 text with the same nine principles (4.2-4.10).

    .. versionadded:: 0.1.0
    """

    ISO_10002_2018 = "iso10002:2018"
    ISO_10002_2014 = "iso10002:2014"

    @classmethod
    def _missing_(cls, value: Any) -> Edition | None:
        if value == "iso10002:2004":
            return cls.ISO_10002_2014
        return None


_2018 = Edition.ISO_10002_2018
_2014 = Edition.ISO_10002_2014


class Principle(str, enum.Enum):
    """A guiding principle of ISO 10002 (clause 4), in either edition.

    The 2018 edition has fourteen (4.2-4.15); the 2004/2014 editions have
    nine (4.2-4.10). Principles present in both keep their name; the 2014
    *visibility* became *transparency* and *continual improvement* became
    *improvement*. :meth:`counterpart` follows that mapping, and reports the
    2018 *timeliness* under the 2014 *responsiveness*, which covered prompt
    handling in that edition.

    .. versionadded:: 0.1.0
    """

    COMMITMENT = "commitment"
    CAPABILITY = "capability"
    TRANSPARENCY = "transparency"
    ACCESSIBILITY = "accessibility"
    RESPONSIVENESS = "responsiveness"
    OBJECTIVITY = "objectivity"
    CHARGES = "charges"
    INFORMATION_INTEGRITY = "information-integrity"
    CONFIDENTIALITY = "confidentiality"
    CUSTOMER_FOCUSED_APPROACH = "customer-focused-approach"
    ACCOUNTABILITY = "accountability"
    IMPROVEMENT = "improvement"
    COMPETENCE = "competence"
    TIMELINESS = "timeliness"
    VISIBILITY = "visibility"
    CONTINUAL_IMPROVEMENT = "continual-improvement"

    @property
    def label(self) -> str:
        """Return the principle's name as the standard writes it."""
        if self is Principle.CUSTOMER_FOCUSED_APPROACH:
            return "Customer-focused approach"
        return str(self.value).replace("-", " ").capitalize()

    def clause(self, edition: Edition | str) -> str | None:
        """Return this principle's clause number in ``edition``.

        Args:
            edition: The edition, e.g. ``"iso10002:2018"``.

        Returns:
            The clause, e.g. ``"4.5"``, or ``None`` if the edition lacks it.

        Raises:
            ValidationError: if ``edition`` is not a known edition.
        """
        return _CLAUSES[_edition(edition)].get(self)

    def counterpart(self, edition: Edition | str) -> Principle | None:
        """Return the principle of ``edition`` that covers this one.

        Args:
            edition: The edition to map into.

        Returns:
            This principle if ``edition`` has it, else its documented
            counterpart, else ``None`` (no equivalent in that edition).

        Raises:
            ValidationError: if ``edition`` is not a known edition.
        """
        ed = _edition(edition)
        if self in _CLAUSES[ed]:
            return self
        return _MAPPING[ed].get(self)

    @classmethod
    def of_edition(cls, edition: Edition | str) -> tuple[Principle, ...]:
        """List the principles of ``edition`` in clause order.

        Args:
            edition: The edition.

        Returns:
            The principles, ordered by clause.

        Raises:
            ValidationError: if ``edition`` is not a known edition.
        """
        return tuple(_CLAUSES[_edition(edition)])


def _edition(value: Edition | str) -> Edition:
    try:
        return Edition(value)
    except ValueError:
        known = ", ".join(e.value for e in Edition)
        raise ValidationError.single(
            "edition", f"unknown edition {value!r}; expected one of {known}"
        ) from None


_P = Principle
_CLAUSES: dict[Edition, dict[Principle, str]] = {
    _2018: {
        p: f"4.{i}"
        for i, p in enumerate(
            (
                _P.COMMITMENT,
                _P.CAPABILITY,
                _P.TRANSPARENCY,
                _P.ACCESSIBILITY,
                _P.RESPONSIVENESS,
                _P.OBJECTIVITY,
                _P.CHARGES,
                _P.INFORMATION_INTEGRITY,
                _P.CONFIDENTIALITY,
                _P.CUSTOMER_FOCUSED_APPROACH,
                _P.ACCOUNTABILITY,
                _P.IMPROVEMENT,
                _P.COMPETENCE,
                _P.TIMELINESS,
            ),
            start=2,
        )
    },
    _2014: {
        p: f"4.{i}"
        for i, p in enumerate(
            (
                _P.VISIBILITY,
                _P.ACCESSIBILITY,
                _P.RESPONSIVENESS,
                _P.OBJECTIVITY,
                _P.CHARGES,
                _P.CONFIDENTIALITY,
                _P.CUSTOMER_FOCUSED_APPROACH,
                _P.ACCOUNTABILITY,
                _P.CONTINUAL_IMPROVEMENT,
            ),
            start=2,
        )
    },
}
_MAPPING: dict[Edition, dict[Principle, Principle]] = {
    _2014: {
        _P.TRANSPARENCY: _P.VISIBILITY,
        _P.IMPROVEMENT: _P.CONTINUAL_IMPROVEMENT,
        _P.TIMELINESS: _P.RESPONSIVENESS,
    },
    _2018: {
        _P.VISIBILITY: _P.TRANSPARENCY,
        _P.CONTINUAL_IMPROVEMENT: _P.IMPROVEMENT,
    },
}
