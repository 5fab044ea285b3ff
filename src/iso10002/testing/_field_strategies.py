"""Strategies for the values a complaint's fields hold, and for intake forms."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import strategies as st

from iso10002.model import (
    EXTERNAL_SYSTEM_PATTERN,
    SATISFACTION_SCALE,
    Attachment,
    Classification,
    Complainant,
    ComplaintForm,
    ContactMethod,
    Decision,
    DueDate,
    ExternalId,
    Link,
    LinkKind,
    Outcome,
    Priority,
    Remedy,
    RemedyKind,
    Representative,
    RootCause,
    SatisfactionFeedback,
    Severity,
    Subject,
    WorkflowRef,
)
from iso10002.testing._primitive_strategies import (
    emails,
    multiline_text,
    single_line_text,
    utc_datetimes,
)

__all__ = [
    "attachments",
    "classifications",
    "complainants",
    "complaint_forms",
    "decisions",
    "due_dates",
    "external_ids",
    "links",
    "remedies",
    "representatives",
    "root_causes",
    "satisfaction_feedback",
    "subjects",
    "workflow_refs",
]


def representatives() -> st.SearchStrategy[Representative]:
    """Generate people acting on a complainant's behalf."""
    return st.builds(
        Representative,
        name=single_line_text(),
        relationship=st.sampled_from(
            ["relative", "adviser", "solicitor", "carer", "friend"]
        ),
        email=st.none() | emails(),
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
        email=st.none() | emails(),
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
