"""Long histories are parsed once; a read returns what parsing the stored rows does."""

from __future__ import annotations

import json
from contextlib import closing

from iso10002.integrity.documents import document_text, event_json
from iso10002.repositories._parsed import ParsedDocuments
from iso10002.repositories.sqlite import SQLiteComplaintRepository
from iso10002.repositories.sqlite._read import HISTORY, read_row
from iso10002.serialization import to_json
from iso10002.testing.contract import make_complaint, next_version

LONG = 200  # events: well above ParsedDocuments' threshold


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


def _fresh(repository: SQLiteComplaintRepository, complaint_id: str):
    """Parse the stored row afresh (no cache)."""
    with repository._connection() as connection:
        row = connection.execute(
            f"SELECT document, {HISTORY} FROM complaints WHERE id = ?",
            (complaint_id,),
        ).fetchone()
    return read_row(complaint_id, row[0], row[1])


def _stamp(repository: SQLiteComplaintRepository, complaint_id: str):
    with repository._connection() as connection:
        return connection.execute(
            "SELECT document, version, last_link FROM complaints WHERE id = ?",
            (complaint_id,),
        ).fetchone()


def test_reads_and_saves_agree_with_a_fresh_parse(tmp_path):
    with closing(SQLiteComplaintRepository(tmp_path / "p.db")) as repository:
        complaint = _long()
        repository.add(complaint)
        for i in range(5):
            current = repository.get(complaint.id)
            repository.save(
                next_version(current, assignee=f"lead:{i}"),
                expected_version=current.version,
            )
            got = repository.get(complaint.id)
            fresh = _fresh(repository, complaint.id)
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
        fresh = _fresh(repository, complaint.id)
        assert repository.get(complaint.id) == fresh


def test_a_whole_document_is_read_as_stored_and_saves_are_remembered(tmp_path):
    """A document stored whole (before schema v5) is read and saved as such."""
    with closing(SQLiteComplaintRepository(tmp_path / "p.db")) as repository:
        complaint = _long()
        repository.add(complaint)
        whole = document_text(complaint, [event_json(e) for e in complaint.history])
        with repository._connection() as connection:
            connection.execute(
                "UPDATE complaints SET document = ? WHERE id = ?",
                (whole, complaint.id),
            )
        current = repository.get(complaint.id)
        assert current == complaint
        saved = next_version(current, assignee="lead:3")
        repository.save(saved, expected_version=current.version)
        assert repository.get(complaint.id) is saved
        assert _fresh(repository, complaint.id) == saved
        assert repository.verify_integrity().ok


def test_a_row_read_with_a_known_version_but_another_document_is_read_again(
    tmp_path,
):
    """The history is read again when only the document changed behind our back."""
    with closing(SQLiteComplaintRepository(tmp_path / "p.db")) as repository:
        complaint = _long()
        repository.add(complaint)
        assert repository.get(complaint.id) is repository.get(complaint.id)
        document = json.loads(_stored(repository, complaint.id))
        document["assignee"] = "intruder"
        with repository._connection() as connection:
            connection.execute(
                "UPDATE complaints SET document = ? WHERE id = ?",
                (json.dumps(document, separators=(",", ":")), complaint.id),
            )
        got = repository.get(complaint.id)
        assert got.assignee == "intruder"
        assert got.history == complaint.history


def test_the_cache_is_bounded_and_skips_short_histories():
    parsed = ParsedDocuments(size=2, min_events=1)
    complaints = [make_complaint(n) for n in (1, 2, 3)]
    stamps = [(to_json(c), c.version, f"link-{n}") for n, c in enumerate(complaints)]
    for complaint, stamp in zip(complaints, stamps, strict=True):
        parsed.remember(complaint.id, stamp, complaint)
    assert parsed.known(complaints[0].id, stamps[0]) is None
    assert parsed.known(complaints[2].id, stamps[2]) is complaints[2]
    assert parsed.known(complaints[2].id, stamps[1]) is None
    short = ParsedDocuments(min_events=10**9)
    short.remember(complaints[0].id, stamps[0], complaints[0])
    assert short.known(complaints[0].id, stamps[0]) is None


def test_short_histories_kept_for_checked_writes_are_not_served_to_reads():
    """``keep_short``: a short complaint is known by its stamp, not read from memory."""
    complaint = make_complaint(1)
    stamp = (to_json(complaint), complaint.version, "link")
    kept = ParsedDocuments(min_events=10**9, keep_short=True)
    kept.remember(complaint.id, stamp, complaint)
    assert kept.known(complaint.id, stamp) is complaint
    assert kept.entry(complaint.id) is None
    long_enough = ParsedDocuments(min_events=1, keep_short=True)
    long_enough.remember(complaint.id, stamp, complaint)
    assert long_enough.entry(complaint.id) == (stamp, complaint)


def test_erasure_forgets_the_remembered_complaint(tmp_path):
    with closing(SQLiteComplaintRepository(tmp_path / "p.db")) as repository:
        complaint = _long()
        repository.add(complaint)
        before = repository.get(complaint.id)
        assert repository._parsed.known(complaint.id, _stamp(repository, complaint.id))
        erased = repository.erase_personal_data(
            complaint.id, actor="dpo", at=before.history[-1].at
        )
        assert repository._parsed._entries.get(complaint.id) is None
        assert repository.get(complaint.id) == erased
