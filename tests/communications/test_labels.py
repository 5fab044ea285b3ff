"""Report and finding labels come from the letters' catalogues."""

from __future__ import annotations

import pytest

from iso10002.communications import LABELS, label
from iso10002.deadlines import DeadlineState
from iso10002.errors import ValidationError
from iso10002.model import Channel, Outcome
from iso10002.principles import FindingSeverity, Principle


class TestLabels:
    @pytest.mark.parametrize(
        "kind", [Principle, FindingSeverity, DeadlineState, Outcome]
    )
    def test_every_member_is_labelled(self, kind):
        """Each principle, severity, deadline state and outcome has a label."""
        assert all(member in LABELS for member in kind)

    def test_english_and_french(self):
        """Labels read in English by default and in French from its catalogue."""
        assert label(Principle.TIMELINESS) == "Timeliness"
        assert label(Principle.TIMELINESS, "fr") == "Respect des délais"
        assert label(DeadlineState.BREACHED, "fr_CA") == "Dépassé"
        assert label(Outcome.PARTIALLY_UPHELD, "fr") == "Partiellement fondée"
        assert label(FindingSeverity.BLOCKING, "de") == "Blocking"

    def test_english_labels_match_the_principles(self):
        """The English labels are the principles' own names."""
        assert all(label(p) == p.label for p in Principle)

    @pytest.mark.parametrize("value", [Channel.EMAIL, "upheld", None])
    def test_unlabelled_value(self, value):
        """A value without a label is refused, naming ``value``."""
        with pytest.raises(ValidationError) as info:
            label(value)
        assert info.value.field == "value"
