"""The management review pack at scale, against the text report on the same data.

Stores N complaints (bulk import, not timed; kept under the system's temporary
folder, or in a PostgreSQL schema, and reused by the next run at the same N
and schema version), then runs each command in a process of its own and
prints its wall time and peak resident memory:

* ``iso10002 report --db D --as-of 2026-03-01`` (the text summary: KPIs
  and the share of imported complaints pushed down to SQL, no complaint
  read), the reference;
* ``iso10002 report --db D --as-of 2026-03-01 --html P --json J`` (the pack:
  KPIs, the audit evidence checks, the default policy set's findings, the
  provenance share and the remedies pushed down, so no complaint is read;
  at most 20 ids per list, charts drawn by matplotlib).

Every command checks the store as it opens it. Before 0.3.0 that was the
deep check (``verify_integrity()``: every document through the model, every
history replayed, KPI facts and search index recomputed), minutes at 100,000
complaints; now it is the quick check (``verify_integrity(quick=True)``:
chains from stored bytes, row heads, and the seals ``iso10002 verify
--checkpoint`` records; complaints not sealed are checked deeply). By
default both commands run with the opening check switched off in the child
process (the command is otherwise unchanged) and the checks are timed apart,
each in a process of its own: the deep check, the quick check on the store as
imported (nothing sealed: it checks everything deeply as well), the
checkpoint, and the quick check after it, each with its ratio to the pack's
time. The checkpoint is recorded on a copy of the SQLite file (kept beside
it) and on the PostgreSQL schema itself. ``--verify`` keeps the opening check
in both commands, as a user runs them.

Then both commands run as a user runs them (the opening check included),
once with the check first in the command's own process (``sequential``) and
once with it in a process of its own beside the report (``parallel``; see
``ISO10002_OPENING_CHECK`` in docs/cli.md): wall seconds, and the CPU seconds
and peak RSS of the command's process and of the check process apart, their
sum (with the ``spawn`` resource tracker's), and the load average before each
run (the machine may be shared: CPU seconds say more than wall seconds).
``--no-user`` leaves these out. It prints
the pack's time as a ratio to the text report's, and whether the pack meets
the issue's target at 1M complaints: within 60 s and under 300 MB peak RSS on
a 2-core machine. With a PostgreSQL server that answers at ``--dsn``, the same
two commands run against it.

Storing 1M complaints takes minutes (far longer on a loaded machine), so the
default is 100,000; ``--n 1000000`` is the target size. ``--drop`` removes
the cached data of this N afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import NamedTuple

from _corpus import varied_complaints

from iso10002.repositories.sqlite import SQLiteComplaintRepository
from iso10002.repositories.sqlite._schema import SCHEMA_VERSION

N = 100_000
AS_OF = "2026-03-01"
TARGET_S = 60.0
TARGET_MB = 300.0
DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
CACHE = Path(tempfile.gettempdir()) / "iso10002-bench-report"
BATCH = 5_000
CHECKS = ("deep", "quick", "checkpoint")
MODES = ("sequential", "parallel")


def measure(command: list[str]) -> tuple[float, float, float]:
    """Run ``command``; return its wall seconds, CPU seconds and peak RSS in MB."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    took = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        msg = f"{command} exited {process.returncode}"
        raise SystemExit(msg)
    cpu = usage.ru_utime + usage.ru_stime
    return took, cpu, usage.ru_maxrss / 1024  # kilobytes on Linux


def line(name: str, seconds: float, cpu: float, mb: float) -> str:
    """Format one measurement (CPU time says more than wall time under load)."""
    return f"  {name:<22} {seconds:8.1f} s wall {cpu:8.1f} s CPU {mb:8.0f} MB peak RSS"


