from __future__ import annotations

import attrs
from hypothesis import given
from hypothesis import strategies as st

from iso10002.model import Channel, ContactMethod
from iso10002.principles import FindingSeverity, OrganisationProfile
from iso10002.principles.accessibility import (
    ChannelOffered,
    ContactDetailsKnown,
    ResponseInPreferredFormat,
)
from iso10002.testing.strategies import decisions, received_complaints


class TestChannelOffered:
    @given(received_complaints())
    def test_passes_for_an_offered_channel(self, context, codes, complaint):
        """A channel the profile lists gives no finding."""
        profile = OrganisationProfile(channels=[complaint.channel])
        assert codes(ChannelOffered(), complaint, context(organisation=profile)) == []

    @given(received_complaints(), st.sampled_from(Channel))
    def test_fails_for_an_unlisted_channel(self, context, codes, complaint, other):
        """A channel missing from the list is reported, as a warning only."""
        c = attrs.evolve(complaint, channel=other)
        offered = [ch for ch in Channel if ch is not other]
        ctx = context(organisation=OrganisationProfile(channels=offered))
        [finding] = ChannelOffered().evaluate(c, ctx)
        assert finding.code == "channel-not-offered"
        assert not finding.blocking
        assert codes(ChannelOffered(), c, context()) == []


class TestResponseInPreferredFormat:
    @given(received_complaints(), decisions())
    def test_passes_when_sent_as_asked(self, context, codes, complaint, decision):
        """A decision sent by the preferred method gives no finding."""
        preferred = complaint.complainant.preferred_contact
        c = attrs.evolve(
            complaint, decision=attrs.evolve(decision, communicated_via=preferred)
        )
        assert codes(ResponseInPreferredFormat(), c, context()) == []

    @given(received_complaints(), decisions())
    def test_fails_when_sent_otherwise(self, context, codes, complaint, decision):
        """A decision sent another way is reported and notes stated needs."""
        person = attrs.evolve(
            complaint.complainant,
            email="sam@example.org",  # reachable: the check applies
            preferred_contact=ContactMethod.ACCESSIBLE_FORMAT,
            accessibility_needs=("large print",),
        )
        c = attrs.evolve(
            complaint,
            complainant=person,
            decision=attrs.evolve(decision, communicated_via=ContactMethod.EMAIL),
        )
        [finding] = ResponseInPreferredFormat().evaluate(c, context())
        assert finding.code == "response-format-mismatch"
        assert finding.evidence["accessibility_needs_stated"] is True
        assert "large print" not in finding.message


class TestContactDetailsKnown:
    @given(received_complaints(), decisions())
    def test_an_unreachable_complainant_is_said_once_and_not_checked(
        self, context, codes, complaint, decision
    ):
        """No contact details: one information finding, no format miss."""
        person = attrs.evolve(
            complaint.complainant,
            name=None,
            email=None,
            phone=None,
            postal_address=None,
            representative=None,
            preferred_contact=ContactMethod.ACCESSIBLE_FORMAT,
        )
        c = attrs.evolve(
            complaint,
            complainant=person,
            decision=attrs.evolve(decision, communicated_via=ContactMethod.EMAIL),
        )
        [finding] = ContactDetailsKnown().evaluate(c, context())
        assert finding.code == "no-contact-details"
        assert finding.severity is FindingSeverity.INFO
        assert finding.evidence["anonymous"] is True
        assert codes(ResponseInPreferredFormat(), c, context()) == []

    @given(received_complaints())
    def test_any_contact_detail_is_enough(self, context, codes, complaint):
        """An e-mail address, a phone, an address or a representative will do."""
        for detail in ({"email": "a@example.org"}, {"phone": "+44 20 7946 0000"}):
            person = attrs.evolve(
                complaint.complainant,
                **{"email": None, "phone": None, "postal_address": None, **detail},
            )
            assert (
                codes(
                    ContactDetailsKnown(),
                    attrs.evolve(complaint, complainant=person),
                    context(),
                )
                == []
            )
