"""Helpers for the principles tests: build histories and contexts."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import attrs
import pytest

from iso10002.model import HistoryEvent
from iso10002.principles import PolicyContext

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)


def _append(complaint, *events, **changes):
    """Return ``complaint`` with ``events`` (dicts of HistoryEvent fields) appended."""
    history = list(complaint.history)
    for spec in events:
        fields = dict(spec)
        last = history[-1].at
        at = max(fields.pop("at", last), last)
        history.append(
            HistoryEvent(
                sequence=len(history) + 1,
                at=at,
                actor=fields.pop("actor", "agent:1"),
                **fields,
            )
        )
    return attrs.evolve(
        complaint, history=tuple(history), version=len(history), **changes
    )


def _context(**fields):
    fields.setdefault("now", NOW)
    return PolicyContext(**fields)


@pytest.fixture(scope="session")
def append():
    """Append history events to a complaint, keeping the model's invariants."""
    return _append


@pytest.fixture(scope="session")
def context():
    """Build a PolicyContext with a fixed ``now`` unless given."""
    return _context


@pytest.fixture(scope="session")
def now():
    """The fixed instant audits run at."""
    return NOW


@pytest.fixture(scope="session")
def codes():
    """Return the codes of the findings a policy returns for a complaint."""

    def codes(policy, complaint, ctx):
        return [f.code for f in policy.evaluate(complaint, ctx)]

    return codes


@pytest.fixture(scope="session")
def later():
    """Return an instant ``days`` after ``at``."""
    return lambda at, days: at + timedelta(days=days)
