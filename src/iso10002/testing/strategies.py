"""Hypothesis strategies for every model type; use them in your own tests.

Every strategy produces values that pass the model's validation. Registered
for ``st.from_type`` through Hypothesis' entry point, so
``st.from_type(Complaint)`` works once the ``testing`` extra is installed.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hypothesis import strategies as st

from iso10002._publish import publish
from iso10002.model import (
    Attachment,
    AttachmentFacts,
    Channel,
    Classification,
    Complainant,
    Complaint,
    ComplaintForm,
    Decision,
    DueDate,
    ExternalId,
    HistoryEvent,
    Link,
    MessageContent,
    MessageFacts,
    Remedy,
    Representative,
    RootCause,
    SatisfactionFeedback,
    StepNote,
    Subject,
    WorkflowRef,
)
from iso10002.testing._complaint_strategies import (
    STANDARD_STATES,
    complaints,
    history_events,
    received_complaints,
)
from iso10002.testing._field_strategies import (
    attachments,
    classifications,
    complainants,
    complaint_forms,
    decisions,
    due_dates,
    external_ids,
    links,
    remedies,
    representatives,
    root_causes,
    satisfaction_feedback,
    subjects,
    workflow_refs,
)
from iso10002.testing._message_strategies import (
    attachment_facts,
    message_contents,
    message_facts,
    step_notes,
)
from iso10002.testing._primitive_strategies import (
    json_data,
    multiline_text,
    reason_codes,
    single_line_text,
    utc_datetimes,
)

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


publish(globals())
