"""KPIs of stored complaints: SQL push-down against streaming them into compute_kpis.

Stores N complaints in a SQLite file (bulk import, not timed), then times the
pure-Python path (every complaint read back through ``find`` pages and fed to
``compute_kpis``) and ``analytics_kpis`` (SQL aggregates over the facts
tables) on the same data, checks that both reports are equal and prints the
ratio. The target of the push-down issue is a push-down at least 2x faster
than the pure-Python path on 1M stored complaints.

Storing 1M complaints takes about five minutes, so the default is 100,000 (about
a minute in all); run ``python benchmarks/bench_pushdown.py --n 1000000``
for the target size. ``--repeats R`` times each path R times (best of R).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from _corpus import varied_complaints
from _util import best_with_result

from iso10002.analysis import KpiSpec, compute_kpis
from iso10002.repositories import MAX_PAGE_SIZE, iter_complaints
from iso10002.repositories.sqlite import SQLiteComplaintRepository

N = 100_000
TARGET = 2.0
AS_OF = datetime(2026, 3, 1, tzinfo=timezone.utc)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=N, help="complaints to store")
    parser.add_argument("--repeats", type=int, default=1, help="best of R runs")
    args = parser.parse_args()
    spec = KpiSpec(as_of=AS_OF)
    with tempfile.TemporaryDirectory() as folder:
        repository = SQLiteComplaintRepository(Path(folder) / "bench.db")
        try:
            start = time.perf_counter()
            repository.import_complaints(varied_complaints(args.n), batch_size=5_000)
            took = time.perf_counter() - start
            print(f"stored {args.n:,} complaints in {took:.1f} s")
            python_s, expected = best_with_result(
                lambda: compute_kpis(
                    iter_complaints(repository, page_size=MAX_PAGE_SIZE), spec
                ),
                args.repeats,
            )
            sql_s, report = best_with_result(
                lambda: repository.analytics_kpis(spec, None), args.repeats
            )
        finally:
            repository.close()
    if report != expected:
        print("push-down and compute_kpis DISAGREE")
        return 1
    ratio = python_s / sql_s
    verdict = "meets" if ratio >= TARGET else "MISSES"
    print(
        f"KPIs of {args.n:,} stored complaints: pure Python {python_s:.2f} s,"
        f" SQL push-down {sql_s:.2f} s, push-down {ratio:.1f}x faster"
        f" ({verdict} target >= {TARGET}x)"
    )
    return 0 if ratio >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
