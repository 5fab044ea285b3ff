"""Contract layer 7: hostile arguments get the same ``iso10002`` error everywhere.

Every adapter refuses the same bad argument with the same error class naming
the same field, and never lets a driver's ``OverflowError``,
``UnicodeEncodeError`` or ``AttributeError`` escape: the checks run before
the store is touched.
"""

# A shipped test suite: it asserts and compares with literal expectations.
# ruff: noqa: S101

from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from iso10002.errors import Iso10002Error, NotFoundError, ValidationError
from iso10002.repositories import ComplaintRepository, Query
from iso10002.testing._contract_claim import Claiming
from iso10002.testing._contract_support import (
    Capability,
    ContractBase,
    make_complaint,
)

__all__ = ["BAD_IDS", "BAD_KEYS", "InputContract"]

BAD_IDS: tuple[Any, ...] = (
    "",
    " ",
    "x" * 65,
    None,
    7,
    b"C-000001",
    "\ud800",
    "C-\udfff",
    "a\x00b",
    "a\nb",
    "a\x7fb",
)
"""Values no complaint id can be: wrong types, lengths, controls, surrogates."""

BAD_KEYS: tuple[Any, ...] = ("", "   ", "k" * 201, 42, "\ud800", "k\x00", "k\r\n")
"""Values no idempotency key or worker name can be."""

_CURSORS: tuple[str, ...] = (
    *(
        base64.urlsafe_b64encode(raw).decode("ascii")
        for raw in (
            b"99999999999999999999999999|C-000001",
            b"-99999999999999999999999999|C-000001",
            b"1|",
            b"1|" + b"x" * 65,
            b"1|a\x00b",
            b"1|\xed\xa0\x80",  # a surrogate, encoded as CESU-8 would
            b"no separator",
            b"1.5|C-000001",
        )
    ),
    "!!",
    "é",
    "A" * 1001,
)

_UTC = timezone.utc
_EAST = timezone(timedelta(hours=5))
_WEST = timezone(timedelta(hours=-5))


def _error(call: Any) -> Iso10002Error:
    """Run ``call``; return the ``iso10002`` error it raised (anything else fails)."""
    with pytest.raises(Iso10002Error) as caught:
        call()
    return caught.value


