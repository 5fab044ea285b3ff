"""Hypothesis strategies for every model type; use them in your own tests.

Every strategy produces values that pass the model's validation. Registered
for ``st.from_type`` through Hypothesis' entry point, so
``st.from_type(Complaint)`` works once the ``testing`` extra is installed.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import string
from datetime import date, datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

from iso10002.model import (
    EXTERNAL_SYSTEM_PATTERN,
    RECEIVED_EVENT,
    SATISFACTION_SCALE,
    Attachment,
    AttachmentFacts,
    Channel,
    Classification,
    Complainant,
    Complaint,
    ComplaintForm,
    ContactMethod,
    Decision,
    DeliveryStatus,
    Direction,
    DueDate,
    ExternalId,
    HistoryEvent,
    Link,
    LinkKind,
    MessageContent,
    MessageFacts,
    Outcome,
    Priority,
    Remedy,
    RemedyKind,
    Representative,
    RootCause,
    SatisfactionFeedback,
    Severity,
    StepNote,
    Subject,
    WorkflowRef,
)
from iso10002.vocabulary import Meaning, StandardState, standard_event

__all__ = [
    "STANDARD_STATES",
    "STRATEGIES",
    "attachment_facts",
    "attachments",
    "classifications",
    "complainants",
    "complaint_forms",
    "complaints",
    "decisions",
    "due_dates",
    "external_ids",
    "history_events",
    "json_data",
    "links",
    "message_contents",
    "message_facts",
    "multiline_text",
    "organisation_profiles",
    "reason_codes",
    "received_complaints",
    "remedies",
    "representatives",
    "root_causes",
    "satisfaction_feedback",
    "single_line_text",
    "step_notes",
    "subjects",
    "utc_datetimes",
    "workflow_refs",
]

STANDARD_STATES = tuple(s.value for s in StandardState)
"""Status names used by generated complaints (those of the standard workflow)."""

_EARLIEST = datetime(2000, 1, 1)  # noqa: DTZ001 - bounds for st.datetimes are naive
_LATEST = datetime(2099, 12, 31)  # noqa: DTZ001


def _characters(*, multiline: bool) -> st.SearchStrategy[str]:
    include = "\n" if multiline else ""
    # Control characters (category Cc) and lone surrogates are refused by the model.
    return st.characters(exclude_categories=("Cc", "Cs"), include_characters=include)


def single_line_text(
    *, min_size: int = 1, max_size: int = 40
) -> st.SearchStrategy[str]:
    """Generate non-blank single-line text of any script, emoji included."""
    return st.text(
        _characters(multiline=False), min_size=min_size, max_size=max_size
    ).filter(lambda s: bool(s.strip()) or min_size == 0)


def multiline_text(*, min_size: int = 1, max_size: int = 200) -> st.SearchStrategy[str]:
    """Generate non-blank text that may span lines."""
    return st.text(
        _characters(multiline=True), min_size=min_size, max_size=max_size
    ).filter(lambda s: bool(s.strip()) or min_size == 0)


def utc_datetimes(
    *, min_value: datetime = _EARLIEST, max_value: datetime = _LATEST
) -> st.SearchStrategy[datetime]:
    """Generate timezone-aware UTC datetimes (bounds are naive, read as UTC)."""
    return st.datetimes(
        min_value=min_value.replace(tzinfo=None),
        max_value=max_value.replace(tzinfo=None),
        timezones=st.just(timezone.utc),
    )


def json_data(*, max_leaves: int = 6) -> st.SearchStrategy[dict[str, Any]]:
    """Generate a small mapping of JSON data, as held by ``HistoryEvent.data``."""
    scalars = (
        st.none()
        | st.booleans()
        | st.integers(min_value=-(2**53), max_value=2**53)
        | st.floats(allow_nan=False, allow_infinity=False)
        | single_line_text(min_size=0, max_size=20)
    )
    keys = single_line_text(max_size=12)
    values = st.recursive(
        scalars,
        lambda children: (
            st.lists(children, max_size=3) | st.dictionaries(keys, children, max_size=3)
        ),
        max_leaves=max_leaves,
    )
    return st.dictionaries(keys, values, max_size=4)


def _emails() -> st.SearchStrategy[str]:
    local = st.text(
        string.ascii_letters + string.digits + "._+'-", min_size=1, max_size=20
    )
    domain = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=15)
    return st.builds(lambda a, b: f"{a}@{b}.example", local, domain)


def representatives() -> st.SearchStrategy[Representative]:
    """Generate people acting on a complainant's behalf."""
    return st.builds(
        Representative,
        name=single_line_text(),
        relationship=st.sampled_from(
            ["relative", "adviser", "solicitor", "carer", "friend"]
        ),
        email=st.none() | _emails(),
        phone=st.none() | single_line_text(max_size=20),
    )


