"""The OpenAPI document against the running desk: no 500, no schema mismatch.

The desk runs in uvicorn on 127.0.0.1 (a port of its own); schemathesis
generates requests for every operation from the served document, bounded in
number, and checks each response: never a server error, a documented status
and content type, and a body that matches the document's schema.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from iso10002.repositories.sqlite import SQLiteComplaintRepository
from iso10002.web import create_app


@pytest.fixture(scope="module")
def served(tmp_path_factory, kit) -> Iterator[str]:
    """Run the desk in uvicorn on 127.0.0.1 with a few complaints; yield its URL."""
    repository = SQLiteComplaintRepository(tmp_path_factory.mktemp("fuzz") / "d.db")
    handler = kit.make_handler(repository)
    app = create_app(handler, secret_key=kit.SECRET, authenticate=kit.bearer)
    with kit.TestClient(app, base_url="https://testserver") as client:
        for until in (None, "decide", "assess"):
            cid = kit.receive(client)["id"]
            kit.walk(client, cid, until=until)
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="error")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    handler.shutdown()
    repository.close()


@pytest.fixture(scope="module")
def api_schema(served):
    return schemathesis.openapi.from_url(f"{served}/api/openapi.json")


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def fuzz(api_schema, headers, examples):
    """Run every operation's generated cases; return how many operations ran."""
    ran = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=examples,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        check()
        ran += 1
    return ran


def test_every_operation_conforms_for_a_manager(api_schema, kit):
    """A manager's generated requests get documented, schema-valid answers."""
    assert fuzz(api_schema, kit.auth("manager"), 12) > 20


def test_every_operation_conforms_for_an_auditor(api_schema, kit):
    """An auditor's requests (redacted views, refusals) conform as well."""
    assert fuzz(api_schema, kit.auth("auditor"), 4) > 20


def test_every_operation_conforms_for_nobody(api_schema):
    """Unauthenticated requests get documented 401 problem details."""
    assert fuzz(api_schema, {}, 2) > 20
