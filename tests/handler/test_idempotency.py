"""A re-used idempotency key neither leaks the stored complaint nor loses a form."""

from __future__ import annotations

import itertools
from datetime import timedelta

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iso10002.errors import AccessDenied, DuplicateError
from iso10002.handler import (
    DEFAULT_GRANTS,
    READ,
    RECEIVE,
    REDACTED,
    Actor,
    RoleBasedAccess,
)
from iso10002.model import Channel, ComplaintForm
from iso10002.repositories import Query
from iso10002.serialization import from_dict, to_dict
from iso10002.testing.strategies import complaint_forms

_KEYS = itertools.count()


class TestIdempotentIntake:
    def test_the_same_form_again_returns_the_complaint_as_get_would(
        self, make_handler, form, actors
    ):
        """A reader retrying the same form gets the complaint, redacted as by get."""
        # "desk" may receive and read, but not see personal data.
        access = RoleBasedAccess(grants={**DEFAULT_GRANTS, "desk": {RECEIVE, READ}})
        handler = make_handler(access=access)
        first = handler.receive(
            form, actor=actors["intake"], channel="web", idempotency_key="form-1"
        )
        handler.acknowledge(first.id, actor=actors["agent"])
        rebuilt = from_dict(ComplaintForm, to_dict(form))
        desk = Actor("desk:1", roles={"desk"})
        for who in (actors["manager"], actors["agent"], desk):
            again = handler.receive(
                rebuilt, actor=who, channel="web", idempotency_key="form-1"
            )
            assert again == handler.get(first.id, actor=who)
        assert again.complainant.name == REDACTED
        assert handler.repository.count(Query()) == 1

    def test_an_actor_who_may_not_read_gets_access_denied(
        self, make_handler, form, actors, walk
    ):
        """The intake role retrying after handling began learns the id, nothing else."""
        handler = make_handler()
        first = handler.receive(
            form, actor=actors["intake"], channel="web", idempotency_key="form-1"
        )
        walk(handler, first.id, actors["agent"])
        with pytest.raises(AccessDenied) as caught:
            handler.receive(
                form, actor=actors["intake"], channel="web", idempotency_key="form-1"
            )
        assert caught.value.complaint_id == first.id
        assert caught.value.action == "read"
        assert "refunded" not in str(caught.value).lower()
        # A handler who may read only their own complaints is refused the same way.
        with pytest.raises(AccessDenied):
            handler.receive(
                form,
                actor=actors["other_agent"],
                channel="web",
                idempotency_key="form-1",
            )
        assert handler.repository.count(Query()) == 1

    @pytest.mark.parametrize(
        "change",
        [
            {"description": "Another matter entirely."},
            {"desired_outcome": None},
            {"complainant.email": "other@example.org"},
        ],
    )
    def test_a_different_form_under_the_same_key_is_a_duplicate(
        self, make_handler, form, actors, change
    ):
        """Any changed field under a used key raises DuplicateError; nothing is lost."""
        handler = make_handler()
        first = handler.receive(
            form, actor=actors["intake"], channel="web", idempotency_key="form-1"
        )
        ((path, value),) = change.items()
        if path.startswith("complainant."):
            other = attrs.evolve(
                form,
                complainant=attrs.evolve(form.complainant, **{path[12:]: value}),
            )
        else:
            other = attrs.evolve(form, **{path: value})
        for who in ("intake", "manager"):
            with pytest.raises(DuplicateError) as caught:
                handler.receive(
                    other, actor=actors[who], channel="web", idempotency_key="form-1"
                )
            assert caught.value.different_payload
            assert caught.value.complaint_id == first.id
            assert caught.value.payload_digest is None
            assert "different payload" in str(caught.value)
        assert handler.repository.count(Query()) == 1

    def test_the_same_form_on_another_channel_is_a_duplicate(
        self, make_handler, form, actors
    ):
        """The channel is part of the submission: another channel is another payload."""
        handler = make_handler()
        handler.receive(
            form, actor=actors["intake"], channel="web", idempotency_key="form-1"
        )
        with pytest.raises(DuplicateError) as caught:
            handler.receive(
                form, actor=actors["manager"], channel="email", idempotency_key="form-1"
            )
        assert caught.value.different_payload

    def test_a_key_stored_without_a_digest_is_judged_by_the_key(
        self, make_handler, form, actors, walk
    ):
        """A key without a digest (old, or erased) returns the complaint to readers."""
        handler = make_handler()
        first = handler.receive(
            form, actor=actors["intake"], channel="web", idempotency_key="form-1"
        )
        handler.erase_personal_data(first.id, actor=actors["dpo"])
        other = attrs.evolve(form, description="Something else.")
        again = handler.receive(
            other, actor=actors["manager"], channel="web", idempotency_key="form-1"
        )
        assert again.id == first.id
        with pytest.raises(AccessDenied):
            handler.receive(
                other, actor=actors["intake"], channel="web", idempotency_key="form-1"
            )

    @settings(
        max_examples=25,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
        deadline=None,
    )
    @given(
        first=complaint_forms(),
        second=st.none() | complaint_forms(),
        rebuild=st.booleans(),
        channels=st.tuples(st.sampled_from(Channel), st.sampled_from(Channel)),
    )
    def test_same_form_same_complaint_any_other_form_a_duplicate(
        self, make_handler, clock, first, second, rebuild, channels
    ):
        """Same form and channel: the same complaint; any difference: DuplicateError."""
        handler = make_handler()
        manager = Actor("manager:1", roles={"complaints-manager"})
        key = f"form-{next(_KEYS)}"
        clock.advance(timedelta(seconds=1))
        stored = handler.receive(
            first, actor=manager, channel=channels[0], idempotency_key=key
        )
        if second is None:  # the same submission, sent again
            second = from_dict(ComplaintForm, to_dict(first)) if rebuild else first
            channels = (channels[0], channels[0])
        same = to_dict(second) == to_dict(first) and channels[0] == channels[1]
        if same:
            again = handler.receive(
                second, actor=manager, channel=channels[1], idempotency_key=key
            )
            assert again == handler.get(stored.id, actor=manager)
        else:
            with pytest.raises(DuplicateError) as caught:
                handler.receive(
                    second, actor=manager, channel=channels[1], idempotency_key=key
                )
            assert caught.value.different_payload
            assert caught.value.complaint_id == stored.id

    def test_a_duplicate_id_under_a_new_key_is_not_taken_for_a_retry(
        self, make_handler, form, actors
    ):
        """An id collision is a DuplicateError for the id, not a retry."""

        class SameId:
            def new_id(self) -> str:
                return "01SAMEID"

        handler = make_handler(ids=SameId())
        handler.receive(
            form, actor=actors["manager"], channel="web", idempotency_key="form-1"
        )
        with pytest.raises(DuplicateError) as caught:
            handler.receive(
                form, actor=actors["manager"], channel="web", idempotency_key="form-2"
            )
        assert caught.value.idempotency_key is None
        assert not caught.value.different_payload