def complainants() -> st.SearchStrategy[Complainant]:
    """Generate complainants, with and without contact details and needs.

    About one in ten is anonymous (no name).
    """
    return st.builds(
        Complainant,
        name=st.integers(0, 9).flatmap(
            lambda n: st.none() if n == 0 else single_line_text()
        ),
        email=st.none() | _emails(),
        phone=st.none() | single_line_text(max_size=20),
        postal_address=st.none() | multiline_text(max_size=80),
        customer_reference=st.none() | single_line_text(max_size=20),
        preferred_contact=st.sampled_from(ContactMethod),
        representative=st.none() | representatives(),
        accessibility_needs=st.lists(single_line_text(max_size=20), max_size=3).map(
            tuple
        ),
        language=st.sampled_from(["en", "en-GB", "fr", "de-DE", "cy", "zh-Hant-TW"]),
        vulnerable=st.booleans(),
    )


def subjects() -> st.SearchStrategy[Subject]:
    """Generate what complaints are about."""
    return st.builds(
        Subject,
        product=st.none() | single_line_text(max_size=30),
        service=st.none() | single_line_text(max_size=30),
        references=st.lists(single_line_text(max_size=15), max_size=3).map(tuple),
        location=st.none() | single_line_text(max_size=30),
        incident_date=st.none()
        | st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 1, 1)),
        concerning=st.lists(single_line_text(max_size=15), max_size=2).map(tuple),
    )


def attachments() -> st.SearchStrategy[Attachment]:
    """Generate attachment references."""
    return st.builds(
        Attachment,
        name=single_line_text(max_size=30),
        media_type=st.sampled_from(
            ["application/pdf", "image/png", "image/jpeg", "text/plain"]
        ),
        size=st.integers(min_value=0, max_value=50_000_000),
        sha256=st.text("0123456789abcdef", min_size=64, max_size=64),
        uri=single_line_text(max_size=60),
    )


def classifications() -> st.SearchStrategy[Classification]:
    """Generate initial-assessment results."""
    return st.builds(
        Classification,
        category=single_line_text(max_size=30),
        severity=st.sampled_from(Severity),
        priority=st.sampled_from(Priority),
        tags=st.lists(single_line_text(max_size=12), max_size=3).map(tuple),
        subcategory=st.none() | single_line_text(max_size=30),
    )


def remedies() -> st.SearchStrategy[Remedy]:
    """Generate remedies, some with money."""
    money = st.tuples(
        st.decimals(
            min_value=0,
            max_value=10**7,
            places=2,
            allow_nan=False,
            allow_infinity=False,
        ),
        st.sampled_from(["GBP", "EUR", "USD", "AUD", "CAD"]),
    )
    return st.builds(
        lambda kind, description, pay: Remedy(
            kind=kind,
            description=description,
            amount=pay[0] if pay else None,
            currency=pay[1] if pay else None,
        ),
        st.sampled_from(RemedyKind),
        multiline_text(min_size=0, max_size=60),
        st.none() | money,
    )


def decisions(
    *, decided_at: st.SearchStrategy[datetime] | None = None
) -> st.SearchStrategy[Decision]:
    """Generate decisions, communicated or not."""
    return st.builds(
        lambda when, sent, **kw: Decision(
            decided_at=when,
            communicated_at=None if sent is None else when + sent,
            **kw,
        ),
        decided_at or utc_datetimes(),
        st.none() | st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=30)),
        outcome=st.sampled_from(Outcome),
        summary=multiline_text(max_size=80),
        reasons=multiline_text(min_size=0, max_size=80),
        remedies=st.lists(remedies(), max_size=3).map(tuple),
        decided_by=single_line_text(max_size=20),
        escalation_route=st.none() | multiline_text(max_size=60),
        communicated_via=st.none() | st.sampled_from(ContactMethod),
    )


