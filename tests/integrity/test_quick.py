"""The quick check's pure parts: chains from stored bytes, seals and digests."""

from __future__ import annotations

from iso10002.integrity import (
    SealVerdict,
    StoredLink,
    chain_rows,
    content_digest,
    new_salt,
    seal,
    seal_verdict,
    stored_chain_problems,
)
from iso10002.integrity.keys import ChainKeys, RecordKey
from iso10002.testing.contract import make_complaint, next_version

KEY = RecordKey(key_id="k", secret=b"0123456789abcdef0123456789abcdef")
OTHER = RecordKey(key_id="o", secret=b"fedcba9876543210fedcba9876543210")


def _links(key: RecordKey | None = None) -> tuple[str, list[StoredLink]]:
    complaint = next_version(next_version(make_complaint(1)))
    rows = chain_rows(
        complaint,
        after_version=0,
        previous_link="0" * 64,
        salt=new_salt(),
        row_id=complaint.id,
        key=key,
    )
    return complaint.id, [
        StoredLink(sequence=r[1], event=r[2], commitment=r[3], link=r[4]) for r in rows
    ]


class TestStoredChainProblems:
    def test_a_stored_chain_verifies_from_its_bytes(self):
        """Unkeyed and keyed chains as the library stores them have no problem."""
        cid, links = _links()
        assert stored_chain_problems(cid, links) == []
        cid, keyed = _links(KEY)
        assert stored_chain_problems(cid, keyed, ChainKeys(current=KEY)) == []

    def test_an_edited_event_text_breaks_the_chain(self):
        """One changed byte of an event's stored text is named at that event."""
        cid, links = _links()
        links[1] = StoredLink(
            sequence=2,
            event=links[1].event.replace('"', "'", 1),
            commitment=links[1].commitment,
            link=links[1].link,
        )
        (problem,) = stored_chain_problems(cid, links)
        assert problem.sequence == 2
        assert "hash chain broken" in problem.message

    def test_sequences_must_run_without_gaps(self):
        """A missing event is named where it belongs."""
        cid, links = _links()
        (problem,) = stored_chain_problems(cid, [links[0], links[2]])
        assert "where 2 belongs" in problem.message

    def test_values_of_other_types_break_the_chain(self):
        """A link or event that is not text (written behind our back) is named."""
        cid, links = _links()
        links[0] = StoredLink(sequence=1, event=7, commitment="c", link=links[0].link)
        assert "hash chain broken" in stored_chain_problems(cid, links)[0].message

    def test_keys_not_given_and_unkeyed_links_in_a_keyed_store(self):
        """A link keyed with an unknown key, or unkeyed in a keyed-only store."""
        cid, keyed = _links(KEY)
        assert stored_chain_problems(cid, keyed) != []
        assert stored_chain_problems(cid, keyed, ChainKeys(current=OTHER)) != []
        cid, plain = _links()
        assert stored_chain_problems(cid, plain, ChainKeys(current=KEY)) != []
        lenient = ChainKeys(current=KEY, keyed_only=False)
        assert stored_chain_problems(cid, plain, lenient) == []


class TestSeals:
    def test_verdicts(self):
        """Sound, broken and unsealed, for unkeyed and keyed seals."""
        digest = content_digest(("row",), "document")
        plain = seal("C-1", "head", digest)
        keyed = seal("C-1", "head", digest, KEY)
        assert keyed.startswith("k:")
        args = {"complaint_id": "C-1", "last_link": "head", "digest": digest}
        assert seal_verdict(plain, keys=None, **args) is SealVerdict.SOUND
        assert seal_verdict(keyed, keys=ChainKeys(current=KEY), **args) is (
            SealVerdict.SOUND
        )
        other = {**args, "digest": content_digest(("row",), "edited")}
        assert seal_verdict(plain, keys=None, **other) is SealVerdict.BROKEN
        assert seal_verdict(None, keys=None, **args) is SealVerdict.UNSEALED
        assert seal_verdict(keyed, keys=None, **args) is SealVerdict.UNSEALED
        assert seal_verdict(plain, keys=ChainKeys(current=KEY), **args) is (
            SealVerdict.UNSEALED
        )

    def test_the_digest_tells_text_from_other_values(self):
        """A document turned into a blob with the same repr digests differently."""
        assert content_digest((), "b'x'") != content_digest((), b"x")
        assert content_digest((), "\ud800") == content_digest((), "\ud800")
