from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import pytest

from iso10002.errors import ValidationError
from iso10002.model import (
    Attachment,
    Complainant,
    Decision,
    HistoryEvent,
    Outcome,
    Remedy,
    RemedyKind,
    SatisfactionFeedback,
    WorkflowRef,
)

T0 = datetime(2026, 1, 5, tzinfo=timezone.utc)


class TestRemedy:
    def test_money_needs_currency(self):
        """An amount without a currency is refused."""
        with pytest.raises(ValidationError, match="currency"):
            Remedy(kind=RemedyKind.REFUND, amount=Decimal("10.00"))

    def test_negative_amount_is_refused(self):
        """A negative amount is refused."""
        with pytest.raises(ValidationError) as info:
            Remedy(kind=RemedyKind.REFUND, amount=Decimal(-1), currency="GBP")
        assert info.value.field == "amount"

    def test_lowercase_currency_is_refused(self):
        """Currencies are upper-case ISO 4217 codes."""
        with pytest.raises(ValidationError) as info:
            Remedy(kind=RemedyKind.REFUND, amount=Decimal(1), currency="gbp")
        assert info.value.field == "currency"

    def test_float_amount_is_refused(self):
        """Money is a Decimal, never a float."""
        with pytest.raises(ValidationError) as info:
            Remedy(kind=RemedyKind.REFUND, amount=1.5, currency="GBP")  # type: ignore[arg-type]
        assert info.value.field == "amount"


class TestSatisfactionFeedback:
    @pytest.mark.parametrize("score", [0, 6, -1])
    def test_score_outside_scale_is_refused(self, score):
        """Scores must be on the 1 to 5 scale."""
        with pytest.raises(ValidationError) as info:
            SatisfactionFeedback(score=score, received_at=T0)
        assert info.value.field == "score"

    def test_bool_is_not_a_score(self):
        """True is not accepted as the score 1."""
        with pytest.raises(ValidationError):
            SatisfactionFeedback(score=True, received_at=T0)


class TestComplainant:
    def test_bad_email_is_refused(self):
        """An e-mail address without @ is refused."""
        with pytest.raises(ValidationError) as info:
            Complainant(name="A", email="not-an-address")
        assert info.value.field == "email"

    def test_bad_language_is_refused(self):
        """A language must be a language tag."""
        with pytest.raises(ValidationError) as info:
            Complainant(name="A", language="english please")
        assert info.value.field == "language"

    def test_accessibility_needs_must_be_text(self):
        """Each accessibility need is non-empty text, named by position."""
        with pytest.raises(ValidationError) as info:
            Complainant(name="A", accessibility_needs=("large print", ""))
        assert info.value.field == "accessibility_needs[1]"


class TestAttachment:
    def test_sha256_must_be_hex(self):
        """The digest must be 64 lowercase hex digits."""
        with pytest.raises(ValidationError) as info:
            Attachment(
                name="a.pdf",
                media_type="application/pdf",
                size=1,
                sha256="x",
                uri="s3://a",
            )
        assert info.value.field == "sha256"

    def test_size_must_not_be_negative(self):
        """A negative size is refused."""
        with pytest.raises(ValidationError) as info:
            Attachment(
                name="a.pdf",
                media_type="application/pdf",
                size=-1,
                sha256="0" * 64,
                uri="s3://a",
            )
        assert info.value.field == "size"


class TestHistoryEvent:
    def test_name_must_be_camel_case(self):
        """Event names are CamelCase past-tense words."""
        with pytest.raises(ValidationError) as info:
            HistoryEvent(sequence=1, name="acknowledged", at=T0, actor="a")
        assert info.value.field == "name"

    def test_data_must_be_json(self):
        """Event data holding a non-JSON value is refused with its path."""
        with pytest.raises(ValidationError) as info:
            HistoryEvent(
                sequence=1, name="X", at=T0, actor="a", data={"amount": Decimal(1)}
            )
        assert info.value.field == "data.amount"

    def test_data_must_be_finite(self):
        """NaN is not JSON."""
        with pytest.raises(ValidationError) as info:
            HistoryEvent(
                sequence=1, name="X", at=T0, actor="a", data={"x": [float("nan")]}
            )
        assert info.value.field == "data.x[0]"

    def test_data_is_copied(self):
        """Mutating the caller's dict afterwards does not change the event."""
        data = {"a": 1}
        event = HistoryEvent(sequence=1, name="X", at=T0, actor="a", data=data)
        data["a"] = 2
        assert event.data == {"a": 1}

    def test_sequence_starts_at_one(self):
        """Sequence numbers start at 1."""
        with pytest.raises(ValidationError) as info:
            HistoryEvent(sequence=0, name="X", at=T0, actor="a")
        assert info.value.field == "sequence"


class TestDecision:
    def test_naive_communication_time_is_refused(self):
        """communicated_at must be timezone-aware."""
        with pytest.raises(ValidationError) as info:
            Decision(
                outcome=Outcome.UPHELD,
                summary="We agree",
                decided_by="agent:1",
                decided_at=T0,
                communicated_at=datetime(2026, 1, 6),
            )
        assert info.value.field == "communicated_at"


class TestWorkflowRef:
    def test_defaults_to_the_standard_workflow(self):
        """Without arguments the reference names the standard workflow, version 1."""
        assert WorkflowRef() == WorkflowRef(name="iso10002.standard", version=1)
