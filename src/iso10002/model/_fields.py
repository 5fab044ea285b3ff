"""Field metadata for personal data; copying model values with changes (``evolve``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from iso10002.model._evolve import evolve

__all__ = ["PERSONAL", "evolve", "is_personal"]

PERSONAL: Mapping[str, bool] = {"iso10002.personal": True}
"""Field metadata marking personal data, used by redaction and erasure."""


def is_personal(attribute: attrs.Attribute[Any]) -> bool:
    """Tell whether an attrs field is marked as personal data."""
    return bool(attribute.metadata.get("iso10002.personal", False))
