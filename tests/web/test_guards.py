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
def guarded(repository, kit):
    """A desk whose workflow refuses to investigate a complaint nobody owns."""
    definition = standard_workflow()
    steps = tuple(
        attrs.evolve(s, guards=(*s.guards, OWNER)) if s.trigger == "investigate" else s
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
    with kit.TestClient(
        app, base_url="https://testserver", follow_redirects=True
    ) as client:
        yield client
    handler.shutdown()


def assessed(client, kit) -> str:
    cid = kit.receive(client)["id"]
    kit.walk(client, cid, until="investigate")
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