class InputContract(ContractBase):
    """Hostile arguments: one named error from every adapter, never a raw one.

    .. versionadded:: 0.2.0
    """

    @pytest.mark.parametrize("complaint_id", BAD_IDS)
    def test_bad_complaint_ids_are_refused_by_name(
        self, repository: ComplaintRepository, complaint_id: Any
    ) -> None:
        """Get and erase name ``complaint_id`` for what cannot be an id."""
        repository.add(make_complaint(1))
        at = make_complaint(1).received_at + timedelta(days=1)
        for call in (
            lambda: repository.get(complaint_id),
            lambda: repository.erase_personal_data(complaint_id, actor="dpo", at=at),
        ):
            error = _error(call)
            assert isinstance(error, ValidationError)
            assert error.field == "complaint_id"

    @pytest.mark.parametrize("key", BAD_KEYS)
    def test_bad_idempotency_keys_are_refused_by_name(
        self, repository: ComplaintRepository, key: Any
    ) -> None:
        """Blank, long, non-string, control or surrogate keys: nothing is stored."""
        error = _error(lambda: repository.add(make_complaint(1), idempotency_key=key))
        assert isinstance(error, ValidationError)
        assert error.field == "idempotency_key"
        with pytest.raises(NotFoundError):
            repository.get("C-000001")

    @pytest.mark.parametrize("after", [-1, 2**63, 10**30, True, 1.0, "1", None])
    def test_feed_positions_out_of_range_are_refused(
        self, repository: ComplaintRepository, after: Any
    ) -> None:
        """A position beyond 64 bits or of the wrong type names ``after``."""
        error = _error(lambda: repository.events(after=after))
        assert isinstance(error, ValidationError)
        assert error.field == "after"

    def test_the_largest_position_reads_an_empty_feed(
        self, repository: ComplaintRepository
    ) -> None:
        """After the largest 64-bit position there is nothing, and no overflow."""
        repository.add(make_complaint(1))
        assert repository.events(after=2**63 - 1) == ()

    @pytest.mark.parametrize("cursor", _CURSORS)
    def test_crafted_cursors_are_refused(
        self, repository: ComplaintRepository, cursor: str
    ) -> None:
        """A cursor find did not make (huge numbers, bad ids) names ``after``."""
        repository.add(make_complaint(1))
        error = _error(lambda: repository.find(Query(), after=cursor))
        assert isinstance(error, ValidationError)
        assert error.field == "after"

    @pytest.mark.parametrize(
        "at",
        [
            datetime.min.replace(tzinfo=_UTC),
            datetime.max.replace(tzinfo=_UTC),
            datetime(1, 1, 1, 3, tzinfo=_WEST),
            datetime(9999, 12, 31, 12, tzinfo=_EAST),
        ],
    )
    def test_queries_at_the_ends_of_time_run(
        self, repository: ComplaintRepository, at: datetime
    ) -> None:
        """Criteria at year 1 and 9999 (that fit in UTC) select without overflow."""
        repository.add(make_complaint(1))
        for query in (
            Query(received_from=at),
            Query(received_before=at),
            Query(due_before=at),
            Query(breached=True, as_of=at),
            Query(breached=False, as_of=at),
        ):
            assert repository.count(query) in {0, 1}
            assert len(repository.find(query).items) in {0, 1}

    @pytest.mark.parametrize(
        "at",
        [datetime(1, 1, 1, 1, tzinfo=_EAST), datetime(9999, 12, 31, 23, tzinfo=_WEST)],
    )
    def test_instants_outside_utc_years_are_refused_by_name(self, at: datetime) -> None:
        """An offset pushing an instant out of years 1-9999 in UTC names the field."""
        with pytest.raises(ValidationError) as caught:
            Query(received_from=at)
        assert caught.value.field == "received_from"

    @pytest.mark.parametrize(
        "at",
        [
            datetime.max.replace(tzinfo=_UTC),
            datetime(9999, 12, 31, 23, tzinfo=_WEST),
            datetime(1, 1, 1, tzinfo=_UTC),
            "2026-01-01",
            None,
        ],
    )
    def test_erasure_at_any_instant_gives_a_result_or_a_named_error(
        self, repository: ComplaintRepository, at: Any
    ) -> None:
        """Erasing at an extreme or wrong instant erases or names ``at``."""
        repository.add(make_complaint(1))
        erased: Any = None
        refused: ValidationError | None = None
        try:
            erased = repository.erase_personal_data("C-000001", actor="dpo", at=at)
        except ValidationError as error:
            refused = error
        if refused is None:
            assert repository.get("C-000001") == erased
        else:
            assert refused.field.startswith(("at", "event.at"))
            assert repository.get("C-000001") == make_complaint(1)

    def _claiming(self, repository: ComplaintRepository) -> Claiming:
        self.require(Capability.CLAIM_NEXT)
        claiming: Claiming = repository  # type: ignore[assignment]
        return claiming

    @pytest.mark.parametrize("worker", [*BAD_KEYS, None])
    def test_bad_workers_are_refused_by_name(
        self, repository: ComplaintRepository, worker: Any
    ) -> None:
        """claim_next and release_claim name ``worker``; nothing is claimed."""
        claiming = self._claiming(repository)
        repository.add(make_complaint(1))
        for call in (
            lambda: claiming.claim_next(Query(), worker=worker),
            lambda: claiming.release_claim("C-000001", worker=worker),
        ):
            error = _error(call)
            assert isinstance(error, ValidationError)
            assert error.field == "worker"
        assert claiming.claim_next(Query(), worker="w1") is not None

    @pytest.mark.parametrize(
        "lease",
        [
            None,
            timedelta(0),
            timedelta(seconds=-1),
            timedelta.max,
            timedelta(days=367),
            300,
            "PT5M",
        ],
    )
    def test_bad_leases_are_refused_by_name(
        self, repository: ComplaintRepository, lease: Any
    ) -> None:
        """A lease must be a positive timedelta of at most 366 days."""
        claiming = self._claiming(repository)
        repository.add(make_complaint(1))
        error = _error(lambda: claiming.claim_next(Query(), worker="w1", lease=lease))
        assert isinstance(error, ValidationError)
        assert error.field == "lease"
        assert claiming.claim_next(Query(), worker="w1") is not None

    def test_the_longest_lease_is_accepted(
        self, repository: ComplaintRepository
    ) -> None:
        """A lease of exactly 366 days claims."""
        claiming = self._claiming(repository)
        repository.add(make_complaint(1))
        claimed = claiming.claim_next(Query(), worker="w1", lease=timedelta(days=366))
        assert claimed is not None

    def test_claims_refuse_what_is_not_a_query(
        self, repository: ComplaintRepository
    ) -> None:
        """claim_next names ``query`` when given something else."""
        claiming = self._claiming(repository)
        error = _error(lambda: claiming.claim_next("all", worker="w1"))  # type: ignore[arg-type]
        assert isinstance(error, ValidationError)
        assert error.field == "query"

    @pytest.mark.parametrize("complaint_id", BAD_IDS)
    def test_release_refuses_bad_ids_by_name(
        self, repository: ComplaintRepository, complaint_id: Any
    ) -> None:
        """release_claim names ``complaint_id`` for what cannot be an id."""
        claiming = self._claiming(repository)
        error = _error(lambda: claiming.release_claim(complaint_id, worker="w1"))
        assert isinstance(error, ValidationError)
        assert error.field == "complaint_id"

    def test_release_of_an_unknown_complaint_is_not_found(
        self, repository: ComplaintRepository
    ) -> None:
        """Releasing a claim on a complaint never stored raises NotFoundError."""
        claiming = self._claiming(repository)
        with pytest.raises(NotFoundError):
            claiming.release_claim("C-999999", worker="w1")
