"""Draw every chart of the management review pack from the demo data, as PNG.

The pictures in ``docs/reporting.md`` are made by this script (the ``cli``
and ``report`` extras): it runs ``iso10002 demo`` (2,000 complaints over
2025, seed 10002), builds the pack of 2025 (monthly) and of its first
quarter (weekly) and saves each chart with
:func:`iso10002.analysis.charts.review_charts`, the drawing code of the HTML page.
The docs build runs it too (``docs/_ext/review_pictures.py``), drawing into
the built site, so the pages show the charts of the code being documented;
the committed copies are what a build without matplotlib shows. Run it from
the repository root after a change to the charts::

    python docs/_scripts/review_charts.py
"""

from __future__ import annotations

import sys
import tempfile
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path

from iso10002.analysis import KpiSpec, ManagementReview, Period, build_management_review
from iso10002.analysis.charts import review_charts
from iso10002.cli import main
from iso10002.repositories import iter_complaints
from iso10002.repositories.sqlite import SQLiteComplaintRepository

OUT = Path(__file__).resolve().parent.parent / "_static" / "review"
END = datetime(2026, 1, 1, tzinfo=timezone.utc)


def review_of(db: Path, period: str, granularity: str) -> ManagementReview:
    """Build the pack of ``period`` as ``iso10002 report --html`` does."""
    span = Period.parse(period)
    spec = KpiSpec(as_of=min(span.end, END), period=span, granularity=granularity)
    with closing(SQLiteComplaintRepository(db)) as repository:
        return build_management_review(iter_complaints(repository), spec)


def run(out: Path = OUT) -> int:
    """Draw every chart into ``out`` (the docs build passes its own folder)."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "demo.db"
        if main(["demo", "--db", str(db)]) != 0:
            return 1
        year = review_of(db, "2025", "month")
        quarter = review_of(db, "2025-Q1", "week")
    pictures = review_charts(year, dpi=80)
    pictures["c-chart-weekly"] = review_charts(quarter, dpi=80)["c-chart"]
    for name, png in pictures.items():
        (out / f"{name}.png").write_bytes(png)
        print(out / f"{name}.png")
    return 0


if __name__ == "__main__":
    sys.exit(run())
