"""Confidentiality (ISO 10002:2018 clause 4.10; 2014 clause 4.7).

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

import attrs

from iso10002.errors import ValidationError
from iso10002.model import Complaint
from iso10002.principles._base import (
    BasePolicy,
    check_id,
    folded,
    names,
    profile_of,
    to_frozenset,
    to_severity,
)
from iso10002.principles._policy import Finding, FindingSeverity, PolicyContext
from iso10002.principles._principle import Principle
from iso10002.vocabulary import Meaning, vocabulary_for

__all__ = ["NeedToKnow", "NoPersonalDataInHistory"]


@attrs.frozen(kw_only=True)
class NeedToKnow(BasePolicy):
    """Check that only actors with a need to know act on the complaint.

    Authorised are: staff listed in the profile's ``competences``, its
    ``authorised_actors`` and ``accountable_manager``, whoever recorded the
    complaint, its assignee (current or earlier, from ``ComplaintAssigned``
    events' ``assignee`` data) and ``system_actors``; as a guard, an acting
    actor holding one of ``authorised_roles`` is authorised too. Nothing is
    reported unless the profile lists staff (competences or authorised actors).

    Args:
        id: The policy id.
        system_actors: Actors that are the software itself.
        authorised_roles: Roles that grant a need to know.
        severity: Severity of an unauthorised actor.
        edition: The edition findings are reported under.

    .. versionadded:: 0.1.0
    """

    PRINCIPLE: ClassVar[Principle] = Principle.CONFIDENTIALITY
    SUMMARY: ClassVar[str] = (
        "Only actors the organisation profile authorises (handlers, assignees, "
        "the accountable manager) act on the complaint."
    )

    id: str = attrs.field(
        default="iso10002.confidentiality.need-to-know", validator=check_id
    )
    system_actors: frozenset[str] = attrs.field(
        default=frozenset({"system"}), converter=to_frozenset, validator=names
    )
    authorised_roles: frozenset[str] = attrs.field(
        default=frozenset({"complaints-handler", "complaints-manager"}),
        converter=to_frozenset,
        validator=names,
    )
    severity: FindingSeverity = attrs.field(
        default=FindingSeverity.WARNING, converter=to_severity
    )

    def evaluate(
        self, complaint: Complaint, context: PolicyContext
    ) -> Sequence[Finding]:
        """Report every actor without a need to know.

        Args:
            complaint: The complaint (its history's actors are checked).
            context: Supplies the profile and, as a guard, the acting actor.

        Returns:
            One finding per unauthorised actor.
        """
        profile = profile_of(context)
        if profile is None or not (profile.competences or profile.authorised_actors):
            return []
        allowed = {
            *profile.competences,
            *profile.authorised_actors,
            *self.system_actors,
            complaint.received_by,
        }
        if profile.accountable_manager:
            allowed.add(profile.accountable_manager)
        if complaint.assignee:
            allowed.add(complaint.assignee)
        vocabulary = vocabulary_for(complaint.workflow)
        for event in complaint.history:
            assignee = event.data.get("assignee")
            if vocabulary.means(event.name, Meaning.ASSIGNED) and isinstance(
                assignee, str
            ):
                allowed.add(assignee)
        actors = {e.actor for e in complaint.history}
        if context.previous is not None:
            actors.add(context.actor)
            if context.roles & self.authorised_roles:
                allowed.add(context.actor)
        return [
            self.finding(
                "actor-without-need-to-know",
                self.severity,
                f"{actor!r} acted on the complaint without being an authorised "
                "handler.",
                actor=actor,
            )
            for actor in sorted(actors - allowed)
        ]


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, f"{path}[{i}]")


def _min_length(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError.single(attribute.name, "must be a positive integer")


@attrs.frozen(kw_only=True)
class NoPersonalDataInHistory(BasePolicy):
    """Check that history event data carries none of the complainant's personal data.

    Event data is kept in the append-only log and shared with subscribers, so
    personal data must stay in the complaint's personal fields. A string in
    event data is flagged when it equals (ignoring case) a personal value of at
    least ``min_length`` characters, or contains one of at least
    ``substring_length``. Heuristic, hence a warning; evidence names the event
    and the data path, never the value.

    Args:
        id: The policy id.
        min_length: Shortest personal value compared for equality.
        substring_length: Shortest personal value searched inside strings.
        severity: Severity of personal data found in history.
        edition: The edition findings are reported under.

    Raises:
        ValidationError: if a length is not a positive integer.

    .. versionadded:: 0.1.0
    """

    PRINCIPLE: ClassVar[Principle] = Principle.CONFIDENTIALITY
    SUMMARY: ClassVar[str] = (
        "History event data carries none of the complainant's personal data "
        "(name, contact details, references, free text)."
    )

    id: str = attrs.field(
        default="iso10002.confidentiality.no-personal-data-in-history",
        validator=check_id,
    )
    min_length: int = attrs.field(default=3, validator=_min_length)
    substring_length: int = attrs.field(default=8, validator=_min_length)
    severity: FindingSeverity = attrs.field(
        default=FindingSeverity.WARNING, converter=to_severity
    )

    def evaluate(
        self, complaint: Complaint, context: PolicyContext
    ) -> Sequence[Finding]:
        """Report each event data path holding personal data.

        Args:
            complaint: The complaint (its personal fields and history).
            context: Not consulted.

        Returns:
            One finding per offending data path.
        """
        del context
        personal = {
            folded(v)
            for v in _personal_values(complaint)
            if len(v.strip()) >= self.min_length
        }
        if not personal:
            return []
        long_values = [p for p in personal if len(p) >= self.substring_length]
        found = []
        for event in complaint.history:
            for path, value in _strings(event.data, ""):
                v = folded(value)
                if v in personal or any(p in v for p in long_values):
                    found.append(
                        self.finding(
                            "personal-data-in-history",
                            self.severity,
                            f"Event {event.sequence} ({event.name}) carries the "
                            f"complainant's personal data at {path!r}.",
                            sequence=event.sequence,
                            path=path,
                        )
                    )
        return found


def _personal_values(complaint: Complaint) -> list[str]:
    person = complaint.complainant
    values = [
        person.name,
        person.email,
        person.phone,
        person.postal_address,
        person.customer_reference,
        complaint.description,
        complaint.desired_outcome,
        *complaint.subject.references,
    ]
    if person.representative is not None:
        rep = person.representative
        values += [rep.name, rep.email, rep.phone]
    return [v for v in values if v]
