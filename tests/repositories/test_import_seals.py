"""A bulk import seals what it writes: the store opens with the quick check alone.

``import_complaints`` seals each complaint it has just written, in the same
transaction, when its document agrees with its history; so a store just
imported opens without a checkpoint and without checking anything deeply,
and an edit made after the import is still named.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from tests.repositories.test_tamper import (
    _BACKENDS,
    CHAIN_KEY,
    QUICK_EDITS,
    START,
    PostgresStore,
    SQLiteStore,
    _handled,
)

from iso10002.clock import FixedClock
from iso10002.handler import ComplaintsHandler
from iso10002.integrity.keys import ChainKeys
from iso10002.model import Complaint, Outcome
from iso10002.repositories import InMemoryComplaintRepository
from iso10002.testing.contract import next_version


def _complaints(n: int) -> list[Complaint]:
    """Return ``n`` complaints handled to the end (replayable histories)."""
    memory = InMemoryComplaintRepository()
    clock = FixedClock(START)
    handler = ComplaintsHandler(memory, clock=clock, pack="uk.fca.disp")
    ids = [_handled(handler, clock) for _ in range(n)]
    handler.shutdown()
    return [memory.get(cid) for cid in ids]


def _empty(
    request: pytest.FixtureRequest, tmp_path: Path, keys: ChainKeys | None
) -> Any:
    if request.param == "sqlite":
        return SQLiteStore(tmp_path / "imported.db", keys)
    pytest.importorskip("psycopg")
    return PostgresStore(request.getfixturevalue("iso10002_postgres_dsn"), keys)


@pytest.fixture(params=_BACKENDS)
def empty(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """Return an empty store and raw access to it, on each adapter."""
    made = _empty(request, tmp_path, None)
    yield made
    made.close()


@pytest.fixture(params=_BACKENDS)
def keyed(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """Return an empty store whose links and seals are keyed, on each adapter."""
    made = _empty(request, tmp_path, ChainKeys(current=CHAIN_KEY))
    yield made
    made.close()


class _DeepChecks:
    """Record which complaints the quick check hands to the deep check."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, store: Any) -> None:
        engine = "sqlite" if isinstance(store, SQLiteStore) else "postgres"
        module = importlib.import_module(
            f"iso10002.repositories.{engine}._verify_quick"
        )
        real = module.verify_all
        self.checked: list[str] = []

        def spy(*args: Any, only: Any = None, **kwargs: Any) -> Any:
            self.checked.extend(only or ["<all>"])
            return real(*args, only=only, **kwargs)

        monkeypatch.setattr(module, "verify_all", spy)


class TestImportSeals:
    def test_an_imported_store_is_checked_quickly(self, empty, monkeypatch):
        """After an import the quick check finds every complaint sealed."""
        complaints = _complaints(4)
        assert empty.repository.import_complaints(complaints, batch_size=3) == 4
        deep = _DeepChecks(monkeypatch, empty)
        report = empty.repository.verify_integrity(quick=True)
        assert report.ok, report.problems
        assert report.complaints_checked == 4
        assert report.events_checked == sum(c.version for c in complaints)
        assert deep.checked == []

    def test_a_keyed_import_is_sealed_under_the_key(self, keyed, monkeypatch):
        """With chain keys the import's seals are HMACs the quick check accepts."""
        complaints = _complaints(3)
        keyed.repository.import_complaints(complaints, batch_size=2)
        deep = _DeepChecks(monkeypatch, keyed)
        assert keyed.repository.verify_integrity(quick=True).ok
        assert deep.checked == []
        QUICK_EDITS["document fact"](keyed, complaints[2].id)
        report = keyed.repository.verify_integrity(quick=True)
        assert report.broken_complaint_ids == (complaints[2].id,)

    def test_a_save_after_the_import_is_checked_deeply(self, empty, monkeypatch):
        """A complaint written since its import seal is checked deeply."""
        first, second = _complaints(2)
        empty.repository.import_complaints([first, second])
        empty.repository.save(next_version(first), expected_version=first.version)
        deep = _DeepChecks(monkeypatch, empty)
        assert empty.repository.verify_integrity(quick=True).ok
        assert deep.checked == [first.id]

    @pytest.mark.parametrize("edit", sorted(QUICK_EDITS))
    def test_an_edit_after_the_import_is_named(self, empty, edit):
        """Tampering with a complaint the import sealed is named by the quick check."""
        complaints = _complaints(3)
        empty.repository.import_complaints(complaints)
        cid = complaints[1].id
        QUICK_EDITS[edit](empty, cid)
        report = empty.repository.verify_integrity(quick=True)
        assert not report.ok
        assert cid in report.broken_complaint_ids

    def test_a_document_that_disagrees_with_its_history_is_not_sealed(
        self, empty, monkeypatch
    ):
        """An imported complaint whose document contradicts its history is checked."""
        good, bad = _complaints(2)
        bad = attrs.evolve(bad, outcome=Outcome.NOT_UPHELD)
        empty.repository.import_complaints([good, bad])
        deep = _DeepChecks(monkeypatch, empty)
        report = empty.repository.verify_integrity(quick=True)
        assert deep.checked == [bad.id]
        assert report.broken_complaint_ids == (bad.id,)
        assert any("history records" in p.message for p in report.problems)