def child(argv: list[str]) -> int:
    """In a child process: run the command line without the opening check."""
    import iso10002.cli._db  # noqa: PLC0415 - patched in this process only
    from iso10002.cli import main as cli_main  # noqa: PLC0415

    if argv[0] in CHECKS:
        from iso10002.cli._db import open_repository  # noqa: PLC0415

        db, schema = argv[1], argv[2]
        with closing(open_repository(db, schema, verify=False)) as store:
            report = (
                store.record_checkpoint()
                if argv[0] == "checkpoint"
                else store.verify_integrity(quick=argv[0] == "quick")
            )
        return 0 if report.ok else 1
    from iso10002.cli._opening import MODE_VARIABLE  # noqa: PLC0415

    # In this process only: the check process (spawned) would not be patched.
    os.environ[MODE_VARIABLE] = "sequential"
    iso10002.cli._db.check_store = lambda *_, **__: None  # type: ignore[assignment]  # noqa: SLF001 - the benchmark times the check apart
    return cli_main(argv)


def _hwm_mb(pid: int) -> float:
    """Return the peak RSS (VmHWM) of process ``pid`` since its exec, 0 if gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for row in status.splitlines():
        if row.startswith("VmHWM:"):
            return int(row.split()[1]) / 1024
    return 0.0


def _watch_children(stop: threading.Event, peaks: dict[int, float]) -> None:
    """Sample the peak RSS of this process's children every 20 ms until ``stop``."""
    tasks = Path(f"/proc/{os.getpid()}/task")
    while not stop.wait(0.02):
        for task in tasks.iterdir():
            try:
                pids = (task / "children").read_text().split()
            except OSError:
                continue
            for pid in map(int, pids):
                peaks[pid] = max(peaks.get(pid, 0.0), _hwm_mb(pid))


def as_user(argv: list[str]) -> int:
    """In a child process: run the command line as a user does; record the usage.

    ``argv`` is the mode, the file for the figures, then the command line.
    Writes the CPU seconds and peak RSS of this process (the command's) and
    of its children (the check process, reaped before the command returns):
    ``check_mb`` from ``getrusage``, which counts the pages a child shares
    with this process between fork and exec, and ``check_own_mb`` sampled
    from ``/proc`` after exec (what the check process itself adds).
    """
    from multiprocessing import resource_tracker  # noqa: PLC0415

    from iso10002.cli import main as cli_main  # noqa: PLC0415
    from iso10002.cli._opening import MODE_VARIABLE  # noqa: PLC0415

    mode, out, *command = argv
    os.environ[MODE_VARIABLE] = mode
    peaks: dict[int, float] = {}
    stop = threading.Event()
    watcher = threading.Thread(target=_watch_children, args=(stop, peaks))
    watcher.start()
    try:
        status = cli_main(command)
    finally:
        stop.set()
        watcher.join()
    me = resource.getrusage(resource.RUSAGE_SELF)
    check = resource.getrusage(resource.RUSAGE_CHILDREN)
    tracker = getattr(resource_tracker._resource_tracker, "_pid", None)  # noqa: SLF001 - the benchmark's look at it
    tracker_mb = _hwm_mb(tracker) if tracker is not None else 0.0
    figures = {
        "cpu": me.ru_utime + me.ru_stime,
        "mb": me.ru_maxrss / 1024,
        "check_cpu": check.ru_utime + check.ru_stime,
        "check_mb": check.ru_maxrss / 1024,
        "check_own_mb": max(
            (mb for pid, mb in peaks.items() if pid != tracker), default=0.0
        ),
        "tracker_mb": tracker_mb,
    }
    Path(out).write_text(json.dumps(figures))
    return status


