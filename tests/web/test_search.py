"""Search on the desk: the API's /api/search and the console's search box."""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iso10002.calendars import WeekdayCalendar
from iso10002.clock import FixedClock
from iso10002.handler import READ, Actor, ComplaintsHandler, RoleBasedAccess
from iso10002.model import Complainant, ComplaintForm
from iso10002.repositories import SearchQuery
from iso10002.repositories.memory import InMemoryComplaintRepository
from iso10002.web import complainant_access, create_app
from iso10002.web._search import search
from iso10002.web._steps import keyword_type

OTHER = {
    "complainant": {
        "name": "Alex Morgan",
        "email": "alex@example.net",
        "phone": "+44 20 7946 0018",
        "customer_reference": "CUST-77",
    },
    "description": "The engineer never came for the broadband repair.",
}


def receive(client, kit, form) -> str:
    response = client.post("/api/complaints", json=form, headers=kit.auth("manager"))
    assert response.status_code == 201, response.text
    return response.json()["id"]


def found(client, kit, who="manager", **params) -> list[str]:
    response = client.get("/api/search", params=params, headers=kit.auth(who))
    assert response.status_code == 200, response.text
    return [c["id"] for c in response.json()["items"]]


class NoSearch(InMemoryComplaintRepository):
    """An adapter without the optional search ability."""

    search = None


class OwnCases(RoleBasedAccess):
    """Handlers read only the complaints assigned to them."""

    def can(self, actor, action, complaint):
        if (
            "complaints-handler" in actor.roles
            and complaint is not None
            and action != "receive"
        ):
            return complaint.assignee == actor.name and super().can(
                actor, action, complaint
            )
        return super().can(actor, action, complaint)


def client_for(handler, kit):
    app = create_app(handler, secret_key=kit.SECRET, authenticate=kit.bearer)
    return kit.TestClient(app, base_url="https://testserver")


@pytest.fixture(
    params=["sqlite", "memory", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def searching(request, repository, kit):
    """A desk on SQLite, on the in-memory repository, or on PostgreSQL."""
    store = None
    if request.param == "postgres":
        from iso10002.handler.postgres import (  # noqa: PLC0415 - extra
            PostgresHandlerStore,
        )
        from iso10002.repositories.postgres import (  # noqa: PLC0415 - extra
            PostgresComplaintRepository,
        )

        dsn = request.getfixturevalue("iso10002_postgres_dsn")
        schema = f"web_search_{secrets.token_hex(5)}"  # this test's own
        repo = PostgresComplaintRepository(dsn, schema=schema, migrate=True)
        store = PostgresHandlerStore(dsn, schema=schema)
    elif request.param == "memory":
        repo = InMemoryComplaintRepository()
    else:
        repo = repository
    handler = kit.make_handler(repo, store)
    with client_for(handler, kit) as client:
        yield client
    handler.shutdown()
    if store is not None:
        import psycopg  # noqa: PLC0415 - the postgres extra

        store.close()
        repo.close()
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


class TestSearchApi:
    def test_words_and_contacts_find_the_complaint(self, searching, kit):
        """Text, e-mail, phone and customer reference each find their complaint."""
        first = receive(searching, kit, kit.FORM)
        second = receive(searching, kit, OTHER)
        assert found(searching, kit, text="charged twice") == [first]
        assert found(searching, kit, text="BROADBAND") == [second]
        assert found(searching, kit, email="Alex@Example.NET") == [second]
        assert found(searching, kit, phone="+44 (20) 7946-0018") == [second]
        assert found(searching, kit, customer_reference="CUST-77") == [second]
        assert found(searching, kit, text="charged", email="alex@example.net") == []

    def test_the_limit_cuts_the_results(self, searching, kit):
        """At most ``limit`` complaints come back, in find order."""
        ids = [receive(searching, kit, kit.FORM) for _ in range(3)]
        assert found(searching, kit, text="march", limit="2") == ids[:2]

    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({}, "text"),
            ({"text": "x", "limit": "0"}, "limit"),
            ({"text": "x", "limit": "many"}, "limit"),
            ({"text": "x", "nmae": "Sam"}, "nmae"),
            ({"phone": "no digits"}, "phone"),
            ({"text": "x" * 501}, "text"),
        ],
    )
    def test_a_bad_query_is_422_naming_the_field(self, api, kit, params, field):
        """A missing criterion, a bad limit or value, an unknown name: 422."""
        response = api.get("/api/search", params=params, headers=kit.auth("manager"))
        assert response.status_code == 422
        assert field in [e["field"] for e in response.json()["errors"]]

    def test_without_search_the_answer_is_501(self, kit):
        """A repository that cannot search gives a 501 problem detail."""
        handler = kit.make_handler(NoSearch())
        with client_for(handler, kit) as client:
            response = client.get(
                "/api/search", params={"text": "x"}, headers=kit.auth("manager")
            )
        handler.shutdown()
        assert response.status_code == 501
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"].endswith("/not-implemented")

    def test_it_is_in_the_openapi_document(self, api):
        """The document lists the search with its parameters and its 501."""
        operation = api.get("/api/openapi.json").json()["paths"]["/api/search"]["get"]
        names = {p["name"] for p in operation["parameters"]}
        assert names == {"text", "email", "phone", "customer_reference", "limit"}
        assert {"403", "422", "501"} <= operation["responses"].keys()


