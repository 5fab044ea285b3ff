"""The REST API's OpenAPI 3.1 document, generated from the workflow and the model."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from iso10002 import __version__
from iso10002.model import ComplaintForm
from iso10002.web._problems import PROBLEM_TYPES
from iso10002.web._schema import component_schemas, field_type, schema_for
from iso10002.web._search import MAX_SEARCH
from iso10002.web._steps import keyword_type

__all__ = ["openapi_document"]

JSON = dict[str, Any]

_PROBLEM: JSON = {
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string"},
                    "message": {"type": "string"},
                },
                "required": ["field", "message"],
            },
        },
    },
    "required": ["type", "title", "status", "detail"],
}


def _ref(name: str) -> JSON:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: JSON, description: str, headers: JSON | None = None) -> JSON:
    answer: JSON = {
        "description": description,
        "content": {"application/json": {"schema": schema}},
    }
    if headers:
        answer["headers"] = headers
    return answer


def _problems(*statuses: int) -> dict[str, JSON]:
    titles = dict(PROBLEM_TYPES.values())
    return {
        str(s): {
            "description": titles[s],
            "content": {"application/problem+json": {"schema": _ref("Problem")}},
        }
        for s in statuses
    }


_ETAG = {"ETag": {"schema": {"type": "string"}, "description": "The version."}}
_ID = {
    "name": "complaint_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
}
_READ_ERRORS = (401, 403, 404, 422)


def _query(name: str, schema: JSON, description: str) -> JSON:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


def _search_parameters() -> list[JSON]:
    text = {"type": "string"}
    return [
        _query("text", text, "Words that must all be in the complaint's own words."),
        _query("email", text, "The complainant's e-mail address."),
        _query("phone", text, "The complainant's phone number (its digits count)."),
        _query("customer_reference", text, "The complainant's customer reference."),
        _query(
            "limit",
            {"type": "integer", "minimum": 1, "maximum": MAX_SEARCH},
            "The most results (20).",
        ),
    ]


def _list_parameters(states: list[str]) -> list[JSON]:
    query = _query
    instant = {"type": "string", "format": "date-time"}
    return [
        {
            **query(
                "status",
                {"type": "array", "items": {"type": "string", "enum": states}},
                "Any of these workflow states.",
            ),
            "style": "form",
            "explode": True,
        },
        query("received_from", instant, "Received at or after."),
        query("received_before", instant, "Received before."),
        query("due_before", instant, "Has a pending due date before."),
        query("breached", {"type": "boolean"}, "Breached now (or not)."),
        query("assignee", {"type": "string"}, "Assigned to."),
        query("category", {"type": "string"}, "Classified as."),
        query("channel", {"type": "string"}, "Received through."),
        query("reference", {"type": "string"}, "Human reference."),
        query(
            "limit",
            {"type": "integer", "minimum": 1, "maximum": 500},
            "Page size (50).",
        ),
        query("after", {"type": "string"}, "The previous page's next_cursor."),
    ]


def _step_body(sets: tuple[str, ...], keywords: Iterable[str], refs: JSON) -> JSON:
    properties = {
        name: schema_for(field_type(name), refs, request=True) for name in sets
    }
    given = {
        name: schema_for(keyword_type(name), refs, request=True)
        for name in sorted(keywords)
    }
    return {
        "type": "object",
        "properties": {
            **given,
            "data": {
                "type": "object",
                "properties": properties,
                "description": "The complaint fields the step sets (the "
                "step's keywords are the simpler way); the desk fills in when "
                "and by whom.",
            },
            "reason": {"type": "string", "description": "Free text (a note)."},
            "reason_code": {"type": "string"},
        },
        "additionalProperties": False,
    }


def openapi_document(
    triggers: dict[str, tuple[tuple[str, ...], frozenset[str], str]],
    states: list[str],
) -> JSON:
    """Return the OpenAPI document for a workflow's triggers and states.

    Args:
        triggers: Trigger → (the fields it sets, its keywords, a description).
        states: The workflow's state names.

    Returns:
        The OpenAPI 3.1 document as JSON data.
    """
    schemas = component_schemas()
    form_ref = schema_for(ComplaintForm, schemas, request=True)
    schemas["Problem"] = _PROBLEM
    schemas["Page"] = {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": _ref("Complaint")},
            "next_cursor": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        },
        "required": ["items", "next_cursor"],
    }
    schemas["Deadline"] = {
        "type": "object",
        "properties": {
            **schemas["DueDate"]["properties"],
            "state": {
                "type": "string",
                "enum": ["met", "met_late", "paused", "breached", "at_risk", "pending"],
            },
        },
        "required": [*schemas["DueDate"]["required"], "state"],
    }
    paths: JSON = {
        "/api/workflow": {
            "get": {
                "operationId": "workflow",
                "summary": "The workflow definition the desk runs",
                "responses": {
                    "200": _json({"type": "object"}, "The definition"),
                    **_problems(401),
                },
            }
        },
        "/api/complaints": {
            "get": {
                "operationId": "find",
                "summary": "Find complaints, one page at a time (redacted)",
                "parameters": _list_parameters(states),
                "responses": {
                    "200": _json(_ref("Page"), "A page"),
                    **_problems(401, 422),
                },
            },
            "post": {
                "operationId": "receive",
                "summary": "Record a complaint",
                "parameters": [
                    {
                        "name": "Idempotency-Key",
                        "in": "header",
                        "required": False,
                        "schema": {"type": "string"},
                    },
                    {
                        "name": "channel",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string"},
                    },
                ],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": form_ref}},
                },
                "responses": {
                    "201": _json(_ref("Complaint"), "Recorded", _ETAG),
                    "200": _json(
                        {
                            "type": "object",
                            "properties": {"id": {"type": "string"}},
                            "required": ["id"],
                        },
                        "Recorded before under this key (and not yours to read)",
                    ),
                    **_problems(401, 403, 409, 415, 422),
                },
            },
        },
        "/api/search": {
            "get": {
                "operationId": "search",
                "summary": "Search by words or a complainant's contacts (needs "
                "read_personal_data; only complaints you may read, redacted)",
                "parameters": _search_parameters(),
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "properties": {
                                "items": {"type": "array", "items": _ref("Complaint")}
                            },
                            "required": ["items"],
                        },
                        "The matches, in find order",
                    ),
                    **_problems(401, 403, 422, 501),
                },
            }
        },
        "/api/export": {
            "get": {
                "operationId": "export",
                "summary": "Export complaints as JSON lines (without personal data "
                "unless personal_data=true and allowed)",
                "parameters": [
                    p
                    for p in _list_parameters(states)
                    if p["name"] not in {"limit", "after"}
                ]
                + [
                    {
                        "name": "personal_data",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "boolean"},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "One complaint document per line",
                        "content": {
                            "application/x-ndjson": {"schema": {"type": "string"}}
                        },
                    },
                    **_problems(401, 403, 422),
                },
            }
        },
        "/api/reports/review": {
            "get": {
                "operationId": "review",
                "summary": "The management review pack with its audit evidence",
                "responses": {
                    "200": _json({"type": "object"}, "The pack as JSON data"),
                    **_problems(401, 403),
                },
            }
        },
        "/api/complaints/{complaint_id}": {
            "get": {
                "operationId": "get",
                "summary": "Read a complaint (redacted for you)",
                "parameters": [_ID],
                "responses": {
                    "200": _json(_ref("Complaint"), "The complaint", _ETAG),
                    **_problems(*_READ_ERRORS),
                },
            }
        },
        "/api/complaints/{complaint_id}/history": {
            "get": {
                "operationId": "history",
                "summary": "The complaint's history",
                "parameters": [_ID],
                "responses": {
                    "200": _json(
                        {"type": "array", "items": _ref("HistoryEvent")}, "Events"
                    ),
                    **_problems(*_READ_ERRORS),
                },
            }
        },
        "/api/complaints/{complaint_id}/deadlines": {
            "get": {
                "operationId": "deadlines",
                "summary": "The complaint's due dates, judged now",
                "parameters": [_ID],
                "responses": {
                    "200": _json(
                        {"type": "array", "items": _ref("Deadline")}, "Due dates"
                    ),
                    **_problems(*_READ_ERRORS),
                },
            }
        },
        "/api/complaints/{complaint_id}/steps": {
            "get": {
                "operationId": "steps",
                "summary": "The steps you may take now",
                "parameters": [_ID],
                "responses": {
                    "200": _json(
                        {"type": "array", "items": {"type": "string"}}, "Triggers"
                    ),
                    **_problems(*_READ_ERRORS),
                },
            }
        },
    }
    for trigger, (sets, keywords, description) in triggers.items():
        paths[f"/api/complaints/{{complaint_id}}/steps/{trigger}"] = {
            "post": {
                "operationId": f"step_{trigger}",
                "summary": description or f"Take the step {trigger!r}",
                "parameters": [
                    _ID,
                    {
                        "name": "If-Match",
                        "in": "header",
                        "required": False,
                        "schema": {"type": "string"},
                    },
                ],
                "requestBody": {
                    "required": False,
                    "content": {
                        "application/json": {
                            "schema": _step_body(sets, keywords, schemas)
                        }
                    },
                },
                "responses": {
                    "200": _json(_ref("Complaint"), "The new version", _ETAG),
                    **_problems(401, 403, 404, 409, 412, 415, 422),
                },
            }
        }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "iso10002 complaints desk",
            "version": __version__,
            "description": "ISO 10002 complaints handling: receive, read, "
            "and every workflow step. Errors are RFC 9457 problem details.",
        },
        "paths": paths,
        "components": {"schemas": schemas},
    }
