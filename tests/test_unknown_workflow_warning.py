"""A history of a workflow this process does not know is read, but not silently."""

from __future__ import annotations

import warnings

import attrs
import pytest

from iso10002.analysis import KpiSpec, compute_kpis
from iso10002.model import WorkflowRef
from iso10002.testing.contract import make_complaint
from iso10002.vocabulary import (
    STANDARD_VOCABULARY,
    UnknownWorkflowWarning,
    vocabulary_for,
)


def test_an_unknown_workflow_warns_once_and_reads_standard_meanings():
    ref = WorkflowRef(name="acme.unregistered", version=7)
    with pytest.warns(UnknownWorkflowWarning, match="acme.unregistered"):
        assert vocabulary_for(ref) is STANDARD_VOCABULARY
    with warnings.catch_warnings(record=True) as again:
        warnings.simplefilter("always")
        vocabulary_for(ref)
    assert not [w for w in again if w.category is UnknownWorkflowWarning]


def test_analysis_of_such_complaints_says_so():
    complaint = make_complaint(1)
    stranger = attrs.evolve(
        complaint, workflow=WorkflowRef(name="acme.analysed", version=1)
    )
    with pytest.warns(UnknownWorkflowWarning, match="acme.analysed"):
        compute_kpis([stranger], KpiSpec(as_of=complaint.received_at))


def test_shipped_workflows_do_not_warn(recwarn):
    vocabulary_for(WorkflowRef())
    assert not [w for w in recwarn if w.category is UnknownWorkflowWarning]
