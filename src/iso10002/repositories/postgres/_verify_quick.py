"""The quick check of a PostgreSQL store on opening, and the checkpoint it rests on.

The server does the bulk of it on one snapshot: it recomputes every unkeyed
link with ``sha256()`` over the stored bytes (the previous stored link from a
window function), compares each row's version and head with its log, and
hashes each complaint's stored rows (document, indexed columns, KPI fact
rows, search digest) for the seal comparison. Python checks keyed links
(HMAC needs the key), names the problems of the complaints the server flags,
compares seals, and checks deeply the complaints not sealed
(:func:`._verify.verify_all`).
"""

from __future__ import annotations

from typing import Any

from psycopg import sql

from iso10002.integrity import (
    GENESIS,
    IntegrityProblem,
    IntegrityReport,
    SealVerdict,
    StoredLink,
    head_problems,
    orphan_problems,
    seal,
    seal_verdict,
    stored_chain_problems,
)
from iso10002.integrity.keys import ChainKeys, RecordKey
from iso10002.repositories.postgres._connect import Connector
from iso10002.repositories.postgres._digests import ALL_DIGESTS, DIGESTS
from iso10002.repositories.postgres._stale import StaleFills, fill_stale
from iso10002.repositories.postgres._verify import verify_all

__all__ = ["SEALS_TABLE", "seal_written", "verify_quick", "write_checkpoint"]

SEALS_TABLE = "integrity_seals"
"""One seal per complaint, written by a clean deep check or by the import."""

_FETCH = 5_000

# Links are SHA-256 over the domain and four length-prefixed UTF-8 parts
# (see iso10002.integrity.chain_link); keyed links ("id:hmac") are left to Python.
_SUSPECTS = """
SELECT complaint_id FROM (
  SELECT complaint_id, sequence, link, event::text AS event, commitment,
         row_number() OVER w AS n,
         coalesce(lag(link) OVER w, {genesis}) AS previous
  FROM {s}.events WINDOW w AS (PARTITION BY complaint_id ORDER BY sequence)
) e
WHERE sequence <> n OR (strpos(link, ':') = 0 AND link <> encode(sha256(
  {domain}
  || int8send(octet_length(convert_to(previous, 'UTF8')))
  || convert_to(previous, 'UTF8')
  || int8send(octet_length(convert_to(complaint_id, 'UTF8')))
  || convert_to(complaint_id, 'UTF8')
  || int8send(octet_length(convert_to(commitment, 'UTF8')))
  || convert_to(commitment, 'UTF8')
  || int8send(octet_length(convert_to(event, 'UTF8')))
  || convert_to(event, 'UTF8')), 'hex'))
UNION
SELECT c.id FROM {s}.complaints c
LEFT JOIN (SELECT complaint_id, count(*) AS n, max(sequence) AS top
           FROM {s}.events GROUP BY complaint_id) h ON h.complaint_id = c.id
LEFT JOIN {s}.events last
       ON last.complaint_id = c.id AND last.sequence = h.top
WHERE c.version <> coalesce(h.n, 0) OR c.last_link IS DISTINCT FROM last.link
"""

_KEYED = """
SELECT * FROM (
  SELECT complaint_id, sequence, event::text, commitment, link,
         coalesce(lag(link) OVER w, {genesis})
  FROM {s}.events
  WINDOW w AS (PARTITION BY complaint_id ORDER BY sequence)
) e WHERE strpos(link, ':') > 0
"""

_ORPHANS = """
SELECT DISTINCT complaint_id FROM {s}.events e
WHERE NOT EXISTS (SELECT 1 FROM {s}.complaints c WHERE c.id = e.complaint_id)
ORDER BY complaint_id
"""


def _schema_version(cur: Any, s: sql.Identifier) -> int:
    cur.execute(sql.SQL("SELECT max(version) FROM {}.schema_version").format(s))
    row = cur.fetchone()
    return int(row[0] or 0) if row else 0


def _sealed(cur: Any, schema: str) -> bool:
    cur.execute("SELECT to_regclass(%s) IS NOT NULL", (f'"{schema}".{SEALS_TABLE}',))
    row = cur.fetchone()
    return bool(row and row[0])


