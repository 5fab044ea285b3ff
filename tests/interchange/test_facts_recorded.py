"""Imported records carry their facts in their history, like handled ones."""

from __future__ import annotations

from pathlib import Path

from iso10002.history import differences, is_replayable, replay
from iso10002.interchange import convert_row, load_mapping, read_rows
from iso10002.serialization import to_dict

EXAMPLES = Path(__file__).parents[2] / "examples" / "import"


def _complaints(mapping_name: str, source_name: str):
    mapping = load_mapping(EXAMPLES / mapping_name)
    for row in read_rows(EXAMPLES / source_name):
        result = convert_row(mapping, row)
        if result.complaint is not None:
            yield result.complaint


class TestImportedFacts:
    def test_every_imported_record_replays_to_its_document(self):
        """The fold of each imported history gives the stored document."""
        found = list(_complaints("cfpb.toml", "cfpb_complaints.csv"))
        assert found
        for complaint in found:
            assert is_replayable(complaint.history)
            assert differences(to_dict(complaint)) == []

    def test_an_outcome_is_known_from_the_event_that_states_it(self):
        """Before the event that records the outcome the record has none."""
        checked = 0
        for complaint in _complaints("cfpb.toml", "cfpb_complaints.csv"):
            stating = [
                i for i, e in enumerate(complaint.history) if "outcome" in e.data
            ]
            if complaint.outcome is None or not stating or stating[0] == 0:
                continue
            index = stating[0]
            assert replay(complaint, version=index).outcome is None
            assert replay(complaint, version=index + 1).outcome == complaint.outcome
            checked += 1
        assert checked
