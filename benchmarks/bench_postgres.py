"""PostgreSQL adapter benchmarks: bulk import, claim draining, handler steps.

Run: ``python benchmarks/bench_postgres.py [--n 100000] [--drain 2000]
[--steps 400] [--dsn DSN]``.
Targets (issue 4): bulk import within 2x raw ``executemany`` of the same rows;
four workers draining with ``claim_next`` and zero double claims. Issue 21:
a handler step within 2.5x of a raw read + insert + commit, with 1 and 4
workers (``bench_postgres_steps.py``).
"""

from __future__ import annotations

import argparse
import multiprocessing
import secrets
import sys
import time
from collections import Counter
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).parent))

from bench_postgres_steps import compare as compare_steps

from iso10002.repositories._postgres_write import Statements
from iso10002.repositories._protocol import Query
from iso10002.repositories.postgres import PostgresComplaintRepository
from iso10002.testing.contract import make_complaint, next_version

DSN = "postgresql://postgres@127.0.0.1:5432/test"


def _drop(dsn: str, schema: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def bench_import(dsn: str, n: int) -> None:
    complaints = [make_complaint(i, events=6) for i in range(1, n + 1)]
    ours = f"bench_{secrets.token_hex(3)}"
    raw = f"bench_{secrets.token_hex(3)}"
    try:
        repo = PostgresComplaintRepository(dsn, schema=ours)
        start = time.perf_counter()
        repo.import_complaints(complaints, batch_size=2000)
        ours_s = time.perf_counter() - start
        repo.close()
        # The baseline writes the very same rows (pre-computed, hashes included)
        # with executemany into an identical schema, skipping our Python work.
        base = PostgresComplaintRepository(dsn, schema=raw)
        base.close()
        with psycopg.connect(dsn) as conn:
            rows = conn.execute(
                "SELECT id, version, idempotency_key, salt, last_link, status,"
                " received_at, channel, assignee, category, reference, next_due_at,"
                f' met_late, document::text, document_escaped FROM "{ours}".complaints'
            ).fetchall()
            events = conn.execute(
                f"SELECT complaint_id, sequence, event::text, commitment, link"
                f' FROM "{ours}".events ORDER BY position'
            ).fetchall()
        st = Statements(raw)
        insert = st.insert
        with psycopg.connect(dsn) as conn, conn.cursor() as cur:
            start = time.perf_counter()
            for i in range(0, len(rows), 2000):
                with conn.transaction():
                    cur.executemany(insert, rows[i : i + 2000])
                    cur.execute(st.lock_feed, st.lock_args)
                    cur.executemany(st.insert_events, events[i * 6 : (i + 2000) * 6])
            raw_s = time.perf_counter() - start
        print(f"bulk import, N={n} complaints x 6 events")
        print(f"  import_complaints: {n / ours_s:8.0f} complaints/s, {ours_s:.2f} s")
        print(f"  raw executemany:   {n / raw_s:8.0f} complaints/s, {raw_s:.2f} s")
        print(f"  ratio ours/raw: {ours_s / raw_s:.2f}x (target <= 2x)")
    finally:
        _drop(dsn, ours)
        _drop(dsn, raw)


def _drain(dsn: str, schema: str, worker: str) -> list[str]:
    repo = PostgresComplaintRepository(dsn, schema=schema, pool_size=1)
    claimed = []
    query = Query(status_in=("received",))
    while (complaint := repo.claim_next(query, worker=worker)) is not None:
        repo.save(
            next_version(complaint, status="acknowledged", actor=worker),
            expected_version=complaint.version,
        )
        repo.release_claim(complaint.id, worker=worker)
        claimed.append(complaint.id)
    repo.close()
    return claimed


def bench_drain(dsn: str, n: int, workers: int = 4) -> None:
    schema = f"bench_{secrets.token_hex(3)}"
    try:
        repo = PostgresComplaintRepository(dsn, schema=schema)
        repo.import_complaints(make_complaint(i) for i in range(1, n + 1))
        repo.close()
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(workers) as pool:
            start = time.perf_counter()
            results = pool.starmap(
                _drain, [(dsn, schema, f"w{i}") for i in range(workers)]
            )
            elapsed = time.perf_counter() - start
        counts = Counter(cid for claimed in results for cid in claimed)
        doubles = sum(1 for c in counts.values() if c > 1)
        print(f"claim_next drain, N={n} due complaints, {workers} worker processes")
        print(f"  throughput: {n / elapsed:.0f} complaints/s (claim + save + release)")
        print(f"  per worker: {[len(r) for r in results]}")
        print(f"  handled: {len(counts)}/{n}, double claims: {doubles} (target 0)")
        if doubles or len(counts) != n:
            sys.exit(1)
    finally:
        _drop(dsn, schema)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dsn", default=DSN)
    parser.add_argument("--n", type=int, default=8_000, help="complaints to import")
    parser.add_argument("--drain", type=int, default=400, help="complaints to drain")
    parser.add_argument(
        "--steps", type=int, default=400, help="handler steps per worker (0: skip)"
    )
    args = parser.parse_args()
    bench_import(args.dsn, args.n)
    bench_drain(args.dsn, args.drain)
    if args.steps:
        compare_steps(args.dsn, args.steps)


if __name__ == "__main__":
    main()