class TestSearchAccess:
    def test_an_auditor_without_personal_data_may_not_search(self, api, kit):
        """Searching reveals personal words: an auditor is refused with 403."""
        receive(api, kit, kit.FORM)
        for params in ({"text": "march"}, {"email": "sam@example.org"}):
            response = api.get(
                "/api/search", params=params, headers=kit.auth("auditor")
            )
            assert response.status_code == 403
            assert "sam@example.org" not in response.text

    def test_nobody_signed_in_is_401(self, api, kit):
        """No actor, no search."""
        assert api.get("/api/search", params={"text": "march"}).status_code == 401

    def test_a_handler_finds_only_what_its_policy_lets_it_read(self, repository, kit):
        """Complaints the access policy hides are left out of the results."""
        handler = ComplaintsHandler(
            repository,
            calendar=WeekdayCalendar(),
            access=complainant_access(OwnCases()),
        )
        with client_for(handler, kit) as client:
            mine = receive(client, kit, kit.FORM)
            theirs = receive(client, kit, kit.FORM)
            for cid, owner in ((mine, "agent:1"), (theirs, "agent:2")):
                kit.step(client, cid, "acknowledge")
                kit.step(client, cid, "assess", {"classification": {"category": "b"}})
                kit.step(client, cid, "assign", {"assignee": owner})
            assert found(client, kit, "handler", text="march") == [mine]
            assert found(client, kit, "other-handler", text="march") == [theirs]
            assert found(client, kit, "manager", text="march") == [mine, theirs]
            # A limit of one still finds the one the handler may read.
            assert found(client, kit, "other-handler", text="march", limit=1) == [
                theirs
            ]
        handler.shutdown()

    def test_results_are_what_get_shows(self, api, kit):
        """A result is the complaint as the handler's get shows it to the actor."""
        cid = receive(api, kit, kit.FORM)
        item = api.get(
            "/api/search", params={"text": "march"}, headers=kit.auth("handler")
        ).json()["items"][0]
        shown = api.get(f"/api/complaints/{cid}", headers=kit.auth("handler")).json()
        assert item == shown

    def test_a_policy_hiding_personal_data_of_one_complaint(self, repository, kit):
        """A match on a complaint whose personal data one may not read is hidden."""

        class Hidden(RoleBasedAccess):
            def can(self, actor, action, complaint):
                if complaint is not None and complaint.id in hidden:
                    return action == READ
                return super().can(actor, action, complaint)

        hidden: list[str] = []
        handler = ComplaintsHandler(
            repository, calendar=WeekdayCalendar(), access=Hidden()
        )
        with client_for(handler, kit) as client:
            shown = receive(client, kit, kit.FORM)
            hidden.append(receive(client, kit, kit.FORM))
            assert found(client, kit, email="sam@example.org") == [shown]
        handler.shutdown()