def root_causes() -> st.SearchStrategy[RootCause]:
    """Generate root causes."""
    return st.builds(
        RootCause,
        category=single_line_text(max_size=30),
        description=multiline_text(min_size=0, max_size=80),
        corrective_action=st.none() | single_line_text(max_size=20),
    )


def satisfaction_feedback() -> st.SearchStrategy[SatisfactionFeedback]:
    """Generate satisfaction survey replies."""
    return st.builds(
        SatisfactionFeedback,
        score=st.sampled_from(SATISFACTION_SCALE),
        received_at=utc_datetimes(),
        comment=st.none() | multiline_text(max_size=80),
    )


def reason_codes() -> st.SearchStrategy[str]:
    """Generate reason codes (see :data:`~iso10002.model.REASON_CODE_PATTERN`).

    .. versionadded:: 0.2.0
    """
    word = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=8)
    return st.builds(
        lambda first, rest, joins: (
            first + "".join(j + w for j, w in zip(joins, rest, strict=False))
        ),
        st.text(string.ascii_lowercase, min_size=1, max_size=8),
        st.lists(word, max_size=3),
        st.lists(st.sampled_from("._-"), min_size=3, max_size=3),
    )


def step_notes(*, sequence: int | None = None) -> st.SearchStrategy[StepNote]:
    """Generate step notes (any sequence number unless given).

    .. versionadded:: 0.2.0
    """
    return st.builds(
        StepNote,
        sequence=st.just(sequence) if sequence is not None else st.integers(1, 10_000),
        code=st.none() | reason_codes(),
        text=st.none() | multiline_text(max_size=80),
        message=st.none() | message_contents(),
    )


def message_contents() -> st.SearchStrategy[MessageContent]:
    """Generate what a message said (personal content of correspondence).

    .. versionadded:: 0.2.0
    """
    return st.builds(
        MessageContent,
        sender=st.none() | single_line_text(max_size=30),
        recipients=st.lists(single_line_text(max_size=30), max_size=2).map(tuple),
        subject=st.none() | single_line_text(max_size=40),
        body=st.none() | multiline_text(max_size=120),
        body_uri=st.none() | single_line_text(max_size=40),
        attachments=st.lists(attachments(), max_size=2).map(tuple),
        external_id=st.none() | single_line_text(max_size=30),
    )


def attachment_facts() -> st.SearchStrategy[AttachmentFacts]:
    """Generate the facts a history event keeps of an attachment.

    .. versionadded:: 0.2.0
    """
    return st.builds(
        AttachmentFacts,
        media_type=st.sampled_from(["application/pdf", "image/png", "text/plain"]),
        size=st.integers(min_value=0, max_value=50_000_000),
    )


_IDS = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,20}", fullmatch=True)


def message_facts() -> st.SearchStrategy[MessageFacts]:
    """Generate the facts of a message as its history event records them.

    .. versionadded:: 0.2.0
    """
    return st.builds(
        MessageFacts,
        message_id=_IDS,
        direction=st.sampled_from(Direction),
        channel=st.sampled_from(Channel),
        kind=reason_codes(),
        status=st.sampled_from(DeliveryStatus),
        template=st.none() | reason_codes(),
        template_version=st.none() | _IDS,
        locale=st.none() | st.sampled_from(["en", "fr", "en_GB", "fr_CA"]),
        pack=st.none() | st.sampled_from(["uk.fca.disp", "au.asic.rg271"]),
        slots=st.lists(reason_codes(), max_size=3).map(tuple),
        attachments=st.lists(attachment_facts(), max_size=2).map(tuple),
        in_reply_to=st.none() | _IDS,
    )


def due_dates() -> st.SearchStrategy[DueDate]:
    """Generate due-date projections."""
    return st.builds(
        DueDate,
        step=st.sampled_from(["acknowledge", "final_response", "summary_resolution"]),
        due_at=utc_datetimes(),
        met_at=st.none() | utc_datetimes(),
        paused=st.booleans(),
    )


