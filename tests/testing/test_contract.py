from __future__ import annotations

import pytest

from iso10002.testing import contract

pytest_plugins = ["pytester"]

_HEADER = """
import pytest
from iso10002.repositories import InMemoryComplaintRepository, Page
from iso10002.testing.contract import Capability, RepositoryContract
"""


def _run(pytester, body, *args):
    pytester.makepyfile(_HEADER + body)
    return pytester.runpytest_inprocess("-p", "no:cacheprovider", "-rs", *args)


class TestRepositoryContract:
    def test_a_correct_adapter_passes_and_undeclared_capabilities_skip(self, pytester):
        """The in-memory adapter passes; undeclared capabilities skip by name."""
        result = _run(
            pytester,
            """
class TestMemory(RepositoryContract):
    capabilities = frozenset({Capability.CLAIM_NEXT})

    @pytest.fixture
    def repository_factory(self):
        return InMemoryComplaintRepository
""",
            "-k",
            "conflict or claim or processes or tampered or hostile",
        )
        outcomes = result.parseoutcomes()
        assert outcomes.get("failed", 0) == 0
        assert outcomes["passed"] >= 6
        for capability in ("MULTI_PROCESS", "RAW_ACCESS"):
            result.stdout.fnmatch_lines(
                [f"*TestMemory does not declare Capability.{capability}*"]
            )

    def test_an_adapter_that_ignores_versions_fails_the_conflict_layer(self, pytester):
        """Saving without checking the expected version is caught by the suite."""
        result = _run(
            pytester,
            """
class Careless(InMemoryComplaintRepository):
    def save(self, complaint, *, expected_version):
        current = self.get(complaint.id)
        return super().save(complaint, expected_version=current.version)


class TestCareless(RepositoryContract):
    @pytest.fixture
    def repository_factory(self):
        return Careless
""",
            "-k",
            "stale_save or threads_saving",
        )
        result.assert_outcomes(failed=2)

    def test_an_adapter_with_unstable_order_fails_the_query_layer(self, pytester):
        """Pages that are not in (received_at, id) order are caught by the suite."""
        result = _run(
            pytester,
            """
class Backwards(InMemoryComplaintRepository):
    def find(self, query, *, limit=100, after=None):
        page = super().find(query, limit=limit, after=after)
        return Page(items=tuple(reversed(page.items)), next_cursor=page.next_cursor)


class TestBackwards(RepositoryContract):
    @pytest.fixture
    def repository_factory(self):
        return Backwards
""",
            "-k",
            "pages_cover_everything",
        )
        result.assert_outcomes(failed=1)

    def test_an_adapter_whose_erasure_leaves_personal_data_fails(self, pytester):
        """An erasure that keeps the complainant's name is caught by the suite."""
        result = _run(
            pytester,
            """
import attrs

class Forgetful(InMemoryComplaintRepository):
    def erase_personal_data(self, complaint_id, *, actor, at):
        erased = super().erase_personal_data(complaint_id, actor=actor, at=at)
        return attrs.evolve(
            erased, complainant=attrs.evolve(erased.complainant, name="Still Here")
        )


class TestForgetful(RepositoryContract):
    @pytest.fixture
    def repository_factory(self):
        return Forgetful
""",
            "-k",
            "replaces_personal_fields",
        )
        result.assert_outcomes(failed=1)

    def test_forgetting_the_factory_fixture_says_what_to_override(self, pytester):
        """A subclass without repository_factory errors with the fixture to override."""
        result = _run(
            pytester,
            """
class TestNothing(RepositoryContract):
    pass
""",
            "-k",
            "add_then_get",
        )
        result.assert_outcomes(errors=1)
        result.stdout.fnmatch_lines(
            ["*TestNothing must override the repository_factory fixture*"]
        )

    @pytest.mark.parametrize("name", ["RepositoryContract", "BasicStorageContract"])
    def test_contract_classes_are_not_collected_on_their_own(self, name):
        """The shipped classes do not start with Test, so importing runs nothing."""
        assert not getattr(contract, name).__name__.startswith("Test")
