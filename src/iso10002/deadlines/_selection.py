"""Several regimes in one firm: the pack of each complaint, recorded in its history."""

from __future__ import annotations

from typing import Any

import attrs

from iso10002.deadlines._matches import ClassificationMatch
from iso10002.deadlines._pack import Pack
from iso10002.deadlines._registry import get_pack
from iso10002.errors import ValidationError
from iso10002.model import Complaint
from iso10002.validators import instance_of, to_tuple, tuple_of

__all__ = ["REGIME_KEY", "PackRule", "PackSelection", "recorded_pack"]

REGIME_KEY = "regime"
"""The event-data key under which a handler records the pack a complaint runs on.

Its value is ``{"pack": name, "version": n}``; the latest record wins.

.. versionadded:: 0.2.0
"""


def _pack_name(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str):
        raise ValidationError.single(attribute.name, "must be a pack name")
    get_pack(value)


@attrs.frozen(kw_only=True)
class PackRule:
    """Complaints matching ``when`` run on the pack ``pack``.

    Args:
        when: Which complaints (classification category, tags, severity,
            product).
        pack: The registered pack's name, e.g. ``uk.fca.disp.psd``.

    .. versionadded:: 0.2.0
    """

    when: ClassificationMatch = attrs.field(validator=instance_of(ClassificationMatch))
    pack: str = attrs.field(validator=_pack_name)


def _matches(when: ClassificationMatch, complaint: Complaint) -> bool:
    if when.products and complaint.subject.product not in when.products:
        return False
    if not (when.categories or when.tags or when.severities):
        return True
    found = complaint.classification
    if found is None:
        return False
    if when.categories and found.category not in when.categories:
        return False
    if when.severities and found.severity.value not in when.severities:
        return False
    return not (when.tags and not set(when.tags) & set(found.tags))


@attrs.frozen(kw_only=True)
class PackSelection:
    """Choose the pack per complaint: the first matching rule, else ``default``.

    A bank handles its payment-services complaints on 15/35 business days
    (``uk.fca.disp.psd``) and the others on eight weeks (``uk.fca.disp``):
    ``PackSelection(default="uk.fca.disp", rules=(PackRule(when=
    ClassificationMatch(products=("payments",)), pack="uk.fca.disp.psd"),))``.
    A handler given a selection records the chosen pack and version in the
    history (:data:`REGIME_KEY`) when it first applies or when the
    complaint's classification moves it to another pack, so its deadlines
    stay reproducible after new pack versions.

    Args:
        default: The pack of complaints no rule matches.
        rules: The rules, tried in order.

    Raises:
        ValidationError: for an unknown pack name or a bad rule.

    .. versionadded:: 0.2.0
    """

    default: str = attrs.field(validator=_pack_name)
    rules: tuple[PackRule, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(PackRule, max_items=50)
    )

    def name_for(self, complaint: Complaint) -> str:
        """Return the name of the pack ``complaint`` runs on now."""
        for rule in self.rules:
            if _matches(rule.when, complaint):
                return rule.pack
        return self.default

    def choose(self, complaint: Complaint) -> Pack:
        """Return the pack for ``complaint``: its recorded version if the name holds.

        Returns:
            The recorded pack when the chosen name is the recorded one, else
            the current version of the chosen pack.
        """
        name = self.name_for(complaint)
        recorded = recorded_pack(complaint)
        if recorded is not None and recorded.name == name:
            return recorded
        return get_pack(name)


def recorded_pack(complaint: Complaint) -> Pack | None:
    """Return the pack recorded in ``complaint``'s history, if one is.

    Raises:
        ValidationError: naming the history entry, for a record that is not
            ``{"pack": name, "version": n}`` of a registered pack.

    .. versionadded:: 0.2.0
    """
    for index in range(len(complaint.history) - 1, -1, -1):
        value = complaint.history[index].data.get(REGIME_KEY)
        if value is None:
            continue
        name = value.get("pack") if isinstance(value, dict) else None
        version = value.get("version") if isinstance(value, dict) else None
        if not isinstance(name, str) or isinstance(version, bool):
            break
        if not isinstance(version, int):
            break
        return get_pack(name, version=version)
    else:
        return None
    raise ValidationError.single(
        f"history[{index}].data.{REGIME_KEY}", "must be {'pack': name, 'version': n}"
    )