def user_runs(n: int, db: list[str], repeat: int) -> None:
    """Time both commands as a user runs them, the check first or beside.

    The two modes alternate ``repeat`` times; the ratio and the verdict take
    each mode's best wall time and largest memory.
    """
    me = [sys.executable, __file__, "--as-user"]
    print(f"As a user runs them (opening check included), {os.cpu_count()} CPUs:")
    with tempfile.TemporaryDirectory() as folder:
        files = ["--html", f"{folder}/r.html", "--json", f"{folder}/r.json"]
        figures = f"{folder}/figures.json"
        for name, extra in (("text report", []), ("pack (HTML + JSON)", files)):
            walls: dict[str, float] = {}
            sums: dict[str, float] = {}
            for mode in MODES * repeat:
                load = os.getloadavg()[0]
                command = [*me, mode, figures, "report", *db, "--as-of", AS_OF]
                start = time.perf_counter()
                ran = subprocess.run(
                    [*command, *extra],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    text=True,
                    check=False,
                )
                if ran.returncode != 0:
                    msg = f"{command} exited {ran.returncode}: {ran.stderr}"
                    raise SystemExit(msg)
                wall = time.perf_counter() - start
                walls[mode] = min(wall, walls.get(mode, wall))
                got = json.loads(Path(figures).read_text())
                total = got["mb"] + got["check_mb"] + got["tracker_mb"]
                sums[mode] = max(total, sums.get(mode, total))
                print(
                    f"  {name:<19} {mode:<10} {wall:6.1f} s wall (load {load:4.1f}); "
                    f"command {got['cpu']:6.1f} s CPU {got['mb']:5.0f} MB; "
                    f"check {got['check_cpu']:6.1f} s CPU {got['check_mb']:5.0f} MB "
                    f"({got['check_own_mb']:.0f} MB after exec); "
                    f"tracker {got['tracker_mb']:.0f} MB; peak RSS sum {total:5.0f} MB"
                )
            meets = walls["parallel"] <= TARGET_S and sums["parallel"] <= TARGET_MB
            print(
                f"  {name}: best parallel / best sequential "
                f"{walls['parallel'] / walls['sequential']:.2f}x the wall time; "
                f"parallel {'meets' if meets else 'MISSES'} the 1M target "
                f"(<= {TARGET_S:.0f} s, <= {TARGET_MB:.0f} MB) at {n:,} complaints"
            )


def checks(db: str, sealed: str, schema: str) -> list[tuple[str, tuple[float, ...]]]:
    """Time the opening checks apart: deep, quick unsealed, checkpoint, quick sealed."""
    me = [sys.executable, __file__, "--child"]
    timed = [
        ("open check: deep (old)", measure([*me, "deep", db, schema])),
        ("open check: quick", measure([*me, "quick", db, schema])),
    ]
    timed.append(("verify --checkpoint", measure([*me, "checkpoint", sealed, schema])))
    timed.append(("open check: quick+seal", measure([*me, "quick", sealed, schema])))
    return timed


def compare(
    n: int,
    db: list[str],
    *,
    verify: bool,
    apart: Callable[[], list[tuple[str, tuple[float, ...]]]] | None,
) -> bool:
    """Time the text report and the pack on ``db``; print both and the ratios."""
    if verify:
        cli = [sys.executable, "-m", "iso10002", "report", *db, "--as-of", AS_OF]
        timed = []
    else:
        timed = apart() if apart is not None else []
        cli = [sys.executable, __file__, "--child", "report", *db, "--as-of", AS_OF]
    text = measure(cli)
    print(line("text report", *text))
    with tempfile.TemporaryDirectory() as folder:
        files = ["--html", f"{folder}/r.html", "--json", f"{folder}/r.json"]
        pack = measure([*cli, *files])
    print(line("pack (HTML + JSON)", *pack))
    for name, (wall, cpu, mb) in timed:
        print(
            line(name, wall, cpu, mb)
            + f"  = {wall / pack[0]:.2f}x the pack's wall, {cpu / pack[1]:.2f}x its CPU"
        )
    meets = pack[0] <= TARGET_S and pack[2] <= TARGET_MB
    print(
        f"  pack / text report: {pack[0] / text[0]:.2f}x the wall time, "
        f"{pack[1] / text[1]:.2f}x the CPU time, "
        f"{pack[2] / text[2]:.2f}x the memory; "
        f"{'meets' if meets else 'MISSES'} the 1M target (<= {TARGET_S:.0f} s, "
        f"<= {TARGET_MB:.0f} MB) at {n:,} complaints"
    )
    return meets


class Plan(NamedTuple):
    """What to time: the two commands (with or without the check), apart, as users."""

    compare: bool
    verify: bool
    apart: bool
    user: bool
    repeat: int


