"""Web desk under load: 4 clients for 60 s on ``iso10002 serve``, SQLite and PostgreSQL.

Run: ``python benchmarks/bench_web.py [--seconds 60] [--clients 4] [--dsn DSN]``
(``--no-postgres`` to skip PostgreSQL). Each store gets its own server
process on 127.0.0.1 (the real command, uvicorn, one worker). Every client
signs in once and then loops, until the time is up: record a complaint
(with an idempotency key), read it, acknowledge it with ``If-Match``, and
list a page of received complaints. The reference, measured in the same run
on a store of the same kind, is the same workload through the handler in
this process with as many threads: the library without HTTP, so the ratios
are what the web layer (HTTP, uvicorn, sessions, JSON, one server process)
costs (the server is a process of its own, so it can use the second core
that the in-process reference cannot). Printed: requests, errors (anything
but 2xx/3xx and the expected 409/412), p95 latency and throughput, each as a
ratio to the reference.

Traffic goes only to 127.0.0.1; every loop is bounded in time.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from iso10002.cli._serve import desk_handler
from iso10002.handler import Actor
from iso10002.model import ComplaintForm
from iso10002.repositories import Query
from iso10002.repositories.postgres import PostgresComplaintRepository
from iso10002.repositories.sqlite import SQLiteComplaintRepository
from iso10002.serialization import from_dict
from iso10002.web import hash_password

DSN = "postgresql://postgres@127.0.0.1:5432/test"
PASSWORD = "benchmark password"
FORM = {
    "complainant": {"name": "Load Test", "email": "load@example.org"},
    "description": "Benchmark complaint.",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Client:
    """One signed-in client with a keep-alive connection."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = ""
        self.latencies: list[float] = []
        self.errors = 0
        self.expected = 0

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        *,
        timed: bool = True,
    ) -> tuple[int, dict[str, str], bytes]:
        sent = {"Cookie": self.cookie} if self.cookie else {}
        sent.update(headers or {})
        start = time.perf_counter()
        self.connection.request(method, path, body=body, headers=sent)
        response = self.connection.getresponse()
        data = response.read()
        elapsed = time.perf_counter() - start
        answer = {k.lower(): v for k, v in response.getheaders()}
        if "set-cookie" in answer:
            self.cookie = answer["set-cookie"].split(";", 1)[0]
        if timed:
            self.latencies.append(elapsed)
            if response.status in (409, 412):
                self.expected += 1
            elif not 200 <= response.status < 400:
                self.errors += 1
        return response.status, answer, data

    def sign_in(self) -> None:
        _, _, page = self.request("GET", "/login", timed=False)
        token = re.search(rb'name="csrf" value="([^"]+)"', page)
        assert token, "no CSRF token on the sign-in page"
        form = urllib.parse.urlencode(
            {"csrf": token.group(1).decode(), "name": "bench", "password": PASSWORD}
        ).encode()
        status, _, _ = self.request(
            "POST",
            "/login",
            form,
            {"Content-Type": "application/x-www-form-urlencoded"},
            timed=False,
        )
        assert status == 303, f"sign-in failed: {status}"

    def json(self, method: str, path: str, payload: object, **headers: str) -> tuple:
        headers = {"Content-Type": "application/json", **headers}
        return self.request(method, path, json.dumps(payload).encode(), headers)


def workload(client: Client, until: float) -> None:
    while time.monotonic() < until:
        key = secrets.token_hex(8)
        status, headers, body = client.json(
            "POST", "/api/complaints", FORM, **{"Idempotency-Key": key}
        )
        if status != 201:
            continue
        cid = json.loads(body)["id"]
        client.request("GET", f"/api/complaints/{cid}")
        client.json(
            "POST",
            f"/api/complaints/{cid}/steps/acknowledge",
            {},
            **{"If-Match": headers["etag"]},
        )
        client.request("GET", "/api/complaints?status=received&limit=20")


class Direct:
    """The same workload through the handler in this process: no HTTP at all."""

    def __init__(self, handler) -> None:
        self.handler = handler
        self.latencies: list[float] = []
        self.errors = 0
        self.expected = 0

    def timed(self, call, *args, **kwargs):
        start = time.perf_counter()
        try:
            return call(*args, **kwargs)
        except Exception:  # noqa: BLE001 - counted, as the HTTP clients count them
            self.errors += 1
            return None
        finally:
            self.latencies.append(time.perf_counter() - start)


