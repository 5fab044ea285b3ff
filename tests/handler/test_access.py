"""Actors, the role-based access policy, and redaction."""

from __future__ import annotations

from datetime import datetime, timezone

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iso10002.errors import ValidationError
from iso10002.handler import (
    ALL_ACTIONS,
    ALL_STEPS,
    READ,
    READ_PERSONAL_DATA,
    REDACTED,
    AccessPolicy,
    Actor,
    RoleBasedAccess,
    redact,
)
from iso10002.model import Channel, Complainant, Complaint, ComplaintForm
from iso10002.testing.strategies import complaint_forms, satisfaction_feedback


@st.composite
def complaints(draw: st.DrawFn) -> Complaint:
    """Complaints fresh from intake, maybe assigned and with feedback (fast to draw)."""
    complaint = Complaint.receive(
        draw(complaint_forms()),
        id="C-000001",
        reference="CMP-2026-000001",
        received_at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc),
        channel=Channel.WEB,
        received_by="web-form",
    )
    return attrs.evolve(
        complaint,
        assignee=draw(st.sampled_from([None, "agent:1", "agent:2"])),
        satisfaction=draw(st.none() | satisfaction_feedback()),
    )


class TestActor:
    """Actor holds a name and a frozen set of roles."""

    def test_roles_become_a_frozenset(self):
        """A single role name or any iterable of roles is accepted."""
        assert Actor("a", roles="auditor").roles == frozenset({"auditor"})
        assert Actor("a", roles=["x", "y"]).roles == frozenset({"x", "y"})
        assert str(Actor("agent:7")) == "agent:7"

    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [({"name": " "}, "name"), ({"name": "a", "roles": [""]}, "roles")],
    )
    def test_bad_values_are_named(self, kwargs, field):
        """An empty name or role raises ValidationError naming the field."""
        with pytest.raises(ValidationError) as info:
            Actor(**kwargs)
        assert info.value.field == field


class TestRoleBasedAccess:
    """RoleBasedAccess grants actions by role, restricting own-only roles."""

    def test_is_an_access_policy(self):
        """The default policy implements the AccessPolicy protocol."""
        assert isinstance(RoleBasedAccess(), AccessPolicy)

    def test_steps_grant_triggers_but_not_named_actions(self):
        """The steps token covers any trigger but not erasure or export."""
        policy = RoleBasedAccess(grants={"r": {ALL_STEPS}}, own_only=())
        actor = Actor("a", roles={"r"})
        assert policy.can(actor, "acknowledge", None)
        assert policy.can(actor, "custom_trigger", None)
        assert not policy.can(actor, "erase", None)
        assert not policy.can(actor, f"{READ_PERSONAL_DATA}:complainant", None)

    def test_everything_and_field_grants(self):
        """The all-actions token grants all; a field grant covers that field only."""
        policy = RoleBasedAccess(
            grants={"root": {ALL_ACTIONS}, "x": {f"{READ_PERSONAL_DATA}:complainant"}}
        )
        assert policy.can(Actor("r", roles={"root"}), "erase", None)
        reader = Actor("x", roles={"x"})
        assert policy.can(reader, f"{READ_PERSONAL_DATA}:complainant", None)
        assert not policy.can(reader, READ_PERSONAL_DATA, None)
        assert not policy.can(Actor("nobody"), READ, None)

    @pytest.mark.parametrize(
        ("assignee", "expected"), [(None, True), ("agent:1", True), ("agent:2", False)]
    )
    def test_own_only_roles_see_unassigned_or_their_own(self, assignee, expected):
        """A handler may act on a complaint assigned to them or to nobody only."""
        complaint = Complaint.receive(
            ComplaintForm(complainant=Complainant(name="N"), description="D"),
            id="C-1",
            reference="CMP-2026-000001",
            received_at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc),
            channel=Channel.WEB,
            received_by="web-form",
        )
        complaint = attrs.evolve(complaint, assignee=assignee)
        policy = RoleBasedAccess()
        actor = Actor("agent:1", roles={"complaints-handler"})
        assert policy.can(actor, READ, complaint) is expected
        manager = Actor("manager:1", roles={"complaints-manager"})
        assert policy.can(manager, READ, complaint)

    def test_bad_grants_are_named(self):
        """Grants that are not role → actions raise ValidationError."""
        with pytest.raises(ValidationError) as info:
            RoleBasedAccess(grants={"r": [1]})
        assert info.value.field.startswith("grants")
        with pytest.raises(ValidationError):
            RoleBasedAccess(grants=[("r", "read")])
        with pytest.raises(ValidationError):
            RoleBasedAccess(own_only=[1])


def _hidden_name(complaint):
    """Return what a hidden name reads: REDACTED, or None when there is none."""
    return None if complaint.complainant.anonymous else REDACTED


class TestRedact:
    """redact hides every personal field an actor may not see, and nothing else."""

    @settings(max_examples=25)
    @given(complaint=complaints())
    def test_auditor_sees_no_personal_data(self, complaint):
        """Without rights every personal field is blank; the rest is kept."""
        seen = redact(complaint, Actor("auditor:1", roles={"auditor"}))
        # An anonymous complainant has no name to hide, and gets none.
        assert seen.complainant.name == _hidden_name(complaint)
        assert seen.complainant.email is None
        assert seen.complainant.representative is None
        assert seen.description == REDACTED
        assert seen.desired_outcome is None
        assert seen.attachments == ()
        assert seen.subject.references == ()
        if seen.satisfaction is not None:
            assert seen.satisfaction.comment is None
        assert (seen.id, seen.version, seen.status, seen.history) == (
            complaint.id,
            complaint.version,
            complaint.status,
            complaint.history,
        )
        assert seen.classification == complaint.classification
        assert seen.complainant.language == complaint.complainant.language

    @settings(max_examples=25)
    @given(complaint=complaints())
    def test_reader_with_rights_sees_everything(self, complaint):
        """An actor allowed to read personal data gets the complaint unchanged."""
        manager = Actor("m", roles={"complaints-manager"})
        assert redact(complaint, manager) is complaint

    @settings(max_examples=25)
    @given(complaint=complaints())
    def test_field_grants_show_only_that_field(self, complaint):
        """A grant for complainant.email shows the e-mail and hides the name."""
        policy = RoleBasedAccess(
            grants={"mailer": {f"{READ_PERSONAL_DATA}:complainant.email"}}
        )
        seen = redact(complaint, Actor("mail", roles={"mailer"}), access=policy)
        assert seen.complainant.email == complaint.complainant.email
        assert seen.complainant.name == _hidden_name(complaint)
        assert seen.description == REDACTED

    def test_bad_arguments_are_named(self):
        """Something other than a complaint or an actor raises ValidationError."""
        with pytest.raises(ValidationError) as info:
            redact("nope", Actor("a"))  # type: ignore[arg-type]
        assert info.value.field == "complaint"

    @settings(max_examples=25)
    @given(complaint=complaints())
    def test_actor_may_be_a_name(self, complaint):
        """A plain name is an actor without roles: everything personal is hidden."""
        assert isinstance(redact(complaint, "someone"), Complaint)
        with pytest.raises(ValidationError) as info:
            redact(complaint, 42)  # type: ignore[arg-type]
        assert info.value.field == "actor"
