"""Hypothesis entry-point hook: register model strategies for ``st.from_type``."""

from __future__ import annotations

from typing import Any


def _resolve(cls: type[Any]) -> Any:
    # Imported on first use, not when Hypothesis loads this hook: the
    # strategies module itself imports Hypothesis, which runs this hook.
    from iso10002.testing.strategies import STRATEGIES  # noqa: PLC0415

    return STRATEGIES[cls]()


def _hypothesis_setup_hook() -> None:
    from hypothesis import strategies as st  # noqa: PLC0415 - only when Hypothesis loads us

    from iso10002.model import MODEL_TYPES  # noqa: PLC0415

    for cls in MODEL_TYPES:
        st.register_type_strategy(cls, _resolve)
