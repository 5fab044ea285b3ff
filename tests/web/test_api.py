"""The REST API: receive, read, find, steps; library errors as problem details."""

from __future__ import annotations

import json
import re

import attrs
import pytest

from iso10002.calendars import WeekdayCalendar
from iso10002.handler import ComplaintsHandler, RoleBasedAccess
from iso10002.handler.postgres import PostgresHandlerStore
from iso10002.repositories.postgres import PostgresComplaintRepository
from iso10002.web import complainant_access, create_app
from iso10002.workflow import WorkflowDefinition, standard_workflow


class TestReceive:
    def test_receive_answers_201_with_the_complaint_and_its_version_as_etag(
        self, kit, api
    ):
        """A new complaint comes back with status 201 and ETag "v1"."""
        response = api.post(
            "/api/complaints", json=kit.FORM, headers=kit.auth("manager")
        )
        assert response.status_code == 201
        assert response.headers["etag"] == '"v1"'
        assert response.json()["status"] == "received"

    def test_a_retry_with_the_same_idempotency_key_records_nothing_new(self, kit, api):
        """The same form under the same key returns the complaint already stored."""
        first = kit.receive(api, **{"Idempotency-Key": "k-1"})
        again = kit.receive(api, **{"Idempotency-Key": "k-1"})
        assert again["id"] == first["id"]
        page = api.get("/api/complaints", headers=kit.auth("manager")).json()
        assert [c["id"] for c in page["items"]] == [first["id"]]

    def test_a_different_form_under_a_used_key_is_a_conflict(self, kit, api):
        """Re-using a key for another form is 409, not a second complaint."""
        kit.receive(api, **{"Idempotency-Key": "k-2"})
        other = {**kit.FORM, "description": "Something else entirely."}
        response = api.post(
            "/api/complaints",
            json=other,
            headers={**kit.auth("manager"), "Idempotency-Key": "k-2"},
        )
        assert response.status_code == 409
        assert response.headers["content-type"] == "application/problem+json"

    def test_an_intake_retry_gets_the_id_alone(self, kit, api):
        """The intake role may not read: its retry is answered with the id only."""
        first = api.post(
            "/api/complaints",
            json=kit.FORM,
            headers={**kit.auth("intake"), "Idempotency-Key": "k"},
        )
        again = api.post(
            "/api/complaints",
            json=kit.FORM,
            headers={**kit.auth("intake"), "Idempotency-Key": "k"},
        )
        assert first.status_code == 201
        assert again.status_code == 200
        assert again.json() == {"id": first.json()["id"]}

    def test_a_bad_form_is_422_listing_every_field(self, kit, api):
        """Every problem of the form is listed with its field path."""
        bad = {"complainant": {"email": 5}, "description": "", "colour": "red"}
        response = api.post("/api/complaints", json=bad, headers=kit.auth("manager"))
        assert response.status_code == 422
        fields = {e["field"] for e in response.json()["errors"]}
        assert {"complainant.email", "colour"} <= fields

    def test_a_body_that_is_not_json_is_refused(self, kit, api):
        """A form-encoded body is 415: a cross-site HTML form cannot post to the API."""
        response = api.post(
            "/api/complaints",
            content=b"description=x",
            headers={
                **kit.auth("manager"),
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        assert response.status_code == 415

    def test_a_step_without_the_json_type_is_refused(self, kit, api):
        """An empty POST without the JSON type (a cross-site form) takes no step."""
        cid = kit.receive(api)["id"]
        response = api.post(
            f"/api/complaints/{cid}/steps/acknowledge", headers=kit.auth("manager")
        )
        assert response.status_code == 415
        current = api.get(f"/api/complaints/{cid}", headers=kit.auth("manager"))
        assert current.json()["status"] == "received"

    def test_malformed_json_is_422(self, kit, api):
        """A body that does not parse names the body."""
        response = api.post(
            "/api/complaints",
            content=b"{",
            headers={**kit.auth("manager"), "Content-Type": "application/json"},
        )
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {"field": "body", "message": "must be JSON"}
        ]

    def test_nobody_signed_in_is_401(self, kit, api):
        """Without an actor the API answers 401 problem details."""
        response = api.get("/api/complaints")
        assert response.status_code == 401
        assert response.json()["status"] == 401


class TestRead:
    def test_read_is_redacted_for_an_auditor(self, kit, api):
        """An auditor sees the complaint without the complainant's personal data."""
        cid = kit.receive(api)["id"]
        seen = api.get(f"/api/complaints/{cid}", headers=kit.auth("auditor")).json()
        full = api.get(f"/api/complaints/{cid}", headers=kit.auth("manager")).json()
        assert full["complainant"]["email"] == "sam@example.org"
        assert seen["complainant"]["email"] is None
        assert "Sam" not in str(seen)

    def test_unknown_complaint_is_404(self, kit, api):
        """A missing id is 404 problem details."""
        response = api.get(
            "/api/complaints/01J00000000000000000000000", headers=kit.auth("manager")
        )
        assert response.status_code == 404

    def test_history_and_deadlines_follow_the_steps(self, kit, api):
        """History lists each step; deadlines say whether each was met."""
        cid = kit.receive(api)["id"]
        kit.step(api, cid, "acknowledge")
        history = api.get(
            f"/api/complaints/{cid}/history", headers=kit.auth("manager")
        ).json()
        assert [e["trigger"] for e in history] == [None, "acknowledge"]
        deadlines = api.get(
            f"/api/complaints/{cid}/deadlines", headers=kit.auth("manager")
        ).json()
        by_step = {d["step"]: d["state"] for d in deadlines}
        assert by_step["acknowledge"] == "met"
        assert by_step["final_response"] in {"pending", "at_risk"}

    def test_steps_lists_what_the_actor_may_take_now(self, kit, api):
        """A new complaint offers acknowledge to staff and nothing to an auditor."""
        cid = kit.receive(api)["id"]
        staff = api.get(
            f"/api/complaints/{cid}/steps", headers=kit.auth("manager")
        ).json()
        auditor = api.get(
            f"/api/complaints/{cid}/steps", headers=kit.auth("auditor")
        ).json()
        assert "acknowledge" in staff
        assert "close" not in staff
        assert auditor == []


class TestFind:
    def test_a_misspelt_status_is_a_validation_error(self, kit, api):
        """``recieved`` is not a state: 422 naming the status, not an empty page."""
        response = api.get(
            "/api/complaints?status=recieved", headers=kit.auth("manager")
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "status"

    def test_status_filter_and_paging(self, kit, api):
        """Pages follow next_cursor; the status filter keeps only matching states."""
        ids = [kit.receive(api)["id"] for _ in range(3)]
        kit.step(api, ids[0], "acknowledge")
        page = api.get(
            "/api/complaints?status=received&limit=1", headers=kit.auth("manager")
        ).json()
        seen = [c["id"] for c in page["items"]]
        while page["next_cursor"]:
            page = api.get(
                "/api/complaints",
                params={"status": "received", "limit": 1, "after": page["next_cursor"]},
                headers=kit.auth("manager"),
            ).json()
            seen += [c["id"] for c in page["items"]]
        assert seen == ids[1:]

    @pytest.mark.parametrize(
        ("query", "field"),
        [
            ("limit=0", "limit"),
            ("limit=x", "limit"),
            ("breached=maybe", "breached"),
            ("received_from=yesterday", "received_from"),
            ("received_from=2026-01-01T00:00:00", "received_from"),
        ],
    )
    def test_bad_query_parameters_are_422(self, kit, api, query, field):
        """Each bad parameter is named."""
        response = api.get(f"/api/complaints?{query}", headers=kit.auth("manager"))
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == field

    def test_breached_filter(self, kit, api):
        """breached=false finds the new complaints (due dates ahead)."""
        cid = kit.receive(api)["id"]
        found = api.get(
            "/api/complaints?breached=false", headers=kit.auth("manager")
        ).json()
        assert [c["id"] for c in found["items"]] == [cid]
        found = api.get(
            "/api/complaints?breached=true", headers=kit.auth("manager")
        ).json()
        assert found["items"] == []


class TestSteps:
    def test_the_whole_clause_7_path(self, kit, api):
        """Receive to close through the generated kit.step endpoints."""
        cid = kit.receive(api)["id"]
        closed = kit.walk(api, cid)
        assert closed["status"] == "closed"
        assert closed["decision"]["decided_by"] == "manager:1"
        assert closed["decision"]["communicated_at"] is not None

    def test_a_step_not_allowed_now_is_409_with_the_allowed_ones(self, kit, api):
        """Closing a received complaint is 409 naming the state and what is allowed."""
        cid = kit.receive(api)["id"]
        response = kit.step(api, cid, "close")
        assert response.status_code == 409
        body = response.json()
        assert body["state"] == "received"
        assert "acknowledge" in body["allowed"]

    def test_missing_step_data_is_422(self, kit, api):
        """Assessing without a classification names the keyword it needs."""
        cid = kit.receive(api)["id"]
        kit.step(api, cid, "acknowledge")
        response = kit.step(api, cid, "assess", {})
        assert response.status_code == 422
        assert [e["field"] for e in response.json()["errors"]] == ["category"]

    def test_unknown_body_members_are_422(self, kit, api):
        """A kit.step body takes data, reason and reason_code only."""
        cid = kit.receive(api)["id"]
        response = api.post(
            f"/api/complaints/{cid}/steps/acknowledge",
            json={"dta": {}},
            headers=kit.auth("manager"),
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "dta"

    def test_if_match_with_the_current_version_passes(self, kit, api):
        """If-Match naming the current ETag lets the kit.step through."""
        created = api.post(
            "/api/complaints", json=kit.FORM, headers=kit.auth("manager")
        )
        cid = created.json()["id"]
        response = kit.step(
            api, cid, "acknowledge", **{"If-Match": created.headers["etag"]}
        )
        assert response.status_code == 200
        assert response.headers["etag"] == '"v2"'

    def test_if_match_with_an_old_version_is_412(self, kit, api):
        """A client that read version 1 cannot kit.step a complaint now at version 2."""
        cid = kit.receive(api)["id"]
        kit.step(api, cid, "acknowledge")
        response = kit.step(
            api,
            cid,
            "assess",
            {"classification": {"category": "x"}},
            **{"If-Match": '"v1"'},
        )
        assert response.status_code == 412
        assert response.json()["current_version"] == 2
        now = api.get(f"/api/complaints/{cid}", headers=kit.auth("manager")).json()
        assert now["status"] == "acknowledged"

    def test_a_malformed_if_match_is_422(self, kit, api):
        """If-Match must be one of the desk's ETags."""
        cid = kit.receive(api)["id"]
        response = kit.step(api, cid, "acknowledge", **{"If-Match": "yesterday"})
        assert response.status_code == 422

    def test_a_reason_is_kept_as_a_note_not_in_the_event(self, kit, api):
        """The free text goes to the complaint's notes; the event holds a code."""
        cid = kit.receive(api)["id"]
        response = api.post(
            f"/api/complaints/{cid}/steps/withdraw",
            json={"reason": "Sorted it out myself.", "data": {"outcome": "withdrawn"}},
            headers=kit.auth("manager"),
        )
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "withdrawn"
        assert body["notes"][0]["text"] == "Sorted it out myself."
        assert "Sorted" not in str(body["history"])


class TestCustomWorkflow:
    def test_a_renamed_trigger_gets_its_own_endpoint(self, kit, repository):
        """A custom workflow's trigger names are the API's kit.step paths."""
        data = standard_workflow().to_dict()
        data["name"] = "shop"
        for s in data["steps"]:
            if s["trigger"] == "acknowledge":
                s["trigger"] = "confirm_receipt"

        handler = ComplaintsHandler(
            repository,
            WorkflowDefinition.from_dict(data),
            calendar=WeekdayCalendar(),
        )
        app = create_app(handler, secret_key=kit.SECRET, authenticate=kit.bearer)
        with kit.TestClient(app, base_url="https://testserver") as client:
            paths = client.get("/api/openapi.json").json()["paths"]
            assert "/api/complaints/{complaint_id}/steps/confirm_receipt" in paths
            assert "/api/complaints/{complaint_id}/steps/acknowledge" not in paths
            cid = kit.receive(client)["id"]
            assert (
                kit.step(client, cid, "confirm_receipt").json()["status"]
                == "acknowledged"
            )
            assert kit.step(client, cid, "acknowledge").status_code == 404
        handler.shutdown()


@pytest.mark.postgres
def test_the_clause_7_path_on_postgresql(
    kit, iso10002_postgres_dsn, iso10002_postgres_schema
):
    """The same API runs on PostgreSQL."""

    repository = PostgresComplaintRepository(
        iso10002_postgres_dsn, schema=iso10002_postgres_schema, migrate=True
    )
    store = PostgresHandlerStore(iso10002_postgres_dsn, schema=iso10002_postgres_schema)
    handler = ComplaintsHandler(
        repository,
        calendar=WeekdayCalendar(),
        access=complainant_access(RoleBasedAccess()),
        store=store,
    )
    try:
        app = create_app(handler, secret_key=kit.SECRET, authenticate=kit.bearer)
        with kit.TestClient(app, base_url="https://testserver") as client:
            cid = kit.receive(client, **{"Idempotency-Key": "pg-1"})["id"]
            assert kit.receive(client, **{"Idempotency-Key": "pg-1"})["id"] == cid
            assert kit.walk(client, cid)["status"] == "closed"
            missing = client.get(
                "/api/complaints?status=recieved", headers=kit.auth("manager")
            )
            assert missing.status_code == 422
    finally:
        handler.shutdown()
        store.close()
        repository.close()


class TestHostileInput:
    def test_a_declared_huge_body_is_413_before_it_is_read(self, kit, handler):
        """A body declared over the limit is refused at once."""
        app = create_app(
            handler, secret_key=kit.SECRET, authenticate=kit.bearer, max_body_bytes=100
        )
        with kit.TestClient(app, base_url="https://testserver") as client:
            response = client.post(
                "/api/complaints",
                content=b"{" + b" " * 200 + b"}",
                headers={**kit.auth("manager"), "Content-Type": "application/json"},
            )
            assert response.status_code == 413

    def test_a_streamed_huge_body_is_413_too(self, kit, handler):
        """A chunked body (no length) is cut off at the limit."""
        app = create_app(
            handler, secret_key=kit.SECRET, authenticate=kit.bearer, max_body_bytes=100
        )

        def chunks():
            for _ in range(10):
                yield b" " * 50

        with kit.TestClient(app, base_url="https://testserver") as client:
            response = client.post(
                "/api/complaints",
                content=chunks(),
                headers={**kit.auth("manager"), "Content-Type": "application/json"},
            )
            assert response.status_code == 413

    def test_hostile_text_is_escaped_in_the_console(self, kit, api, desk_client_for):
        """Markup in a complaint is shown as text, never as markup."""
        form = {**kit.FORM, "description": "<script>alert(1)</script><img src=x>"}
        cid = api.post(
            "/api/complaints", json=form, headers=kit.auth("manager")
        ).json()["id"]
        page = desk_client_for("manager").get(f"/desk/complaints/{cid}").text
        assert "<script>alert(1)" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# Who may do what through the API: (role, read, acknowledge, receive).
MATRIX = [
    ("manager", 200, 200, 201),
    ("handler", 200, 200, 201),
    ("other-handler", 200, 200, 201),
    ("auditor", 200, 403, 403),
    ("intake", 403, 403, 201),
    ("nobody", 403, 403, 403),
]


@pytest.mark.parametrize(("role", "read", "acknowledge", "receive"), MATRIX)
def test_each_role_does_only_what_it_may(kit, api, role, read, acknowledge, receive):
    """The handler's access policy decides every API call, role by role."""
    cid = kit.receive(api)["id"]
    who = kit.auth(role)
    assert api.get(f"/api/complaints/{cid}", headers=who).status_code == read
    stepped = api.post(f"/api/complaints/{cid}/steps/acknowledge", json={}, headers=who)
    assert stepped.status_code == acknowledge
    created = api.post("/api/complaints", json=kit.FORM, headers=who)
    assert created.status_code == receive


def test_a_handler_may_not_touch_a_colleagues_complaint(kit, api):
    """complaints-handler acts only on complaints assigned to them or to nobody."""
    cid = kit.receive(api)["id"]
    kit.step(api, cid, "assign", {"assignee": "agent:2"})
    assert (
        api.get(f"/api/complaints/{cid}", headers=kit.auth("handler")).status_code
        == 403
    )
    assert kit.step(api, cid, "acknowledge", who="handler").status_code == 403
    assert kit.step(api, cid, "acknowledge", who="other-handler").status_code == 200
    listed = api.get("/api/complaints", headers=kit.auth("handler")).json()
    assert cid not in [c["id"] for c in listed["items"]]


class TestExportAndReview:
    def test_a_manager_exports_json_lines_without_personal_data(self, kit, api):
        """One document per line; personal fields are left out by default."""
        ids = [kit.receive(api)["id"] for _ in range(2)]
        response = api.get("/api/export", headers=kit.auth("manager"))
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/x-ndjson")
        lines = [json.loads(x) for x in response.text.splitlines()]
        assert [d["id"] for d in lines] == ids
        assert "sam@example.org" not in response.text

    def test_personal_data_needs_its_own_grant(self, kit, api):
        """A manager may export, but not personal data (the default grants)."""
        kit.receive(api)
        response = api.get(
            "/api/export?personal_data=true", headers=kit.auth("manager")
        )
        assert response.status_code == 403

    def test_export_checks_statuses_too(self, kit, api):
        """A misspelt state is 422 here as well."""
        response = api.get("/api/export?status=closd", headers=kit.auth("manager"))
        assert response.status_code == 422

    @pytest.mark.parametrize("role", ["handler", "intake", "nobody"])
    def test_who_may_not_export_gets_403_even_with_nothing_to_export(
        self, kit, api, role
    ):
        """The refusal does not depend on there being complaints."""
        assert api.get("/api/export", headers=kit.auth(role)).status_code == 403
        assert api.get("/api/reports/review", headers=kit.auth(role)).status_code == 403

    def test_the_review_pack_as_json(self, kit, api):
        """An auditor gets the review pack's data, with no personal data."""
        cid = kit.receive(api)["id"]
        kit.walk(api, cid)
        response = api.get("/api/reports/review", headers=kit.auth("auditor"))
        assert response.status_code == 200
        assert "sam@example.org" not in response.text
        assert "Sam Taylor" not in response.text
        assert isinstance(response.json(), dict)


def test_deciding_again_after_an_appeal_records_a_new_decision(kit, api):
    """After reject_decision the new decision has its own time, author and text."""
    cid = kit.receive(api)["id"]
    first = kit.walk(api, cid, until="close")
    assert first["status"] == "decision_communicated"
    appealed = kit.step(api, cid, "reject_decision", who="manager")
    assert appealed.json()["status"] == "internal_review"
    again = {
        "decision": {
            "outcome": "partially_upheld",
            "summary": "On review, half of it.",
            "reasons": "The second charge was a deposit, the first was not.",
            "escalation_route": "The ombudsman, within six months.",
        },
        "outcome": "partially_upheld",
    }
    decided = kit.step(api, cid, "decide", again, who="handler").json()["decision"]
    assert decided["summary"] == "On review, half of it."
    assert decided["decided_by"] == "agent:1"
    assert decided["decided_at"] > first["decision"]["decided_at"]
    assert decided["communicated_at"] is None


class TestStepKeywords:
    def test_a_step_takes_its_keywords_in_the_body(self, kit, api):
        """Keyword data (outcome, reasons, root_cause …) goes as the step's data."""
        cid = kit.receive(api)["id"]
        kit.walk(api, cid, until="decide")
        decision = dict(kit.DECISION["decision"])
        decided = kit.step_keywords(api, cid, "decide", decision)
        assert decided.status_code == 200, decided.text
        assert decided.json()["decision"]["reasons"] == decision["reasons"]
        told = kit.step_keywords(api, cid, "communicate_decision", {"via": "post"})
        assert told.json()["decision"]["communicated_via"] == "post"
        closed = kit.step_keywords(api, cid, "close", kit.CLOSING)
        assert closed.status_code == 200, closed.text
        assert closed.json()["root_cause"]["category"] == "billing-system"

    def test_raw_data_still_completes_the_decision(self, kit, api):
        """``data`` naming how the decision went out is recorded as that way."""
        cid = kit.receive(api)["id"]
        kit.walk(api, cid, until="communicate_decision")
        told = kit.step(
            api, cid, "communicate_decision", {"decision": {"communicated_via": "post"}}
        )
        assert told.status_code == 200, told.text
        decision = told.json()["decision"]
        assert decision["communicated_via"] == "post"
        assert decision["reasons"] == kit.DECISION["decision"]["reasons"]

    def test_a_keyword_of_another_step_is_422(self, kit, api):
        """A keyword the step does not take is named, with the step."""
        cid = kit.receive(api)["id"]
        response = kit.step_keywords(api, cid, "acknowledge", {"outcome": "upheld"})
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "outcome"
        assert "acknowledge" in response.json()["errors"][0]["message"]

    def test_a_bad_record_keyword_names_its_path(self, kit, api):
        """A root cause without its category is 422 naming root_cause.category."""
        cid = kit.receive(api)["id"]
        kit.walk(api, cid, until="close")
        response = kit.step_keywords(
            api, cid, "close", {"root_cause": {"description": "No category."}}
        )
        assert response.status_code == 422
        fields = [e["field"] for e in response.json()["errors"]]
        assert fields == ["root_cause.category"]

    def test_the_openapi_body_lists_the_keywords(self, api):
        """Each step's request body lists its keywords next to data and reason."""
        paths = api.get("/api/openapi.json").json()["paths"]
        body = paths["/api/complaints/{complaint_id}/steps/decide"]["post"][
            "requestBody"
        ]["content"]["application/json"]["schema"]["properties"]
        assert {"outcome", "reasons", "escalation_route", "remedies"} <= body.keys()
        assert "upheld" in str(body["outcome"])
        close = paths["/api/complaints/{complaint_id}/steps/close"]["post"]
        props = close["requestBody"]["content"]["application/json"]["schema"][
            "properties"
        ]
        assert "root_cause" in props
        assert "reasons" not in props


def test_a_renamed_workflow_gets_the_right_forms(repository, kit):
    """A custom workflow's deciding step, whatever its name, asks for its keywords."""
    definition = standard_workflow()
    renamed = {"decide": "settle", "close": "finish"}
    steps = tuple(
        attrs.evolve(s, trigger=renamed.get(s.trigger, s.trigger))
        for s in definition.steps
    )
    handler = ComplaintsHandler(
        repository,
        attrs.evolve(definition, steps=steps),
        calendar=WeekdayCalendar(),
        access=complainant_access(RoleBasedAccess()),
    )
    app = create_app(handler, secret_key=kit.SECRET, authenticate=kit.bearer)
    with kit.TestClient(
        app, base_url="https://testserver", headers=kit.auth("manager")
    ) as client:
        cid = kit.receive(client)["id"]
        for trigger, data in [
            ("acknowledge", None),
            ("assess", {"classification": {"category": "billing"}}),
            ("assign", {"assignee": "agent:1"}),
            ("investigate", None),
        ]:
            assert kit.step(client, cid, trigger, data).status_code == 200
        page = client.get(f"/desk/complaints/{cid}").text
        for name in ("outcome", "summary", "reasons", "escalation_route"):
            assert f'name="{name}"' in page
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        client.post(
            f"/desk/complaints/{cid}/steps/settle",
            data={"csrf": csrf, **kit.DECISION["decision"]},
        )
        settled = client.get(f"/api/complaints/{cid}").json()
        assert settled["status"] == "decided", settled["status"]
        assert settled["decision"]["reasons"] == kit.DECISION["decision"]["reasons"]
    handler.shutdown()
