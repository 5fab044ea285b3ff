"""Any sequence of steps through the API: documented answers, versions in step."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from iso10002.repositories import InMemoryComplaintRepository
from iso10002.web import create_app
from iso10002.workflow import standard_workflow

TRIGGERS = standard_workflow().triggers
DATA = {
    "assess": {"classification": {"category": "billing"}},
    "decide": {
        "decision": {
            "outcome": "upheld",
            "summary": "Refunded.",
            "escalation_route": "The ombudsman, within six months.",
        },
        "outcome": "upheld",
    },
    "assign": {"assignee": "agent:1"},
    "record_satisfaction": {"satisfaction": {"score": 4}},
    "withdraw": {"outcome": "withdrawn"},
    "reject_as_not_a_complaint": {"outcome": "not_a_complaint"},
}


@settings(max_examples=25, deadline=None)
@given(
    steps=st.lists(st.sampled_from(TRIGGERS), max_size=10),
    role=st.sampled_from(["manager", "handler", "auditor"]),
)
def test_random_steps_keep_the_api_consistent(kit, steps, role):
    """Each step is 200 (one version more), or 403/409/422 (nothing changed)."""
    handler = kit.make_handler(InMemoryComplaintRepository())
    app = create_app(handler, secret_key=kit.SECRET, authenticate=kit.bearer)
    with kit.TestClient(app, base_url="https://testserver") as client:
        cid = kit.receive(client)["id"]
        version = 1
        for trigger in steps:
            allowed = client.get(f"/api/complaints/{cid}/steps", headers=kit.auth(role))
            response = kit.step(client, cid, trigger, DATA.get(trigger), who=role)
            assert response.status_code in {200, 403, 409, 422}, response.text
            now = client.get(f"/api/complaints/{cid}", headers=kit.auth("manager"))
            if response.status_code == 200:
                version += 1
                assert trigger in allowed.json()
                assert response.json()["status"] == now.json()["status"]
            elif response.json()["type"].endswith("/transition-not-allowed"):
                assert trigger not in allowed.json()
            assert now.json()["version"] == version
            assert now.headers["etag"] == f'"v{version}"'
    handler.shutdown()
