"""What an import records instead of inventing: the CFPB example, row by row."""

from __future__ import annotations

from pathlib import Path

import pytest

from iso10002.errors import ValidationError
from iso10002.interchange import (
    ImportedShare,
    ImportMapping,
    import_records,
    imported_share,
    load_mapping,
    read_rows,
)
from iso10002.model import Channel
from iso10002.repositories import Query
from iso10002.repositories.sqlite import SQLiteComplaintRepository

EXAMPLES = Path(__file__).parents[2] / "examples" / "import"


@pytest.fixture(scope="module")
def cfpb(tmp_path_factory):
    """The CFPB fixture imported, by reference."""
    repository = SQLiteComplaintRepository(tmp_path_factory.mktemp("c") / "c.db")
    mapping = load_mapping(EXAMPLES / "cfpb.toml")
    import_records(repository, read_rows(EXAMPLES / "cfpb_complaints.csv"), mapping)
    yield {c.reference: c for c in repository.find(Query()).items}
    repository.close()


def _names(complaint):
    return [e.name for e in complaint.history]


class TestNothingInvented:
    def test_anonymous_without_a_name(self, cfpb):
        """No name in the source: an anonymous complainant, no invented name."""
        for complaint in cfpb.values():
            assert complaint.complainant.name is None
            assert complaint.complainant.anonymous

    def test_missing_narrative_is_no_description(self, cfpb):
        """No narrative: no description, and the receipt names the import."""
        assert cfpb["8100002"].description is None
        assert cfpb["8100002"].history[0].data["import"] == "cfpb"
        assert cfpb["8100001"].description.startswith("I disputed a charge")

    def test_day_precision_and_unknown_instants_recorded(self, cfpb):
        """Date-only receipts say so; events without a time say whose they took."""
        first = cfpb["8100001"]
        assert first.history[0].data["precision"] == "day"
        communicated = first.history[2]
        assert communicated.name == "DecisionCommunicated"
        assert communicated.data["instant"] == "unknown"
        assert communicated.data["instant_of"] == "acknowledged"

    def test_due_dates_from_the_pack(self, cfpb):
        """The mapping's pack gives due dates, counted from the recorded day."""
        (due,) = cfpb["8100004"].deadlines  # in progress: not yet met
        assert (due.step, due.met_at) == ("final_response", None)
        assert cfpb["8100001"].deadlines[0].met_at is not None

    def test_unknown_pack_is_a_mapping_problem(self):
        """A pack the library does not have is named as the mapping's problem."""
        with pytest.raises(ValidationError) as info:
            ImportMapping.from_dict(
                {"name": "x", "key": "k", "pack": "xx.nowhere",
                 "columns": {"received_at": "d"}}
            )  # fmt: skip
        assert info.value.field == "pack"


class TestFieldsOrganisationsHave:
    def test_second_level_and_fax(self, cfpb):
        """Sub-issue is the subcategory; fax is its own channel."""
        account = cfpb["8100003"]
        assert account.channel is Channel.FAX
        assert account.classification.category == "Managing an account"
        assert account.classification.subcategory == "Deposits and withdrawals"
        assert cfpb["8100004"].channel is Channel.LETTER

    def test_disputed_yes_no_and_not_offered(self, cfpb):
        """Yes is an appeal, No an acceptance, N/A neither (not offered)."""
        assert "ComplainantRejected" in _names(cfpb["8100003"])
        assert "ComplainantAccepted" in _names(cfpb["8100002"])
        for offered_none in ("8100001", "8100005"):
            names = _names(cfpb[offered_none])
            assert "ComplainantRejected" not in names
            assert "ComplainantAccepted" not in names

    def test_regulator_id_is_searchable(self, tmp_path):
        """The source key is the reference, found by an indexed query."""
        repository = SQLiteComplaintRepository(tmp_path / "c.db")
        try:
            mapping = load_mapping(EXAMPLES / "cfpb.toml")
            rows = read_rows(EXAMPLES / "cfpb_complaints.csv")
            import_records(repository, rows, mapping)
            (found,) = repository.find(Query(reference="8100003")).items
            assert found.classification.subcategory == "Deposits and withdrawals"
        finally:
            repository.close()


class TestImportedShare:
    def test_counts_what_figures_rest_on(self, cfpb):
        """The share says how many complaints rest on each kind of assumption."""
        share = imported_share(cfpb.values())
        assert share == ImportedShare(
            complaints=6,
            imported=6,
            day_only_receipt=6,
            unknown_instants=5,
            out_of_order=1,
            anonymous=6,
            no_description=4,
        )
        assert share.describe().startswith("6 of 6 complaints imported")