def links() -> st.SearchStrategy[Link]:
    """Generate links between complaints."""
    return st.builds(
        Link, kind=st.sampled_from(LinkKind), complaint_id=single_line_text(max_size=26)
    )


def external_ids() -> st.SearchStrategy[ExternalId]:
    """Generate identifiers in other systems (short codes, single-line values).

    .. versionadded:: 0.2.0
    """
    return st.builds(
        ExternalId,
        system=st.from_regex(EXTERNAL_SYSTEM_PATTERN, fullmatch=True).filter(
            lambda code: len(code) <= 64  # noqa: PLR2004 - the field's bound
        ),
        value=single_line_text(max_size=40),
    )


def workflow_refs() -> st.SearchStrategy[WorkflowRef]:
    """Generate workflow references."""
    return st.builds(
        WorkflowRef,
        name=st.sampled_from(
            ["iso10002.standard", "iso10002.small_organisation", "custom"]
        ),
        version=st.integers(min_value=1, max_value=20),
    )


_EVENT_NAMES = st.sampled_from(
    [
        standard_event(m)
        for m in (
            Meaning.ACKNOWLEDGED,
            Meaning.ASSESSED,
            Meaning.INVESTIGATED,
            Meaning.DECIDED,
            Meaning.COMMUNICATED,
            Meaning.CLOSED,
            Meaning.INFORMATION_REQUESTED,
        )
    ]
)


def history_events(*, sequence: int | None = None) -> st.SearchStrategy[HistoryEvent]:
    """Generate single history events (any sequence number unless given)."""
    return st.builds(
        HistoryEvent,
        sequence=st.just(sequence) if sequence is not None else st.integers(1, 10_000),
        name=_EVENT_NAMES,
        at=utc_datetimes(),
        actor=single_line_text(max_size=20),
        trigger=st.none()
        | st.sampled_from(["acknowledge", "assess", "decide", "close"]),
        from_state=st.none() | st.sampled_from(STANDARD_STATES),
        to_state=st.none() | st.sampled_from(STANDARD_STATES),
        data=json_data(),
    )


def complaint_forms() -> st.SearchStrategy[ComplaintForm]:
    """Generate intake forms as a host application would collect them."""
    return st.builds(
        ComplaintForm,
        complainant=complainants(),
        description=multiline_text(max_size=200),
        desired_outcome=st.none() | multiline_text(max_size=80),
        subject=subjects(),
        attachments=st.lists(attachments(), max_size=2).map(tuple),
    )


@st.composite
def _history(
    draw: st.DrawFn, received_at: datetime, received_by: str, max_events: int
) -> tuple[HistoryEvent, ...]:
    first = HistoryEvent(
        sequence=1,
        name=RECEIVED_EVENT,
        at=received_at,
        actor=received_by,
        to_state=StandardState.RECEIVED.value,
    )
    events = [first]
    count = draw(st.integers(min_value=0, max_value=max_events - 1))
    at = received_at
    for sequence in range(2, count + 2):
        at += draw(st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=20)))
        event = draw(history_events(sequence=sequence))
        events.append(
            HistoryEvent(
                sequence=sequence,
                name=event.name,
                at=at,
                actor=event.actor,
                trigger=event.trigger,
                from_state=event.from_state,
                to_state=event.to_state,
                data=event.data,
            )
        )
    return tuple(events)


@st.composite
def _complaints(
    draw: st.DrawFn, max_events: int, statuses: tuple[str, ...]
) -> Complaint:
    received_at = draw(utc_datetimes(max_value=datetime(2090, 1, 1)))  # noqa: DTZ001
    received_by = draw(single_line_text(max_size=20))
    history = draw(_history(received_at, received_by, max_events))
    form = draw(complaint_forms())
    return Complaint(
        id=draw(
            st.text(string.digits + "ABCDEFGHJKMNPQRSTVWXYZ", min_size=26, max_size=26)
        ),
        reference=draw(
            st.integers(1, 999_999).map(lambda n: f"CMP-{received_at.year}-{n:06d}")
        ),
        received_at=received_at,
        channel=draw(st.sampled_from(Channel)),
        received_by=received_by,
        complainant=form.complainant,
        subject=form.subject,
        description=form.description,
        desired_outcome=form.desired_outcome,
        attachments=form.attachments,
        classification=draw(st.none() | classifications()),
        status=draw(st.sampled_from(statuses)),
        workflow=draw(workflow_refs()),
        assignee=draw(st.none() | single_line_text(max_size=20)),
        deadlines=tuple(draw(st.lists(due_dates(), max_size=3))),
        decision=draw(st.none() | decisions()),
        outcome=draw(st.none() | st.sampled_from(Outcome)),
        root_cause=draw(st.none() | root_causes()),
        satisfaction=draw(st.none() | satisfaction_feedback()),
        links=tuple(draw(st.lists(links(), max_size=2))),
        version=len(history),
        history=history,
        notes=tuple(
            draw(
                st.lists(
                    st.integers(1, len(history)).flatmap(
                        lambda n: step_notes(sequence=n)
                    ),
                    max_size=2,
                )
            )
        ),
    )


