from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iso10002.errors import ValidationError
from iso10002.principles import Edition, Principle


class TestEdition:
    def test_2004_is_an_alias_of_2014(self):
        """The 2004 edition name resolves to the 2014 edition (same nine principles)."""
        assert Edition("iso10002:2004") is Edition.ISO_10002_2014

    def test_unknown_edition_is_refused(self):
        """An unknown edition is a ValueError, as for any enum."""
        with pytest.raises(ValueError, match="1999"):
            Edition("iso10002:1999")


class TestPrinciple:
    def test_2018_has_fourteen_principles_from_4_2_to_4_15(self):
        """The 2018 edition lists fourteen principles at clauses 4.2 to 4.15."""
        principles = Principle.of_edition("iso10002:2018")
        assert len(principles) == 14
        assert [p.clause("iso10002:2018") for p in principles] == [
            f"4.{i}" for i in range(2, 16)
        ]
        assert principles[0] is Principle.COMMITMENT
        assert principles[-1] is Principle.TIMELINESS

    def test_2014_has_nine_principles_from_4_2_to_4_10(self):
        """The 2014 edition lists nine principles at 4.2 to 4.10, visibility first."""
        principles = Principle.of_edition(Edition.ISO_10002_2014)
        assert len(principles) == 9
        assert principles[0] is Principle.VISIBILITY
        assert principles[-1] is Principle.CONTINUAL_IMPROVEMENT
        assert Principle.ACCESSIBILITY.clause("iso10002:2014") == "4.3"
        assert Principle.ACCESSIBILITY.clause("iso10002:2018") == "4.5"

    def test_renamed_principles_map_both_ways(self):
        """Visibility maps to transparency and continual improvement to improvement."""
        assert (
            Principle.TRANSPARENCY.counterpart("iso10002:2014") is Principle.VISIBILITY
        )
        assert (
            Principle.VISIBILITY.counterpart("iso10002:2018") is Principle.TRANSPARENCY
        )
        assert (
            Principle.IMPROVEMENT.counterpart("iso10002:2014")
            is Principle.CONTINUAL_IMPROVEMENT
        )
        assert (
            Principle.TIMELINESS.counterpart("iso10002:2014")
            is Principle.RESPONSIVENESS
        )
        assert Principle.COMPETENCE.counterpart("iso10002:2014") is None

    @given(st.sampled_from(Principle), st.sampled_from(Edition))
    def test_a_counterpart_always_has_a_clause_in_the_edition(self, principle, edition):
        """Whatever principle is mapped, a counterpart found exists in that edition."""
        mapped = principle.counterpart(edition)
        assert mapped is None or mapped.clause(edition) is not None
        if principle.clause(edition) is not None:
            assert mapped is principle

    def test_unknown_edition_names_the_field(self):
        """Asking for an unknown edition raises ValidationError on ``edition``."""
        with pytest.raises(ValidationError) as info:
            Principle.CHARGES.clause("iso9001:2015")
        assert info.value.field == "edition"

    def test_labels_read_as_the_standard_writes_them(self):
        """Labels are sentence-case names, with the hyphen of customer-focused kept."""
        assert Principle.INFORMATION_INTEGRITY.label == "Information integrity"
        assert Principle.CUSTOMER_FOCUSED_APPROACH.label == "Customer-focused approach"
