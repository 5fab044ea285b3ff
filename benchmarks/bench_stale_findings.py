"""The fill of stale stored findings: its cost per complaint, first report vs second.

Saves leave a complaint's stored policy findings stale (see ``docs/storage.md``);
the first count of the findings after N saved complaints fills them, the
second counts only. Prints, on SQLite (and PostgreSQL with ``--dsn``), the
first and second ``analytics_findings`` times, the fill per stale complaint,
and the fill per complaint as a ratio to evaluating ``stored_findings`` on the
same complaints in Python (the least the fill must do), measured in the same
run. No target: the figures are for the release notes.

Run: ``python benchmarks/bench_stale_findings.py [--n 2000] [--dsn DSN]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from _corpus import varied_complaints

from iso10002.analysis.pushdown import stored_findings
from iso10002.repositories.sqlite import SQLiteComplaintRepository

AS_OF = datetime(2026, 3, 1, tzinfo=timezone.utc)


def _run(name: str, repo: Any, complaints: list[Any], evaluate_us: float) -> None:
    for complaint in complaints:  # saves (not timed): every complaint stale
        repo.add(complaint)
    start = time.perf_counter()
    repo.analytics_findings(AS_OF)
    first = time.perf_counter() - start
    start = time.perf_counter()
    repo.analytics_findings(AS_OF)
    second = time.perf_counter() - start
    per = (first - second) / len(complaints) * 1e6
    print(
        f"{name}: first report {first * 1e3:8.1f} ms, second {second * 1e3:7.1f} ms;"
        f" fill {per:6.1f} us/complaint"
        f" ({per / evaluate_us:4.2f}x stored_findings alone)"
    )


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--dsn", default=None)
    args = parser.parse_args()
    complaints = list(varied_complaints(args.n))
    start = time.perf_counter()
    for complaint in complaints:
        stored_findings(complaint)
    evaluate_us = (time.perf_counter() - start) / len(complaints) * 1e6
    print(f"{args.n} complaints; stored_findings alone {evaluate_us:6.1f} us/complaint")
    with tempfile.TemporaryDirectory() as root:
        repo = SQLiteComplaintRepository(Path(root) / "stale.db")
        try:
            _run("SQLite    ", repo, complaints, evaluate_us)
        finally:
            repo.close()
    if args.dsn:
        import psycopg  # noqa: PLC0415 - the postgres extra
        from psycopg import sql  # noqa: PLC0415

        from iso10002.repositories.postgres import (  # noqa: PLC0415
            PostgresComplaintRepository,
        )

        schema = f"bench_stale_{uuid.uuid4().hex[:8]}"
        repo = PostgresComplaintRepository(args.dsn, schema=schema)
        try:
            _run("PostgreSQL", repo, complaints, evaluate_us)
        finally:
            repo.close()
            with psycopg.connect(args.dsn, autocommit=True) as conn:
                conn.execute(
                    sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema))
                )


if __name__ == "__main__":
    main()