def complaints(
    *, max_events: int = 8, statuses: tuple[str, ...] = STANDARD_STATES
) -> st.SearchStrategy[Complaint]:
    """Generate valid complaints: contiguous history, ``version == len(history)``.

    Args:
        max_events: Longest history to generate (at least 1).
        statuses: Status names to draw from.

    Returns:
        A strategy of :class:`~iso10002.model.Complaint`.
    """
    return _complaints(max(1, max_events), statuses)


STRATEGIES: dict[type, Any] = {
    Attachment: attachments,
    AttachmentFacts: attachment_facts,
    Classification: classifications,
    Complainant: complainants,
    Complaint: complaints,
    ComplaintForm: complaint_forms,
    Decision: decisions,
    DueDate: due_dates,
    ExternalId: external_ids,
    HistoryEvent: history_events,
    Link: links,
    MessageContent: message_contents,
    MessageFacts: message_facts,
    Remedy: remedies,
    Representative: representatives,
    RootCause: root_causes,
    SatisfactionFeedback: satisfaction_feedback,
    StepNote: step_notes,
    Subject: subjects,
    WorkflowRef: workflow_refs,
}
"""The strategy factory for each model type (used by the ``st.from_type`` hook)."""


def received_complaints(
    *, statuses: tuple[str, ...] = (StandardState.RECEIVED.value,)
) -> st.SearchStrategy[Complaint]:
    """Generate complaints just received (version 1), cheaply.

    Much faster than :func:`complaints` when a test builds the rest of the
    history itself.

    Args:
        statuses: Status names to draw from (the receipt event's state).

    Returns:
        A strategy of :class:`~iso10002.model.Complaint` at version 1.

    .. versionadded:: 0.1.0
    """
    return st.builds(
        lambda form, at, channel, status: Complaint.receive(
            form,
            id="01JC0MPLA1NT0000000000000A",
            reference=f"CMP-{at.year}-000001",
            received_at=at,
            channel=channel,
            received_by="web-form",
            status=status,
        ),
        complaint_forms(),
        utc_datetimes(max_value=datetime(2090, 1, 1)),  # noqa: DTZ001
        st.sampled_from(Channel),
        st.sampled_from(statuses),
    )


def organisation_profiles() -> st.SearchStrategy[Any]:
    """Generate organisation profiles for the guiding-principle policies.

    Returns:
        A strategy of :class:`~iso10002.principles.OrganisationProfile`.

    .. versionadded:: 0.1.0
    """
    from iso10002.principles import OrganisationProfile  # noqa: PLC0415

    staff = st.sampled_from(["agent:1", "agent:2", "agent:3", "lead:1"])
    names = st.frozensets(single_line_text(max_size=15), max_size=3)
    return st.builds(
        OrganisationProfile,
        channels=st.frozensets(st.sampled_from(Channel), max_size=4),
        complaints_policy=st.none() | single_line_text(max_size=40),
        accountable_manager=st.none() | single_line_text(max_size=20),
        competences=st.dictionaries(staff, names, max_size=3),
        teams=st.dictionaries(staff, names, max_size=3),
        conflicts=st.dictionaries(staff, names, max_size=2),
        authorised_actors=st.frozensets(staff, max_size=2),
        workload_limit=st.none() | st.integers(min_value=1, max_value=50),
        keep_informed_interval=st.timedeltas(
            min_value=timedelta(days=1), max_value=timedelta(days=60)
        ),
    )
