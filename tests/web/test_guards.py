"""A guard's refusal: 409 problem details on the API, plain words in the console."""

from __future__ import annotations

import html
import re

import attrs
import pytest

from iso10002.calendars import WeekdayCalendar
from iso10002.handler import Actor, ComplaintsHandler, RoleBasedAccess
from iso10002.principles import policies_for
from iso10002.web import complainant_access, create_app
from iso10002.workflow import standard_workflow

OWNER = "iso10002.accountability.owner-assigned"


@pytest.fixture
def guarded(api):
    """A desk on the standard workflow: its guards are on by default."""
    return api


def assessed(client, kit) -> str:
    """Return a complaint assessed but owned by nobody yet."""
    cid = kit.receive(client)["id"]
    kit.walk(client, cid, until="assign")
    return cid


def test_the_api_answers_409_with_the_findings(guarded, kit):
    """The problem names the trigger, the state and each blocking finding."""
    cid = assessed(guarded, kit)
    response = kit.step(guarded, cid, "investigate")
    assert response.status_code == 409
    body = response.json()
    assert body["type"].endswith("/guard-rejected")
    assert body["trigger"] == "investigate"
    assert body["state"] == "assessed"
    assert [f["policy_id"] for f in body["findings"]] == [OWNER]
    assert body["detail"] == body["findings"][0]["message"]


def test_the_console_says_why_in_words(guarded, kit):
    """The case page shows the finding's message after the refused step."""
    cid = assessed(guarded, kit)
    page = guarded.get(f"/desk/complaints/{cid}", headers=kit.auth("manager"))
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    message = kit.step(guarded, cid, "investigate").json()["detail"]
    after = guarded.post(
        f"/desk/complaints/{cid}/steps/investigate",
        data={"csrf": csrf},
        headers=kit.auth("manager"),
    )
    assert "That step was not taken" in after.text
    assert html.escape(message) in after.text
    kit.step(guarded, cid, "assign", {"assignee": "agent:1"})
    assert kit.step(guarded, cid, "investigate").status_code == 200
    assert (
        Actor("agent:1").name
        in guarded.get(f"/desk/complaints/{cid}", headers=kit.auth("manager")).text
    )


def test_closing_an_upheld_complaint_asks_for_its_root_cause(guarded, kit):
    """The close form offers the root cause the guard needs; without it, 409."""
    cid = kit.receive(guarded)["id"]
    kit.walk(guarded, cid, until="close")
    page = guarded.get(f"/desk/complaints/{cid}", headers=kit.auth("manager"))
    assert 'name="root_cause.category"' in page.text
    assert 'name="root_cause.corrective_action"' in page.text
    refused = kit.step(guarded, cid, "close")
    assert refused.status_code == 409
    assert "root cause" in refused.json()["detail"]
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    guarded.post(
        f"/desk/complaints/{cid}/steps/close",
        data={
            "csrf": csrf,
            "root_cause.category": "billing-system",
            "root_cause.corrective_action": "Retries check for a settled payment.",
        },
        headers=kit.auth("manager"),
    )
    closed = guarded.get(f"/api/complaints/{cid}", headers=kit.auth("manager"))
    assert closed.json()["status"] == "closed"
    assert closed.json()["root_cause"]["category"] == "billing-system"


def test_a_custom_unguarded_workflow_takes_the_step(repository, kit):
    """Without the owner guard, investigating an unowned complaint is allowed."""
    definition = standard_workflow()
    steps = tuple(
        attrs.evolve(s, guards=tuple(g for g in s.guards if g != OWNER))
        for s in definition.steps
    )
    handler = ComplaintsHandler(
        repository,
        attrs.evolve(definition, steps=steps),
        policies_for("iso10002:2018"),
        calendar=WeekdayCalendar(),
        access=complainant_access(RoleBasedAccess()),
    )
    app = create_app(handler, secret_key=kit.SECRET, authenticate=kit.bearer)
    with kit.TestClient(app, base_url="https://testserver") as client:
        cid = assessed(client, kit)
        assert kit.step(client, cid, "investigate").status_code == 200
    handler.shutdown()
