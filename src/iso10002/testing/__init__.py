"""Test helpers for users of iso10002 (install the ``testing`` extra).

``iso10002.testing.strategies`` has Hypothesis strategies for every model type.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

__all__: list[str] = []
