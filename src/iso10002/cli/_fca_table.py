"""The FCA return as a table for people and as CSV, one row per product group."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from iso10002.analysis.returns import FcaFigures, FcaReturn

__all__ = ["FCA_COLUMNS", "fca_csv", "fca_text"]

FCA_COLUMNS: tuple[tuple[str, str], ...] = (
    ("product_group", "product group"),
    ("outstanding_at_start", "open at start"),
    ("opened", "opened"),
    ("closed", "closed"),
    ("closed_within_3_business_days", "<=3 bd"),
    ("closed_within_8_weeks", ">3 bd <=8 wk"),
    ("closed_after_8_weeks", ">8 wk"),
    ("upheld", "upheld"),
    ("redress_paid", "redress"),
    ("outstanding_at_end", "open at end"),
    ("eight_week_due", "8-wk due"),
    ("eight_week_met", "8-wk met"),
)
"""``(FcaFigures field, short heading)`` of the FCA table, in order; the form's
wording of each field is in :data:`iso10002.analysis.returns.FCA_FIELDS`."""


def _cells(figures: FcaFigures) -> list[str]:
    return [str(getattr(figures, name)) for name, _ in FCA_COLUMNS]


def fca_text(result: FcaReturn, zone: str) -> str:
    """Render an FCA return as a table, with its counting rules.

    Args:
        result: The return.
        zone: The name of the zone the period was parsed in.
    """
    rows = [[heading for _, heading in FCA_COLUMNS]]
    rows += [_cells(g) for g in (*result.groups, result.total)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(FCA_COLUMNS))]

    def line(row: Sequence[str]) -> str:
        first = row[0].ljust(widths[0])
        rest = (
            cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)
        )
        return "  ".join((first, *rest)).rstrip()

    lines = [
        (
            f"FCA complaints return (DISP 1.10), period {result.period.label} in "
            f"{zone}, redress in {result.currency}"
        ),
        line(rows[0]),
        *(line(row) for row in rows[1:]),
    ]
    if result.other_currency_redress:
        other = ", ".join(f"{c} {v}" for c, v in result.other_currency_redress.items())
        lines.append(f"Redress in other currencies (not in the table): {other}")
    lines.append("Counting rules:")
    lines += [f"  - {rule}" for rule in result.rules]
    return "\n".join(lines) + "\n"


def fca_csv(result: FcaReturn) -> str:
    """Render an FCA return as CSV: one row per product group, then the total."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["period", *(name for name, _ in FCA_COLUMNS)])
    for figures in (*result.groups, result.total):
        writer.writerow([result.period.label, *_cells(figures)])
    return out.getvalue()
