"""Regulatory complaints returns computed from the complaints themselves.

:func:`fca_return` gives the UK FCA's DISP 1 Annex 1R figures for a period;
:func:`asic_return` gives the rows of ASIC's internal dispute resolution
(IDR) data report, laid out by an :class:`AsicLayout`. Both count by the
deadline pack's own rules and the organisation's business calendar.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from iso10002._publish import publish
from iso10002.analysis._asic_layout import (
    DEFAULT_ASIC_LAYOUT,
    AsicLayout,
    AsicRow,
)
from iso10002.analysis._fca_form import (
    FCA_FIELDS,
    FCA_RULES,
    FcaField,
)
from iso10002.analysis._returns_asic import (
    ASIC_COLUMNS,
    ASIC_RULES,
    AsicReturn,
    asic_return,
)
from iso10002.analysis._returns_fca import (
    ANNEX_1R_LAST_PERIOD_END,
    FcaFigures,
    FcaReturn,
    SupersededReturnWarning,
    fca_return,
)

__all__ = [
    "ANNEX_1R_LAST_PERIOD_END",
    "ASIC_COLUMNS",
    "ASIC_RULES",
    "DEFAULT_ASIC_LAYOUT",
    "FCA_FIELDS",
    "FCA_RULES",
    "AsicLayout",
    "AsicReturn",
    "AsicRow",
    "FcaField",
    "FcaFigures",
    "FcaReturn",
    "SupersededReturnWarning",
    "asic_return",
    "fca_return",
]

publish(globals())
