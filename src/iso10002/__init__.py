"""iso10002: embed an ISO 10002 conformant complaints-handling process.

The names most host applications start with are available here::

    from iso10002 import ComplaintForm, ComplaintsHandler, standard_workflow

Everything else lives in its subpackage (``iso10002.model``,
``iso10002.workflow``, ``iso10002.principles``, ``iso10002.deadlines``,
``iso10002.repositories``, ``iso10002.handler``, ``iso10002.analysis``,
``iso10002.errors``). The handler, workflow and principles names load on first
use, so ``import iso10002`` stays cheap.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from iso10002._version import __version__
from iso10002.errors import Iso10002Error, ValidationError
from iso10002.model import Complaint, ComplaintForm

if TYPE_CHECKING:
    from iso10002.handler import ComplaintsHandler
    from iso10002.principles import policies_for
    from iso10002.workflow import Workflow, standard_workflow

__all__ = [
    "Complaint",
    "ComplaintForm",
    "ComplaintsHandler",
    "Iso10002Error",
    "ValidationError",
    "Workflow",
    "__version__",
    "policies_for",
    "standard_workflow",
]

# name -> module; imported on first attribute access (PEP 562).
_LAZY = {
    "ComplaintsHandler": "iso10002.handler",
    "Workflow": "iso10002.workflow",
    "standard_workflow": "iso10002.workflow",
    "policies_for": "iso10002.principles",
}


def __getattr__(name: str) -> Any:
    """Load the heavier top-level names on first use."""
    module = _LAZY.get(name)
    if module is None:
        msg = f"module 'iso10002' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """List the public names, lazy ones included."""
    return sorted({*globals(), *__all__})
