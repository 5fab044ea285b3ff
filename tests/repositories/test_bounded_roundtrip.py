"""Property: every value the model accepts is stored and read back every way.

Random complaints whose event data reaches the model's bounds (nesting depth,
64-bit integers, extreme floats, control characters, the PostgreSQL escape
character, long escaped text) are written to SQLite and PostgreSQL and read
back through ``get``, ``find``, ``iter_complaints``, ``events``,
``to_json``/``from_json`` and ``verify_integrity``.
"""

from __future__ import annotations

import itertools
import secrets
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iso10002.model import (
    MAX_EVENT_DATA_CHARS,
    MAX_JSON_DEPTH,
    MAX_JSON_INTEGER,
    Complaint,
)
from iso10002.repositories import Query, iter_complaints
from iso10002.repositories.sqlite import SQLiteComplaintRepository
from iso10002.serialization import from_json, to_json
from iso10002.testing import strategies as iso_st
from iso10002.testing.contract import next_version

_SETTINGS = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
)

# Any character the model accepts in event data: controls included, lone
# surrogates not.
_DATA_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=30) | (
    st.sampled_from(["\x00", "\ue000", "\ue002", "\u2028", '"\\', "😀"]).map(
        lambda s: s * 50
    )
)
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-MAX_JSON_INTEGER, max_value=MAX_JSON_INTEGER)
    | st.sampled_from([MAX_JSON_INTEGER, -MAX_JSON_INTEGER, 0])
    | st.floats(allow_nan=False, allow_infinity=False)
    | _DATA_TEXT
)


def _wrap(value: Any, depth: int, key: str) -> Any:
    for level in range(depth):
        value = [value] if level % 2 else {key: value}
    return value


_DEEP = st.builds(
    _wrap, _SCALARS, st.integers(min_value=0, max_value=MAX_JSON_DEPTH - 1), _DATA_TEXT
)
_LONG = st.builds(
    lambda char, share: char * (MAX_EVENT_DATA_CHARS // share),
    st.sampled_from(["x", "é", '"', "\x01"]),
    st.sampled_from([8, 16, 64]),
)
_DATA = st.dictionaries(
    _DATA_TEXT,
    _SCALARS | _DEEP | st.lists(_SCALARS, max_size=5) | _LONG,
    max_size=4,
)


def _accepted(data: dict[str, Any], complaint: Complaint) -> Complaint | None:
    """Return the next version with ``data``, or None when the model refuses it."""
    from iso10002.errors import ValidationError  # noqa: PLC0415

    try:
        return next_version(complaint, data=data)
    except ValidationError:
        return None


def _read_every_way(repository: Any, complaint: Complaint) -> None:
    assert repository.get(complaint.id) == complaint
    page = repository.find(Query(reference=complaint.reference))
    assert page.items == (complaint,)
    assert [c for c in iter_complaints(repository) if c.id == complaint.id] == [
        complaint
    ]
    mine = [e.event for e in _feed(repository) if e.complaint_id == complaint.id]
    assert tuple(mine) == complaint.history
    assert from_json(Complaint, to_json(repository.get(complaint.id))) == complaint
    assert repository.verify_integrity().ok


def _feed(repository: Any) -> list[Any]:
    found, after = [], 0
    while batch := repository.events(after=after, limit=1000):
        found += batch
        after = batch[-1].position
    return found


@pytest.fixture(scope="module")
def sqlite_store(tmp_path_factory):
    """One SQLite store for every example (ids never repeat)."""
    repo = SQLiteComplaintRepository(tmp_path_factory.mktemp("rt") / "rt.db")
    yield repo
    repo.close()


@pytest.fixture(scope="module")
def postgres_store(iso10002_postgres_dsn):
    """One PostgreSQL schema for every example, dropped afterwards."""
    pytest.importorskip("psycopg")
    import psycopg  # noqa: PLC0415

    from iso10002.repositories.postgres import (  # noqa: PLC0415
        PostgresComplaintRepository,
    )

    schema = f"roundtrip_{secrets.token_hex(5)}"
    repo = PostgresComplaintRepository(
        iso10002_postgres_dsn, schema=schema, pool_size=1
    )
    yield repo
    repo.close()
    with psycopg.connect(iso10002_postgres_dsn, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def repository(request):
    """Each SQL store in turn (kept for the module: example ids never repeat)."""
    return request.getfixturevalue(f"{request.param}_store")


_NUMBERS = itertools.count(1)


@_SETTINGS
@given(
    complaint=iso_st.complaints(max_events=3),
    data=st.lists(_DATA, min_size=1, max_size=3),
)
def test_accepted_values_read_back_through_every_path(
    repository: Any, complaint: Complaint, data: list[dict[str, Any]]
) -> None:
    """Whatever the model accepts is stored by add and save and read back."""
    number = next(_NUMBERS)
    complaint = attrs.evolve(
        complaint, id=f"P-{number:06d}", reference=f"REF-{number:06d}"
    )
    repository.add(complaint)
    for item in data:
        following = _accepted(item, complaint)
        if following is None:
            continue
        repository.save(following, expected_version=complaint.version)
        complaint = following
    _read_every_way(repository, complaint)
