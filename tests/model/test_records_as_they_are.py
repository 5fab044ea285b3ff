"""Records as they really are: anonymous complainants, imports without a description."""

from __future__ import annotations

from datetime import datetime, timezone

import attrs
import pytest

from iso10002.errors import ValidationError
from iso10002.handler import Actor, ComplaintsHandler, InMemoryHandlerStore
from iso10002.model import (
    IMPORTED,
    Channel,
    Classification,
    Complainant,
    Complaint,
    ComplaintForm,
)
from iso10002.repositories import InMemoryComplaintRepository
from iso10002.repositories.sqlite import SQLiteComplaintRepository
from iso10002.serialization import to_dict

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)


def _complaint(**changes):
    form = ComplaintForm(complainant=Complainant(name=None),
                         description="Meter overcharged")  # fmt: skip
    complaint = Complaint.receive(
        form, id="c-1", reference="R-1", received_at=T0, channel=Channel.FAX,
        received_by="mailroom",
    )  # fmt: skip
    return attrs.evolve(complaint, **changes) if changes else complaint


class TestAnonymousComplainant:
    def test_no_name_is_anonymous_but_must_be_said(self):
        """``name=None`` is anonymous; leaving the name out is still an error."""
        assert Complainant(name=None).anonymous
        assert not Complainant(name="Ada").anonymous
        with pytest.raises(TypeError):
            Complainant()  # type: ignore[call-arg]

    def test_serialised_named_complainants_are_unchanged(self):
        """A named complainant serialises as before (stored commitments verify)."""
        assert "anonymous" not in to_dict(Complainant(name="Ada"))

    def test_redaction_and_erasure_keep_it_anonymous(self, tmp_path):
        """Redacting or erasing an anonymous complainant invents no name."""
        repository = SQLiteComplaintRepository(tmp_path / "c.db")
        try:
            repository.add(_complaint())
            erased = repository.erase_personal_data("c-1", actor="dpo", at=T0)
            assert erased.complainant.name is None
            assert erased.complainant.anonymous
            assert repository.verify_integrity().ok
        finally:
            repository.close()
        handler = ComplaintsHandler(
            InMemoryComplaintRepository(), store=InMemoryHandlerStore()
        )
        handler.repository.add(_complaint())
        seen = handler.get("c-1", actor=Actor("auditor", roles={"auditor"}))
        assert seen.complainant.name is None


class TestMissingDescription:
    def test_only_an_imported_record_may_lack_one(self):
        """A missing description is refused unless the receipt names an import."""
        complaint = _complaint()
        with pytest.raises(ValidationError) as info:
            attrs.evolve(complaint, description=None)
        assert info.value.field == "description"
        first = attrs.evolve(complaint.history[0], data={IMPORTED: "cfpb"})
        imported = attrs.evolve(complaint, description=None, history=(first,))
        assert imported.description is None


class TestSecondLevelAndChannels:
    def test_subcategory_and_fax(self):
        """A classification has an optional second level; fax is its own channel."""
        level = Classification(category="billing", subcategory="double charge")
        c = _complaint(classification=level)
        assert c.classification.subcategory == "double charge"
        assert c.channel is Channel.FAX
        assert Channel.FAX is not Channel.LETTER
        with pytest.raises(ValidationError) as info:
            Classification(category="billing", subcategory="x\ny")
        assert info.value.field == "subcategory"