def direct(runner: Direct, until: float) -> None:
    handler = runner.handler
    manager = Actor("bench", roles={"complaints-manager"})
    form = from_dict(ComplaintForm, FORM)
    query = Query(status_in=("received",))
    while time.monotonic() < until:
        stored = runner.timed(
            handler.receive,
            form,
            actor=manager,
            channel="web",
            idempotency_key=secrets.token_hex(8),
        )
        if stored is None:
            continue
        runner.timed(handler.get, stored.id, actor=manager)
        runner.timed(handler.fire, stored.id, "acknowledge", actor=manager)
        runner.timed(handler.find, query, actor=manager, limit=20)


def run_clients(pool: list, seconds: float, work) -> dict[str, float]:
    until = time.monotonic() + seconds
    threads = [threading.Thread(target=work, args=(c, until)) for c in pool]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    latencies = sorted(x for c in pool for x in c.latencies)
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("nan")
    return {
        "requests": len(latencies),
        "errors": sum(c.errors for c in pool),
        "expected": sum(c.expected for c in pool),
        "p95": p95,
        "throughput": len(latencies) / elapsed,
    }


def serve(db: str, where: Path, extra: list[str]) -> tuple[subprocess.Popen, int]:
    users = where / "users.json"
    digest = hash_password(PASSWORD)
    users.write_text(
        json.dumps(
            {"bench": {"roles": ["complaints-manager"], "password_hash": digest}}
        )
    )
    port = free_port()
    env = {**os.environ, "ISO10002_SECRET_KEY": secrets.token_hex(32)}
    command = [sys.executable, "-m", "iso10002", "serve", "--db", db, "--http"]
    command += ["--users", str(users), "--port", str(port), *extra]
    server = subprocess.Popen(command, cwd=where, env=env)
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            time.sleep(0.2)
        else:
            return server, port
    server.kill()
    sys.exit("iso10002 serve did not start")


def bench(name: str, db: str, schema: str, args: argparse.Namespace) -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        where = Path(tmp)
        reference_db = db if db.startswith("postgresql") else str(where / "ref.db")
        repository = (
            PostgresComplaintRepository(db, schema=f"{schema}_ref")
            if db.startswith("postgresql")
            else SQLiteComplaintRepository(reference_db)
        )
        handler, store = desk_handler(repository, reference_db, f"{schema}_ref", "UTC")
        try:
            runners = [Direct(handler) for _ in range(args.clients)]
            ref = run_clients(runners, args.reference_seconds, direct)
        finally:
            handler.shutdown()
            if store is not None:
                store.close()
            repository.close()
        extra = ["--schema", schema] if db.startswith("postgresql") else []
        server, port = serve(db, where, extra)
        try:
            pool = [Client(port) for _ in range(args.clients)]
            for client in pool:
                client.sign_in()
            ours = run_clients(pool, args.seconds, workload)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"{name}: {args.clients} clients x {args.seconds:.0f} s")
    print(
        f"  desk API:  {ours['requests']:.0f} requests, {ours['errors']:.0f} errors, "
        f"{ours['expected']:.0f} expected 409/412, p95 {ours['p95'] * 1e3:.1f} ms, "
        f"{ours['throughput']:.0f} requests/s"
    )
    print(
        f"  reference: {ref['requests']:.0f} handler calls in-process, "
        f"p95 {ref['p95'] * 1e3:.1f} ms, {ref['throughput']:.0f} requests/s"
    )
    print(
        f"  ratio p95 ours/reference {ours['p95'] / ref['p95']:.1f}x, "
        f"throughput ours/reference {ours['throughput'] / ref['throughput']:.2f}x"
    )
    return ours["errors"] == 0 and ref["errors"] == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--reference-seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--dsn", default=DSN)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    ok = bench("SQLite", "desk.db", "", args)
    if not args.no_postgres:
        import psycopg  # noqa: PLC0415 - only for PostgreSQL

        schema = f"bench_web_{secrets.token_hex(3)}"
        try:
            ok = bench("PostgreSQL", args.dsn, schema, args) and ok
        finally:
            with psycopg.connect(args.dsn, autocommit=True) as connection:
                for name in (schema, f"{schema}_ref"):
                    connection.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
    if not ok:
        sys.exit("errors under load")


if __name__ == "__main__":
    main()