def sqlite(n: int, plan: Plan, *, drop: bool) -> None:
    """Store ``n`` complaints in a cached SQLite file and compare the reports."""
    CACHE.mkdir(exist_ok=True)
    db = CACHE / f"report-{n}-v{SCHEMA_VERSION}.db"
    if not db.exists():
        partial = db.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        start = time.perf_counter()
        with closing(SQLiteComplaintRepository(partial)) as repository:
            repository.import_complaints(varied_complaints(n), batch_size=BATCH)
        partial.rename(db)
        print(f"SQLite: stored {n:,} complaints in {time.perf_counter() - start:.0f} s")
    else:
        print(f"SQLite: {n:,} complaints stored in {db}")
    sealed = db.with_suffix(".sealed.db")
    if not sealed.exists():
        shutil.copy(db, sealed)
    try:
        if plan.compare:
            compare(
                n,
                ["--db", str(db)],
                verify=plan.verify,
                apart=(lambda: checks(str(db), str(sealed), "iso10002"))
                if plan.apart
                else None,
            )
        if plan.user:
            user_runs(n, ["--db", str(db)], plan.repeat)
    finally:
        if drop:
            db.unlink()
            sealed.unlink()


def postgres(n: int, dsn: str, plan: Plan, *, drop: bool) -> None:
    """Store ``n`` complaints in a kept PostgreSQL schema and compare the reports."""
    try:
        import psycopg  # noqa: PLC0415 - the postgres extra

        from iso10002.repositories.postgres import (  # noqa: PLC0415
            PostgresComplaintRepository,
        )

        psycopg.connect(dsn, connect_timeout=3).close()
    except Exception as exc:  # noqa: BLE001 - any failure means: no server here
        print(f"PostgreSQL: skipped ({type(exc).__name__}: no server answers at {dsn})")
        return
    schema = f"iso10002_bench_report_{n}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM information_schema.tables"
            " WHERE table_schema = %s AND table_name = 'complaints'",
            (schema,),
        ).fetchone()
        stored = bool(row and row[0]) and bool(
            conn.execute(
                f'SELECT count(*) = %s FROM "{schema}".complaints', (n,)
            ).fetchone()[0]  # type: ignore[index]
        )
        if not stored:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    try:
        if not stored:
            start = time.perf_counter()
            with closing(PostgresComplaintRepository(dsn, schema=schema)) as repository:
                repository.import_complaints(varied_complaints(n), batch_size=BATCH)
            took = time.perf_counter() - start
            print(f"PostgreSQL: stored {n:,} complaints in {took:.0f} s")
        else:
            print(f"PostgreSQL: {n:,} complaints stored in schema {schema}")
        if plan.compare:
            compare(
                n,
                ["--db", dsn, "--schema", schema],
                verify=plan.verify,
                apart=(lambda: checks(dsn, dsn, schema)) if plan.apart else None,
            )
        if plan.user:
            user_runs(n, ["--db", dsn, "--schema", schema], plan.repeat)
    finally:
        if drop:
            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def main() -> int:
    """Run the comparison on SQLite, then on PostgreSQL when a server answers."""
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        return child(sys.argv[2:])
    if len(sys.argv) > 1 and sys.argv[1] == "--as-user":
        return as_user(sys.argv[2:])
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--n", type=int, default=N, help="complaints to store")
    parser.add_argument("--dsn", default=DSN, help="PostgreSQL to try as well")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument(
        "--drop", action="store_true", help="remove the cached data afterwards"
    )
    parser.add_argument(
        "--verify",
        action="store_true",
        help="keep the check every command runs on opening (the quick one)",
    )
    parser.add_argument(
        "--no-verify-timing",
        action="store_true",
        help="do not time the opening checks apart (the deep one takes minutes)",
    )
    parser.add_argument(
        "--no-user",
        action="store_true",
        help="do not time the commands as a user runs them (sequential, parallel)",
    )
    parser.add_argument(
        "--only-user",
        action="store_true",
        help="time only the commands as a user runs them",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="runs of each mode as a user runs it, alternating (a shared machine)",
    )
    args = parser.parse_args()
    plan = Plan(
        compare=not args.only_user,
        verify=args.verify,
        apart=not args.no_verify_timing,
        user=not args.no_user,
        repeat=args.repeat,
    )
    if not args.no_sqlite:
        sqlite(args.n, plan, drop=args.drop)
    if not args.no_postgres:
        postgres(args.n, args.dsn, plan, drop=args.drop)
    return 0


if __name__ == "__main__":
    sys.exit(main())
