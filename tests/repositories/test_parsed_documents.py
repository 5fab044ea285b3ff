"""Long documents are parsed once; a read returns what parsing the stored text does."""

from __future__ import annotations

import json
from contextlib import closing

from iso10002.repositories._documents import stored_history
from iso10002.repositories._integrity import load_document
from iso10002.repositories._parsed import ParsedDocuments
from iso10002.repositories.sqlite import SQLiteComplaintRepository
from iso10002.serialization import to_json
from iso10002.testing.contract import make_complaint, next_version

LONG = 200  # events: the document is well above ParsedDocuments' threshold


def _long(number: int = 1):
    complaint = make_complaint(number)
    for i in range(LONG - 1):
        complaint = next_version(complaint, assignee=f"agent:{i % 3}")
    return complaint


def _stored(repository: SQLiteComplaintRepository, complaint_id: str) -> str:
    with repository._connection() as connection:
        return connection.execute(
            "SELECT document FROM complaints WHERE id = ?", (complaint_id,)
        ).fetchone()[0]


def test_reads_and_saves_agree_with_a_fresh_parse(tmp_path):
    with closing(SQLiteComplaintRepository(tmp_path / "p.db")) as repository:
        complaint = _long()
        repository.add(complaint)
        assert len(_stored(repository, complaint.id)) > 16_384
        for i in range(5):
            current = repository.get(complaint.id)
            repository.save(
                next_version(current, assignee=f"lead:{i}"),
                expected_version=current.version,
            )
            got = repository.get(complaint.id)
            fresh = load_document(complaint.id, _stored(repository, complaint.id))
            assert got == fresh
            # Equal data; only the order of keys in an event's data may differ.
            assert json.loads(to_json(got)) == json.loads(to_json(fresh))
            assert got.version == LONG + i + 1
            assert got.assignee == f"lead:{i}"
        assert repository.verify_integrity().ok


def test_a_read_after_the_save_does_not_parse_again(tmp_path):
    with closing(SQLiteComplaintRepository(tmp_path / "p.db")) as repository:
        complaint = _long()
        repository.add(complaint)
        current = repository.get(complaint.id)
        assert repository.get(complaint.id) is current
        saved = next_version(current, assignee="lead:1")
        repository.save(saved, expected_version=current.version)
        assert repository.get(complaint.id) is saved


def test_an_edit_behind_the_librarys_back_is_read_as_stored(tmp_path):
    with closing(SQLiteComplaintRepository(tmp_path / "p.db")) as repository:
        complaint = _long()
        repository.add(complaint)
        repository.get(complaint.id)
        document = json.loads(_stored(repository, complaint.id))
        document["assignee"] = "intruder"
        with repository._connection() as connection:
            connection.execute(
                "UPDATE complaints SET document = ? WHERE id = ?",
                (json.dumps(document), complaint.id),
            )
        assert repository.get(complaint.id).assignee == "intruder"
        assert not repository.verify_integrity().ok
        # A save over a document it did not parse is not remembered either.
        current = repository.get(complaint.id)
        repository.save(
            next_version(current, assignee="lead:2"), expected_version=current.version
        )
        fresh = load_document(complaint.id, _stored(repository, complaint.id))
        assert repository.get(complaint.id) == fresh


def test_a_save_over_a_document_without_a_history_text_is_not_remembered(tmp_path):
    with closing(SQLiteComplaintRepository(tmp_path / "p.db")) as repository:
        complaint = _long()
        repository.add(complaint)
        stored = _stored(repository, complaint.id)
        assert stored_history(stored) is not None
        # The same complaint, its keys reordered: no history text to keep.
        reordered = json.dumps(json.loads(stored), sort_keys=True)
        assert stored_history(reordered) is None
        with repository._connection() as connection:
            connection.execute(
                "UPDATE complaints SET document = ? WHERE id = ?",
                (reordered, complaint.id),
            )
        current = repository.get(complaint.id)
        saved = next_version(current, assignee="lead:3")
        repository.save(saved, expected_version=current.version)
        got = repository.get(complaint.id)
        assert got is not saved
        assert got == saved
        assert repository.verify_integrity().ok


def test_the_cache_is_bounded_and_skips_short_documents():
    parsed = ParsedDocuments(size=2, min_chars=10)
    complaints = [make_complaint(n) for n in (1, 2, 3)]
    texts = [to_json(c) for c in complaints]
    for complaint, text in zip(complaints, texts, strict=True):
        assert parsed.load(complaint.id, text) == complaint
    assert parsed.known(complaints[0].id, texts[0]) is None
    assert parsed.known(complaints[2].id, texts[2]) is not None
    assert parsed.known(complaints[2].id, texts[1]) is None
    short = ParsedDocuments(min_chars=10**9)
    assert short.load(complaints[0].id, texts[0]) == complaints[0]
    assert short.known(complaints[0].id, texts[0]) is None
    short.remember(complaints[0].id, texts[0], complaints[0])
    assert short.known(complaints[0].id, texts[0]) is None


def test_erasure_forgets_the_remembered_complaint(tmp_path):
    with closing(SQLiteComplaintRepository(tmp_path / "p.db")) as repository:
        complaint = _long()
        repository.add(complaint)
        before = repository.get(complaint.id)
        assert repository._parsed.known(complaint.id, _stored(repository, complaint.id))
        erased = repository.erase_personal_data(
            complaint.id, actor="dpo", at=before.history[-1].at
        )
        assert repository._parsed._entries.get(complaint.id) is None
        assert repository.get(complaint.id) == erased