class TestSearchBox:
    def test_the_queue_has_a_search_box_that_finds(self, repository, kit):
        """The queue page's search shows the matches, linked to their case pages.

        On a fixed Monday morning: the acknowledgement (due by close of
        business two working days later) is more than the desk's two days
        away, so it is on track whatever the time the test runs at.
        """
        clock = FixedClock(datetime(2026, 12, 7, 9, tzinfo=timezone.utc))
        handler = kit.make_handler(repository, clock=clock)
        app = create_app(
            handler, secret_key=kit.SECRET, authenticate=kit.bearer, clock=clock
        )
        client = kit.TestClient(
            app, base_url="https://testserver", headers=kit.auth("manager")
        )
        cid = receive(client, kit, kit.FORM)
        receive(client, kit, OTHER)
        queue = client.get("/desk")
        assert 'role="search"' in queue.text
        results = client.get("/desk/search", params={"q": "charged", "by": "text"})
        assert results.status_code == 200
        links = re.findall(r'href="/desk/complaints/([^"]+)"', results.text)
        assert links == [cid]
        assert "On track" in results.text  # its acknowledgement is still due
        by_mail = client.get(
            "/desk/search", params={"q": "alex@example.net", "by": "email"}
        )
        assert "charged" not in by_mail.text
        assert len(re.findall(r'href="/desk/complaints/', by_mail.text)) == 1
        client.close()
        handler.shutdown()

    def test_a_closed_complaint_is_found_with_its_deadlines_met(
        self, desk_client_for, kit
    ):
        """Search finds closed complaints too; all due dates met shows All met."""
        client = desk_client_for("manager")
        cid = receive(client, kit, kit.FORM)
        assert kit.walk(client, cid)["status"] == "closed"
        assert "CMP-" not in client.get("/desk").text  # the queue is open work
        results = client.get("/desk/search", params={"q": "march", "by": "text"})
        assert f'href="/desk/complaints/{cid}"' in results.text
        assert "All met" in results.text

    def test_an_auditor_has_no_search_box(self, desk_client_for, kit):
        """Without personal data access the box is not offered and search is 403."""
        client = desk_client_for("auditor")
        assert 'role="search"' not in client.get("/desk").text
        refused = client.get("/desk/search", params={"q": "march", "by": "text"})
        assert refused.status_code == 403
        assert "personal data" in refused.text

    def test_a_bad_search_is_said_in_words(self, desk_client_for):
        """An empty or unknown search field is explained on the page (422)."""
        client = desk_client_for("manager")
        empty = client.get("/desk/search", params={"q": "", "by": "text"})
        assert empty.status_code == 422
        assert "give text, email, phone or customer_reference" in empty.text
        odd = client.get("/desk/search", params={"q": "x", "by": "name"})
        assert odd.status_code == 422


class TestSearchInvariant:
    @given(
        st.lists(
            st.tuples(
                st.sampled_from(["agent:1", "agent:2", None]),
                st.sampled_from(["march", "april"]),
            ),
            max_size=8,
        ),
        st.sampled_from(["agent:1", "agent:2"]),
        st.integers(min_value=1, max_value=10),
    )
    @settings(max_examples=30, deadline=None)
    def test_results_are_exactly_the_readable_matches(self, cases, who, limit):
        """Search gives the first ``limit`` matches the actor may read, no other."""
        handler = ComplaintsHandler(
            InMemoryComplaintRepository(),
            calendar=WeekdayCalendar(),
            access=OwnCases(),
        )
        manager = Actor("manager:1", roles={"complaints-manager"})
        expected = []
        for owner, word in cases:
            form = ComplaintForm(
                complainant=Complainant(name="Sam Taylor"),
                description=f"Charged twice in {word}.",
            )
            cid = handler.receive(form, actor=manager, channel="web").id
            if owner is not None:
                handler.acknowledge(cid, actor=manager)
                handler.assess(cid, actor=manager, category="billing")
                handler.assign(cid, actor=manager, assignee=owner)
            if owner == who and word == "march":
                expected.append(cid)
        actor = Actor(who, roles={"complaints-handler"})
        found = search(handler, SearchQuery(text="march"), actor=actor, limit=limit)
        assert [c.id for c in found] == expected[:limit]
        handler.shutdown()


def test_an_unknown_keyword_has_no_type():
    """A keyword the desk does not know is typed as Any (its schema is empty)."""
    assert keyword_type("no_such_keyword") is Any
