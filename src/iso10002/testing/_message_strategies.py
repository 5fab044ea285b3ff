"""Strategies for step notes and correspondence: what a message said and its facts."""

from __future__ import annotations

from hypothesis import strategies as st

from iso10002.model import (
    AttachmentFacts,
    Channel,
    DeliveryStatus,
    Direction,
    MessageContent,
    MessageFacts,
    StepNote,
)
from iso10002.testing._field_strategies import attachments
from iso10002.testing._primitive_strategies import (
    IDS,
    multiline_text,
    reason_codes,
    single_line_text,
)

__all__ = ["attachment_facts", "message_contents", "message_facts", "step_notes"]


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


def message_facts() -> st.SearchStrategy[MessageFacts]:
    """Generate the facts of a message as its history event records them.

    .. versionadded:: 0.2.0
    """
    return st.builds(
        MessageFacts,
        message_id=IDS,
        direction=st.sampled_from(Direction),
        channel=st.sampled_from(Channel),
        kind=reason_codes(),
        status=st.sampled_from(DeliveryStatus),
        template=st.none() | reason_codes(),
        template_version=st.none() | IDS,
        locale=st.none() | st.sampled_from(["en", "fr", "en_GB", "fr_CA"]),
        pack=st.none() | st.sampled_from(["uk.fca.disp", "au.asic.rg271"]),
        slots=st.lists(reason_codes(), max_size=3).map(tuple),
        attachments=st.lists(attachment_facts(), max_size=2).map(tuple),
        in_reply_to=st.none() | IDS,
    )