def _query(template: str, s: sql.Identifier, **extra: sql.Composable) -> sql.Composed:
    return sql.SQL(template).format(
        s=s,
        genesis=sql.Literal(GENESIS),
        domain=sql.Literal(b"iso10002/chain/v1\n"),
        **extra,
    )


def _chain_problems(
    cur: Any, s: sql.Identifier, keys: ChainKeys | None
) -> list[IntegrityProblem]:
    """Name the first break of every chain or head the server (or HMAC) flags."""
    cur.execute(_query(_SUSPECTS, s))
    suspects = {row[0] for row in cur.fetchall()}
    cur.execute(
        _query(
            "SELECT EXISTS (SELECT 1 FROM {s}.events WHERE strpos(link, ':') > 0)", s
        )
    )
    row = cur.fetchone()
    if row and row[0]:
        from iso10002.integrity import chain_link  # noqa: PLC0415 - keyed stores only

        with cur.connection.cursor(name="iso10002_keyed_links") as keyed:
            keyed.itersize = _FETCH
            keyed.execute(_query(_KEYED, s))
            for cid, _sequence, event, commitment, link, previous in keyed:
                key = None if keys is None else keys.get(link.rpartition(":")[0])
                made = (
                    None
                    if key is None
                    else chain_link(previous, cid, commitment, event, key)
                )
                if made != link:
                    suspects.add(cid)
    if keys is not None and keys.keyed_only:
        cur.execute(
            _query(
                "SELECT DISTINCT complaint_id FROM {s}.events"
                " WHERE strpos(link, ':') = 0",
                s,
            )
        )
        suspects.update(row[0] for row in cur.fetchall())
    problems: list[IntegrityProblem] = []
    for cid in sorted(suspects):
        cur.execute(
            _query(
                "SELECT sequence, event::text, commitment, link FROM {s}.events"
                " WHERE complaint_id = %s ORDER BY sequence",
                s,
            ),
            (cid,),
        )
        links = [
            StoredLink(sequence=r[0], event=r[1], commitment=r[2], link=r[3])
            for r in cur.fetchall()
        ]
        cur.execute(
            _query("SELECT version, last_link FROM {s}.complaints WHERE id = %s", s),
            (cid,),
        )
        head = cur.fetchone()
        problems.extend(stored_chain_problems(cid, links, keys))
        if head is not None:
            problems.extend(
                head_problems(cid, version=head[0], last_link=head[1], links=links)
            )
    cur.execute(_query(_ORPHANS, s))
    problems.extend(orphan_problems([row[0] for row in cur.fetchall()]))
    return problems


def _digests(cur: Any, schema: str) -> Any:
    """Return a server-side cursor over (id, head, digest, seal row …)."""
    s = sql.Identifier(schema)
    seals: sql.Composable = sql.SQL(", NULL, NULL, NULL")
    sealed: sql.Composable = sql.SQL("")
    if _sealed(cur, schema):
        seals = sql.SQL(", g.last_link, g.schema_version, g.seal")
        sealed = sql.SQL("LEFT JOIN {s}.{t} g ON g.complaint_id = c.id").format(
            s=s, t=sql.Identifier(SEALS_TABLE)
        )
    named = cur.connection.cursor(name="iso10002_quick_check")
    named.itersize = _FETCH
    named.execute(_query(ALL_DIGESTS, s, seals=seals, sealed=sealed))
    return named


