"""The management review pack at scale, against the text report on the same data.

Stores N complaints in a SQLite file (bulk import, not timed), then runs each
command in a process of its own and prints its wall time and peak resident
memory:

* ``iso10002 report --db F --as-of 2026-03-01`` (the text summary: KPIs
  pushed down to SQL), the reference;
* ``iso10002 report --db F --as-of 2026-03-01 --html P --json J`` (the pack:
  KPIs pushed down, one pass over the complaints for the audit evidence,
  remedies and appeals, charts drawn by matplotlib).

It prints the pack's time as a ratio to the text report's, and whether the
pack meets the issue's target at 1M complaints: within 60 s and under 300 MB
peak RSS on a 2-core machine. With ``--dsn`` and a PostgreSQL server that
answers, the same two measurements run through the Python API on PostgreSQL
(the command line opens SQLite files only).

Storing 1M complaints takes a few minutes, so the default is 100,000; run
``python benchmarks/bench_report.py --n 1000000`` for the target size.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path

from _corpus import varied_complaints

from iso10002.repositories.sqlite import SQLiteComplaintRepository

N = 100_000
AS_OF = "2026-03-01"
TARGET_S = 60.0
TARGET_MB = 300.0
DSN = "postgresql://postgres@127.0.0.1:5432/test"


def measure(command: list[str]) -> tuple[float, float]:
    """Run ``command``; return its wall seconds and peak RSS in MB."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    took = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        msg = f"{command} exited {process.returncode}"
        raise SystemExit(msg)
    return took, usage.ru_maxrss / 1024  # kilobytes on Linux


def line(name: str, seconds: float, mb: float) -> str:
    return f"  {name:<22} {seconds:8.1f} s  {mb:8.0f} MB peak RSS"


def compare(n: int, text: tuple[float, float], pack: tuple[float, float]) -> bool:
    print(line("text report", *text))
    print(line("pack (HTML + JSON)", *pack))
    meets = pack[0] <= TARGET_S and pack[1] <= TARGET_MB
    print(
        f"  pack / text report: {pack[0] / text[0]:.1f}x the time; "
        f"{'meets' if meets else 'MISSES'} the 1M target (<= {TARGET_S:.0f} s, "
        f"<= {TARGET_MB:.0f} MB) at {n:,} complaints"
    )
    return meets


def sqlite(n: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.db"
        start = time.perf_counter()
        with closing(SQLiteComplaintRepository(db)) as repository:
            repository.import_complaints(varied_complaints(n), batch_size=5_000)
        print(f"SQLite: stored {n:,} complaints in {time.perf_counter() - start:.0f} s")
        cli = [sys.executable, "-m", "iso10002", "report", "--db", str(db)]
        cli += ["--as-of", AS_OF]
        text = measure(cli)
        pack = measure(
            [*cli, "--html", f"{folder}/r.html", "--json", f"{folder}/r.json"]
        )
        compare(n, text, pack)


def postgres_child(dsn: str, schema: str, what: str, folder: str) -> None:
    """In a child process: the text report's or the pack's work on PostgreSQL."""
    from iso10002.analysis import (  # noqa: PLC0415
        KpiSpec,
        build_management_review,
        kpis_from,
        render_html,
    )
    from iso10002.analysis.review import review_to_json  # noqa: PLC0415
    from iso10002.principles import PolicyContext, policies_for  # noqa: PLC0415
    from iso10002.repositories import Query, iter_complaints  # noqa: PLC0415
    from iso10002.repositories.postgres import (  # noqa: PLC0415
        PostgresComplaintRepository,
    )

    as_of = datetime.fromisoformat(AS_OF).replace(tzinfo=timezone.utc)
    with closing(PostgresComplaintRepository(dsn, schema=schema)) as repository:
        spec = KpiSpec(as_of=as_of)
        kpis = kpis_from(repository, spec)
        if what == "pack":
            review = build_management_review(
                iter_complaints(repository, Query(received_before=as_of)),
                spec,
                kpis=kpis,
                policies=policies_for("iso10002:2018"),
                context=PolicyContext(now=as_of),
            )
            Path(folder, "r.html").write_text(render_html(review), encoding="utf-8")
            Path(folder, "r.json").write_text(review_to_json(review), encoding="utf-8")


def postgres(n: int, dsn: str) -> None:
    try:
        import psycopg  # noqa: PLC0415

        from iso10002.repositories.postgres import (  # noqa: PLC0415
            PostgresComplaintRepository,
        )

        psycopg.connect(dsn, connect_timeout=3).close()
    except Exception as exc:  # noqa: BLE001 - any failure means: no server here
        print(f"PostgreSQL: skipped ({type(exc).__name__}: no server answers at {dsn})")
        return
    schema = f"bench_report_{os.getpid()}"
    try:
        start = time.perf_counter()
        with closing(PostgresComplaintRepository(dsn, schema=schema)) as repository:
            repository.import_complaints(varied_complaints(n), batch_size=5_000)
        took = time.perf_counter() - start
        print(f"PostgreSQL: stored {n:,} complaints in {took:.0f} s")
        with tempfile.TemporaryDirectory() as folder:
            me = [sys.executable, __file__, "--child", dsn, schema, folder]
            text = measure([*me, "text"])
            pack = measure([*me, "pack"])
        compare(n, text, pack)
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        dsn, schema, folder, what = sys.argv[2:6]
        postgres_child(dsn, schema, what, folder)
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=N, help="complaints to store")
    parser.add_argument("--dsn", default=DSN, help="PostgreSQL to try as well")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    args = parser.parse_args()
    sqlite(args.n)
    if not args.no_postgres:
        postgres(args.n, args.dsn)
    return 0


if __name__ == "__main__":
    sys.exit(main())
