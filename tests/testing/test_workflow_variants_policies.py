"""On random workflow variants, the stored policy findings equal streaming.

Complaints handled through a random customisation of the standard workflow
(renamed states and events, merged or split steps, a mediation stage, ...)
are stored; the default policies' findings and the provenance share that the
store counts in SQL equal those evaluated on each complaint, at instants
while the complaints are handled and after.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.testing.test_workflow_variants import AS_OF, H1, PLANS, START, handle

from iso10002.analysis.evidence import EvidenceAccumulator
from iso10002.analysis.pushdown import policy_evidence_from, provenance_from
from iso10002.principles import policies_for
from iso10002.provenance import imported_share
from iso10002.repositories.sqlite import SQLiteComplaintRepository
from iso10002.testing.workflows import workflow_variants

POLICIES = policies_for("iso10002:2018")
INSTANTS = st.sampled_from(
    [START + timedelta(days=d) for d in (0, 1, 10, 30, 45, 90)] + [AS_OF]
)


def streamed(complaints, as_of, period):
    """The policy part of the evidence streaming gives over the scope."""
    acc = EvidenceAccumulator(as_of, POLICIES, checks=False, ids_kept=3)
    for c in complaints:
        if period is None or c.received_at in period:
            acc.add(c)
    report = acc.result()
    return report.complaints, report.principles, report.findings


def pushed(store, as_of, period):
    """The policy part of the evidence the store counts."""
    found = policy_evidence_from(
        store, as_of, policies=POLICIES, period=period, ids_shown=3
    )
    assert found is not None
    return found.complaints, found.principles, found.findings


def check(repository, custom, as_of, period):
    """Assert the store's counts equal streaming at ``as_of``."""
    assert pushed(repository, as_of, period) == streamed(custom, as_of, period)
    scope = [
        c
        for c in custom
        if c.received_at <= as_of and (period is None or c.received_at in period)
    ]
    assert provenance_from(repository, as_of, period=period) == imported_share(scope)


class TestPolicyPushDownOnVariants:
    """SQLite's stored findings on a variant equal the policies' own."""

    @settings(max_examples=15, deadline=None)
    @given(variant=workflow_variants(), plans=PLANS, as_of=INSTANTS)
    def test_sqlite_equals_streaming(self, variant, plans, as_of):
        """At an instant during or after handling, SQL equals streaming."""
        repository = SQLiteComplaintRepository(":memory:")
        try:
            custom = handle(variant.definition, plans, repository)
            check(repository, custom, as_of, None)
            check(repository, custom, AS_OF, H1)
        finally:
            repository.close()


@pytest.mark.postgres
class TestPostgresPolicyPushDownOnVariants:
    """PostgreSQL's stored findings on a variant equal the policies' own."""

    @settings(max_examples=8, deadline=None)
    @given(variant=workflow_variants(), plans=PLANS, as_of=INSTANTS)
    def test_postgres_equals_streaming(self, new_store, variant, plans, as_of):
        """At an instant during or after handling, SQL equals streaming."""
        repository = new_store()
        try:
            custom = handle(variant.definition, plans, repository)
            check(repository, custom, as_of, None)
            check(repository, custom, AS_OF, H1)
        finally:
            repository.close()
