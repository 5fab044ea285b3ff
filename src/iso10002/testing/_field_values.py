"""Values for complaint fields and whole step data, as a step would set them."""

from __future__ import annotations

import typing
from collections.abc import Callable
from functools import cache
from typing import Any

from hypothesis import strategies as st

from iso10002.model import Complaint, Outcome
from iso10002.testing.strategies import (
    classifications,
    complainants,
    decisions,
    links,
    multiline_text,
    root_causes,
    satisfaction_feedback,
    single_line_text,
    subjects,
)
from iso10002.workflow import Step

__all__ = ["SETTABLE_FIELDS", "field_values", "step_data"]

_FIELD_STRATEGIES: dict[str, Callable[[], st.SearchStrategy[Any]]] = {
    "assignee": lambda: single_line_text(max_size=20),
    "classification": classifications,
    "complainant": complainants,
    "decision": decisions,
    "description": lambda: multiline_text(max_size=60),
    "desired_outcome": lambda: st.none() | multiline_text(max_size=40),
    "links": lambda: st.lists(links(), min_size=1, max_size=2).map(tuple),
    "outcome": lambda: st.sampled_from(Outcome),
    "root_cause": root_causes,
    "satisfaction": satisfaction_feedback,
    "subject": subjects,
}

SETTABLE_FIELDS = (
    "assignee",
    "classification",
    "decision",
    "links",
    "outcome",
    "root_cause",
    "satisfaction",
)
"""The complaint fields generated definitions let their steps set."""


@cache
@cache
def _field_types() -> dict[str, Any]:
    return typing.get_type_hints(Complaint)


def _field_type(name: str) -> Any:
    return _field_types()[name]


def field_values(name: str) -> st.SearchStrategy[Any]:
    """Generate values for the complaint field ``name``, as a step's data would set it.

    Args:
        name: A complaint field name, e.g. ``decision``.

    Returns:
        A strategy of valid model values for that field.

    .. versionadded:: 0.1.0
    """
    factory = _FIELD_STRATEGIES.get(name)
    return factory() if factory is not None else st.from_type(_field_type(name))


def step_data(step: Step | None) -> st.SearchStrategy[dict[str, Any]]:
    """Generate step data: usually every field the step sets, plus JSON event data."""
    fields = step.sets if step is not None else ()
    parts = {
        name: st.one_of(st.just(None), *[field_values(name)] * 4) for name in fields
    }

    def build(values: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
        data = {k: v for k, v in extra.items() if k not in parts}
        data.update({k: v for k, v in values.items() if v is not None})
        return data

    return st.builds(build, st.fixed_dictionaries(parts), _event_data())


@cache
def _event_data() -> st.SearchStrategy[dict[str, Any]]:
    # Small and flat on purpose: the engine passes event data through, and
    # drawing large nested JSON would dominate the run time of every step.
    scalars = (
        st.none() | st.booleans() | st.integers(-5, 5) | single_line_text(max_size=8)
    )
    return st.dictionaries(
        st.sampled_from(("note", "ref", "count", "id")), scalars, max_size=2
    )
