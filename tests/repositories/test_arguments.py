from __future__ import annotations

import attrs
import pytest

from iso10002.errors import ValidationError
from iso10002.integrity._erasure import _erase_object
from iso10002.model import PERSONAL
from iso10002.repositories import InMemoryComplaintRepository
from iso10002.repositories.sqlite import SQLiteComplaintRepository
from iso10002.testing.contract import make_complaint


@pytest.fixture(params=["memory", "sqlite"])
def repository(request, tmp_path):
    if request.param == "memory":
        yield InMemoryComplaintRepository()
        return
    repository = SQLiteComplaintRepository(tmp_path / "arguments.db")
    yield repository
    repository.close()


class TestArgumentChecks:
    def test_a_complaint_without_history_is_refused(self, repository):
        """Version 0 (no history) cannot be stored; the error names the version."""
        empty = attrs.evolve(make_complaint(1), version=0, history=())
        with pytest.raises(ValidationError) as caught:
            repository.add(empty)
        assert caught.value.field == "complaint.version"

    @pytest.mark.parametrize("key", ["", "   ", "k" * 201, 42])
    def test_bad_idempotency_keys_are_refused(self, repository, key):
        """Blank, overlong or non-string keys raise ValidationError naming the key."""
        with pytest.raises(ValidationError) as caught:
            repository.add(make_complaint(1), idempotency_key=key)
        assert caught.value.field == "idempotency_key"

    @pytest.mark.parametrize("complaint_id", ["", "x" * 65, 7, None])
    def test_bad_ids_are_refused(self, repository, complaint_id):
        """get and erase refuse what cannot be a complaint id, naming it."""
        with pytest.raises(ValidationError) as caught:
            repository.get(complaint_id)
        assert caught.value.field == "complaint_id"
        with pytest.raises(ValidationError) as caught:
            repository.erase_personal_data(
                complaint_id, actor="dpo", at=make_complaint(1).received_at
            )
        assert caught.value.field == "complaint_id"

    @pytest.mark.parametrize("version", [0, -1, "1", None])
    def test_bad_expected_versions_are_refused(self, repository, version):
        """Only integers of at least 1 are expected versions."""
        repository.add(make_complaint(1))
        with pytest.raises(ValidationError) as caught:
            repository.save(make_complaint(1, events=2), expected_version=version)
        assert caught.value.field == "expected_version"


@attrs.frozen
class _Note:
    text: str = attrs.field(metadata=PERSONAL)
    tags: tuple[str, ...] = attrs.field(factory=tuple, metadata=PERSONAL)
    kept: str = "kept"


class TestErasureRules:
    def test_factory_defaults_and_required_text_are_applied(self):
        """A personal field with a factory default gets a fresh default."""
        changed: list[str] = []
        erased = _erase_object(_Note(text="secret", tags=("a",)), "", changed)
        assert erased == _Note(text="[erased]", tags=(), kept="kept")
        assert changed == ["text", "tags"]
