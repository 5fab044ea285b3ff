"""iso10002: embed an ISO 10002 conformant complaints-handling process.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from iso10002._version import __version__
from iso10002.model import Complaint, ComplaintForm

__all__ = ["Complaint", "ComplaintForm", "__version__"]
