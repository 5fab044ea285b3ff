"""Handler steps on PostgreSQL against a raw read + insert + commit, 1 and 4 workers.

Each worker is a process with its own connections. The reference is what a
step needs at the least: read one small row by key, insert one small row and
commit, through psycopg. Ours is one durable handler step (``assign``,
alternating assignees, on the worker's own complaint: load, workflow, due
dates, save with its chained event and KPI rows, commit). Both run for the
same bounded number of operations per worker, interleaved in one run, and
the ratio of throughputs is printed. Timing starts when every worker has
connected and set up, so process start-up is in neither figure.

Target (issue 21 item 9): a step within 2.5x of the raw transaction. A step
on a complaint the repository remembers is one round trip (its whole write
as one statement, checked against the version held; a step over
another writer's change reads and writes again); the raw transaction is
four (BEGIN, SELECT, INSERT, COMMIT). The complaint's history grows to 300
entries, so a step's KPI rows go as their change from the last save.
With each figure, the CPU per operation: the client's (the worker
processes) and, for a server on this machine, the server's (its backends,
read from ``/proc``). With 4 workers on 2 cores both loops are bound by CPU,
so the ratio follows the CPU per operation; these two figures vary less from
run to run than the throughputs.
Run: ``python benchmarks/bench_postgres_steps.py [--dsn DSN] [--steps 400]``;
``bench_postgres.py`` runs it too.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import secrets
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import psycopg
from psycopg.conninfo import make_conninfo

sys.path.insert(0, str(Path(__file__).parent))

from iso10002.calendars import WeekdayCalendar
from iso10002.clock import FixedClock
from iso10002.handler import Actor, ComplaintsHandler
from iso10002.handler.postgres import PostgresHandlerStore
from iso10002.model import ComplaintForm
from iso10002.repositories.postgres import PostgresComplaintRepository
from iso10002.serialization import from_dict

TARGET = 2.5
WEB = Actor("web-form", roles={"intake"})
AGENT = Actor("agent:1", roles={"complaints-manager"})
START = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
FORM = {
    "complainant": {"name": "Sam Taylor", "email": "sam@example.org"},
    "description": "I was charged twice for my March bill.",
}


def _backend_cpu(dsn: str, name: str) -> float | None:
    """CPU seconds used so far by the server processes of ``name``'s sessions.

    Read from ``/proc``, so only for a server on this machine; ``None``
    otherwise.
    """
    with psycopg.connect(dsn, autocommit=True) as conn:
        pids = [
            row[0]
            for row in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE application_name = %s",
                (name,),
            )
        ]
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total if pids else None


def _named(dsn: str, worker: int) -> tuple[str, str]:
    """Return the name of a worker's sessions and a DSN that gives it."""
    name = f"iso10002-bench-{os.getpid()}-{worker}"
    return name, make_conninfo(dsn, application_name=name)


Timing = tuple[float, float, float | None]
"""Seconds, client CPU seconds and server CPU seconds (if known) of a loop."""


def _timed(dsn: str, name: str, loop: Any, ready: Any) -> Timing:
    """Run ``loop`` once every worker is ready; time it, with both CPU figures."""
    ready.wait()
    server = _backend_cpu(dsn, name)
    cpu, start = time.process_time(), time.perf_counter()
    loop()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    after = _backend_cpu(dsn, name)
    used = None if server is None or after is None else after - server
    return seconds, cpu, used


def _raw(dsn: str, table: str, worker: int, steps: int, ready: Any) -> Timing:
    """Time ``steps`` raw transactions (read a row, insert a row, commit)."""
    name, named = _named(dsn, worker)
    with psycopg.connect(named) as conn:

        def loop() -> None:
            for i in range(steps):
                conn.execute(
                    f"SELECT v FROM {table} WHERE k = %s", (worker,)
                ).fetchone()
                conn.execute(
                    f"INSERT INTO {table}_log (k, v) VALUES (%s, %s)",
                    (worker, f"step {i}"),
                )
                conn.commit()

        return _timed(dsn, name, loop, ready)


