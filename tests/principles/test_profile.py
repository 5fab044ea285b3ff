from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iso10002.errors import ValidationError
from iso10002.model import Channel
from iso10002.principles import ANY_CATEGORY, OrganisationProfile
from iso10002.testing.strategies import single_line_text


class TestOrganisationProfile:
    def test_defaults_mean_not_configured(self):
        """A bare profile lists nothing and keeps the 28-day keep-informed interval."""
        profile = OrganisationProfile()
        assert profile.channels == frozenset()
        assert profile.competences == {}
        assert profile.keep_informed_interval == timedelta(days=28)

    def test_values_are_frozen_copies(self):
        """Lists and dicts given become frozensets and a read-only mapping."""
        source = {"agent:1": ["billing"]}
        profile = OrganisationProfile(
            channels=["web", Channel.EMAIL], competences=source
        )
        source["agent:2"] = ["x"]
        assert profile.channels == {Channel.WEB, Channel.EMAIL}
        assert profile.competences == {"agent:1": frozenset({"billing"})}
        with pytest.raises(TypeError):
            profile.competences["x"] = frozenset()  # type: ignore[index]

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("channels", ["pigeon"]),
            ("channels", "web"),
            ("competences", ["agent:1"]),
            ("competences", {"agent:1": "billing"}),
            ("teams", {"": ["a"]}),
            ("conflicts", {"agent:1": [""]}),
            ("authorised_actors", "agent:1"),
            ("workload_limit", 0),
            ("workload_limit", True),
            ("keep_informed_interval", timedelta(0)),
            ("accountable_manager", ""),
        ],
    )
    def test_bad_configuration_names_the_field(self, field, value):
        """Each malformed value raises ValidationError naming its field."""
        with pytest.raises(ValidationError) as info:
            OrganisationProfile(**{field: value})
        assert info.value.field.startswith(field)

    @given(single_line_text(max_size=15), single_line_text(max_size=15))
    def test_wildcard_competence_covers_every_category(self, actor, category):
        """A ``*`` competence covers any category; an empty one covers none."""
        assert OrganisationProfile(competences={actor: [ANY_CATEGORY]}).is_competent(
            actor, category
        )
        assert not OrganisationProfile().is_competent(actor, category)

    @given(st.lists(single_line_text(max_size=10), max_size=3))
    def test_affiliations_include_actor_teams_and_conflicts(self, teams):
        """Affiliations are the actor's name, teams and conflicts, case-folded."""
        profile = OrganisationProfile(
            teams={"Agent:1": teams}, conflicts={"Agent:1": ["Acme Ltd"]}
        )
        got = profile.affiliations("Agent:1")
        assert {"agent:1", "acme ltd"} <= got
        assert {t.strip().casefold() for t in teams} <= got