def verify_quick(
    connector: Connector, schema: str, keys: ChainKeys | None = None
) -> IntegrityReport:
    """Check the store as it is opened: chains, heads, seals; unsealed deeply."""
    s = sql.Identifier(schema)
    problems: list[IntegrityProblem] = []
    unsealed: list[str] = []
    complaints = 0
    with connector.snapshot("verify_integrity") as cur:
        problems.extend(_chain_problems(cur, s, keys))
        broken = {p.complaint_id for p in problems}
        version = _schema_version(cur, s)
        with _digests(cur, schema) as rows:
            for cid, head, digest, link, at_version, stored in rows:
                complaints += 1
                if cid in broken:
                    continue
                verdict = SealVerdict.UNSEALED
                if link == head and at_version == version:
                    verdict = seal_verdict(
                        stored,
                        complaint_id=cid,
                        last_link=head,
                        digest=digest,
                        keys=keys,
                    )
                if verdict is SealVerdict.BROKEN:
                    problems.append(
                        IntegrityProblem(
                            complaint_id=cid,
                            message="stored rows differ from what the last "
                            "checkpoint sealed",
                        )
                    )
                elif verdict is SealVerdict.UNSEALED:
                    unsealed.append(cid)
        cur.execute(_query("SELECT count(*) FROM {s}.events", s))
        row = cur.fetchone()
        events = int(row[0]) if row else 0
    deep = verify_all(connector, schema, keys, only=unsealed) if unsealed else None
    if deep is not None:
        problems.extend(deep.problems)
    return IntegrityReport(
        complaints_checked=complaints,
        events_checked=events,
        problems=tuple(sorted(problems, key=lambda p: p.complaint_id)),
        unreplayable=() if deep is None else deep.unreplayable,
    )


def write_checkpoint(
    connector: Connector, schema: str, keys: ChainKeys | None = None
) -> IntegrityReport:
    """Check the store deeply and, if it is sound, seal every complaint.

    One transaction locks the complaints table against writes first (reads
    go on), so the deep check and the seals see the same rows; writers wait.
    Stale findings are then filled (saves wait, so none is left), from the
    documents the check verifies: no seal covers a stale complaint.
    """
    s = sql.Identifier(schema)
    t = sql.Identifier(SEALS_TABLE)
    key = None if keys is None else keys.current
    with connector.write("record_checkpoint") as cur:
        cur.execute(sql.SQL("LOCK TABLE {}.complaints IN SHARE MODE").format(s))
        fill_stale(connector, StaleFills(schema), inside=True)
        report = verify_all(connector, schema, keys)
        if not report.ok:
            return report
        _create_seals(cur, s)
        version = _schema_version(cur, s)
        cur.execute(sql.SQL("TRUNCATE {s}.{t}").format(s=s, t=t))
        with _digests(cur, schema) as found:
            rows = [
                (cid, head, version, seal(cid, head, digest, key))
                for cid, head, digest, *_ in found
            ]
        with cur.copy(
            sql.SQL(
                "COPY {s}.{t} (complaint_id, last_link, schema_version, seal)"
                " FROM STDIN"
            ).format(s=s, t=t)
        ) as copy:
            for row in rows:
                copy.write_row(row)
    return report


def _create_seals(cur: Any, s: sql.Identifier) -> None:
    cur.execute(
        sql.SQL(
            "CREATE TABLE IF NOT EXISTS {s}.{t} ("
            ' complaint_id text COLLATE "C" PRIMARY KEY,'
            " last_link text NOT NULL, schema_version integer NOT NULL,"
            " seal text NOT NULL)"
        ).format(s=s, t=sql.Identifier(SEALS_TABLE))
    )


def seal_written(
    cur: Any, schema: str, key: RecordKey | None, complaint_ids: list[str]
) -> None:
    """Seal complaints this transaction has just written (a bulk import).

    Only for rows the library wrote from complaints whose document agrees
    with their history (see ``docs/storage.md``), in the caller's
    transaction: no other transaction sees or changes them before it commits.
    """
    if not complaint_ids:
        return
    s = sql.Identifier(schema)
    if not _sealed(cur, schema):
        _create_seals(cur, s)
    version = _schema_version(cur, s)
    only = sql.SQL(" FROM {s}.complaints c WHERE c.id = ANY(%s)").format(s=s)
    cur.execute(_query(DIGESTS, s, seals=only), (complaint_ids,))
    rows = [
        (cid, head, version, seal(cid, head, digest, key))
        for cid, head, digest in cur.fetchall()
    ]
    cur.executemany(
        sql.SQL(
            "INSERT INTO {s}.{t} (complaint_id, last_link, schema_version, seal)"
            " VALUES (%s, %s, %s, %s) ON CONFLICT (complaint_id) DO UPDATE"
            " SET last_link = excluded.last_link,"
            " schema_version = excluded.schema_version, seal = excluded.seal"
        ).format(s=s, t=sql.Identifier(SEALS_TABLE)),
        rows,
    )