def _ours(dsn: str, schema: str, worker: int, steps: int, ready: Any) -> Timing:
    """Time ``steps`` handler ``assign`` steps on the worker's complaint."""
    name, named = _named(dsn, worker)
    repository = PostgresComplaintRepository(named, schema=schema, pool_size=1)
    store = PostgresHandlerStore(dsn, schema=schema)
    handler = ComplaintsHandler(
        repository,
        clock=FixedClock(START),
        calendar=WeekdayCalendar(zone="UTC"),
        store=store,
    )
    try:
        received = handler.receive(
            from_dict(ComplaintForm, FORM), actor=WEB, channel="web"
        )
        handler.acknowledge(received.id, actor=AGENT)

        def loop() -> None:
            for i in range(steps):
                handler.assign(received.id, actor=AGENT, assignee=f"agent:{2 + i % 2}")

        return _timed(dsn, name, loop, ready)
    finally:
        handler.shutdown()
        repository.close()
        store.close()


Measured = tuple[float, float, float | None]
"""Operations per second, and client and server CPU milliseconds per operation."""


def _run(kind: str, dsn: str, where: str, workers: int, steps: int) -> Measured:
    """Operations per second over ``workers`` processes, and CPU per operation.

    The workers start their timed loops together, once each has connected
    and set up, so process start-up is left out of both measurements.
    """
    work = _raw if kind == "raw" else _ours
    ctx = multiprocessing.get_context("spawn")
    with ctx.Manager() as manager, ctx.Pool(workers) as pool:
        ready = manager.Barrier(workers)
        timings = pool.starmap(
            work, [(dsn, where, w, steps, ready) for w in range(workers)]
        )
    operations = workers * steps
    servers = [t[2] for t in timings]
    server = (
        None if None in servers else 1000 * sum(s or 0.0 for s in servers) / operations
    )
    return (
        operations / max(t[0] for t in timings),
        1000 * sum(t[1] for t in timings) / operations,
        server,
    )


def _cpu_words(measured: Measured) -> str:
    """Say a measurement's CPU per operation."""
    server = "?" if measured[2] is None else f"{measured[2]:.2f}"
    return f"client {measured[1]:.2f} + server {server} ms"


def compare(dsn: str, steps: int = 400, rounds: int = 2) -> dict[int, float]:
    """Measure both at 1 and 4 workers, interleaved; print and return the ratios."""
    schema = f"bench_{secrets.token_hex(3)}"
    table = f"raw_{secrets.token_hex(3)}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"CREATE TABLE {table} (k int PRIMARY KEY, v text)")
        conn.execute(
            f"CREATE TABLE {table}_log (id bigserial PRIMARY KEY, k int, v text)"
        )
        conn.execute(
            f"INSERT INTO {table} SELECT g, 'row' FROM generate_series(0, 7) g"
        )
    PostgresComplaintRepository(dsn, schema=schema).close()
    PostgresHandlerStore(dsn, schema=schema).close()
    ratios = {}
    try:
        print(f"handler assign step vs raw read+insert+commit, {steps} per worker")
        for workers in (1, 4):
            best_raw: Measured = (0.0, 0.0, None)
            best_ours: Measured = (0.0, 0.0, None)
            for _ in range(rounds):
                best_raw = max(best_raw, _run("raw", dsn, table, workers, steps))
                best_ours = max(best_ours, _run("ours", dsn, schema, workers, steps))
            ratio = ratios[workers] = best_raw[0] / best_ours[0]
            verdict = "meets" if ratio <= TARGET else "MISSES"
            print(
                f"  {workers} worker(s): steps {best_ours[0]:.0f}/s,"
                f" raw {best_raw[0]:.0f}/s, ratio {ratio:.2f}x"
                f" ({verdict} target <= {TARGET}x)\n"
                f"    CPU per operation: step {_cpu_words(best_ours)},"
                f" raw {_cpu_words(best_raw)}"
            )
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            conn.execute(f"DROP TABLE IF EXISTS {table}, {table}_log")
    return ratios


def main() -> None:
    """Parse the arguments and run :func:`compare`."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--dsn", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--steps", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    compare(args.dsn, args.steps, args.rounds)


if __name__ == "__main__":
    main()
