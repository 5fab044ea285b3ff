"""Import benchmark: CSV rows through a mapping against ``add_many`` of the same rows.

Run: ``python benchmarks/bench_import.py [--rows N] [--chunk-size C]``
(the data issue's 100,000 rows by default, about a minute). Writes a CSV of N
helpdesk-like rows (receipt, acknowledgement, decision communicated and
closing dates, an outcome and a remedy), then times:

* ours: ``iso10002.interchange.import_records`` reading the CSV, converting
  each row through the mapping and storing it, ``--chunk-size`` complaints
  per transaction, into an empty SQLite store;
* reference: ``SQLiteComplaintRepository.add_many`` of the very complaints the
  import produced (converted beforehand, untimed), into another empty store.

Each is run ``--repeats`` times, interleaved, and the best time of each kept.
Prints both times, the ratio (target: within 2x) and the process's peak
resident memory after the streaming import and again after holding every
complaint in a list for ``add_many`` (bounded memory: the first stays flat as
N grows, the second grows with N).
"""

from __future__ import annotations

import argparse
import csv
import resource
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from iso10002.interchange import (
    ImportMapping,
    convert_row,
    import_records,
    read_rows,
)
from iso10002.model import Complaint
from iso10002.repositories.sqlite import SQLiteComplaintRepository

ROWS = 100_000
TARGET = 2.0

MAPPING = ImportMapping.from_dict(
    {
        "name": "bench",
        "key": "ticket",
        "zone": "UTC",
        "columns": {
            "received_at": "created",
            "channel": "via",
            "complainant.name": "requester",
            "complainant.email": "email",
            "description": "body",
            "subject.product": "product",
            "classification.category": "category",
            "outcome": "resolution",
            "decision.summary": "resolution",
            "decision.remedy": "resolution",
            "decision.amount": "refund",
        },
        "constants": {"decision.currency": "GBP"},
        "values": {
            "outcome": {"Refund": "upheld", "Explained": "not_upheld"},
            "decision.remedy": {"Refund": "refund", "*": "explanation"},
        },
        "events": {
            "acknowledged": "first_reply",
            "communicated": "answered",
            "closed": "solved",
        },
    }
)

_HEADER = (
    "ticket", "created", "via", "requester", "email", "body", "product",
    "category", "resolution", "refund", "first_reply", "answered", "solved",
)  # fmt: skip
_CHANNELS = ("web", "email", "phone", "letter", "chat")
_CATEGORIES = ("billing", "delivery", "service", "product quality", "staff")


def write_source(path: Path, rows: int) -> None:
    """Write ``rows`` helpdesk-like rows (deterministic)."""
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(_HEADER)
        for n in range(rows):
            received = start + timedelta(minutes=7 * n)
            refund = n % 3 == 0
            writer.writerow(
                (
                    f"T-{n:07d}",
                    received.isoformat(),
                    _CHANNELS[n % len(_CHANNELS)],
                    f"Customer {n}",
                    f"customer{n}@example.org",
                    f"Complaint number {n} about the service received.",
                    f"Product {n % 12}",
                    _CATEGORIES[n % len(_CATEGORIES)],
                    "Refund" if refund else "Explained",
                    f"{10 + n % 90}.50" if refund else "",
                    (received + timedelta(hours=3)).isoformat(),
                    (received + timedelta(days=6)).isoformat(),
                    (received + timedelta(days=7)).isoformat(),
                )
            )


def _peak_mb() -> float:
    # Linux reports kilobytes, macOS bytes.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS, metavar="N")
    parser.add_argument("--chunk-size", type=int, default=5000, metavar="C")
    parser.add_argument("--repeats", type=int, default=2, metavar="R")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        source = folder / "source.csv"
        write_source(source, args.rows)
        baseline = _peak_mb()

        complaints: list[Complaint] = []
        ours = reference = float("inf")
        after_import = after_list = 0.0
        # Interleaved rounds, best of each: a slow spell of a shared machine
        # hits both runs alike instead of skewing the ratio.
        for i in range(args.repeats):
            store = SQLiteComplaintRepository(folder / f"imported-{i}.db")
            started = time.perf_counter()
            summary = import_records(
                store, read_rows(source), MAPPING, chunk_size=args.chunk_size
            )
            ours = min(ours, time.perf_counter() - started)
            store.close()
            assert summary.imported == args.rows, summary
            after_import = after_import or _peak_mb()
            if not complaints:
                for row in read_rows(source):
                    result = convert_row(MAPPING, row)
                    assert result.complaint is not None, result.problems
                    complaints.append(result.complaint)
            reference_store = SQLiteComplaintRepository(folder / f"add_many-{i}.db")
            started = time.perf_counter()
            reference_store.add_many(complaints)
            reference = min(reference, time.perf_counter() - started)
            reference_store.close()
            after_list = _peak_mb()

    ratio = ours / reference
    verdict = "meets" if ratio <= TARGET else "MISSES"
    print(f"import of {args.rows:,} CSV rows (4 events each), SQLite")
    print(
        f"  import_records: {ours:.2f} s ({args.rows / ours:,.0f} rows/s, "
        f"{summary.chunks} transactions)"
    )
    print(f"  add_many of the same complaints: {reference:.2f} s")
    print(f"  ratio {ratio:.2f}x ({verdict} target <= {TARGET}x)")
    print(
        f"  peak memory: {baseline:,.0f} MB before, {after_import:,.0f} MB after "
        f"the streaming import, {after_list:,.0f} MB after holding the list"
    )
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
