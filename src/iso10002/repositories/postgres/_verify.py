"""``verify_integrity`` of the PostgreSQL adapter: every chain, page by page."""

from __future__ import annotations

import bisect
import json
from collections.abc import Collection
from typing import Any

from psycopg import sql

from iso10002.integrity import (
    IntegrityProblem,
    IntegrityReport,
    StoredLink,
    column_problems,
    head_problems,
    inspect_complaint,
    orphan_problems,
)
from iso10002.integrity.keys import ChainKeys
from iso10002.model import Complaint
from iso10002.repositories._query import index_values
from iso10002.repositories.postgres._analytics import FactWriter
from iso10002.repositories.postgres._codec import unescape_document
from iso10002.repositories.postgres._connect import Connector
from iso10002.repositories.postgres._search import SearchIndex

__all__ = ["verify_all"]

_VERIFY_BATCH = 200
_INDEXED = (
    "status",
    "received_at",
    "channel",
    "assignee",
    "category",
    "reference",
    "next_due_at",
    "met_late",
)
# The indexed columns, named as in the table and in ``IndexValues``.


def verify_all(
    connector: Connector,
    schema: str,
    keys: ChainKeys | None = None,
    only: Collection[str] | None = None,
) -> IntegrityReport:
    """Check every complaint's hash chain, document and commitments.

    Complaints are read in pages, so memory stays bounded. With ``only``,
    just those complaints are checked (the quick check covers the rest).
    """
    wanted = None if only is None else sorted(only)
    s = sql.Identifier(schema)
    problems: list[IntegrityProblem] = []
    unreplayable: list[str] = []
    facts = FactWriter(schema)
    search = SearchIndex(schema)
    complaints = events = 0
    last = ""
    head = sql.SQL(
        "SELECT id, document::text, document_escaped, salt, version, last_link, {}"
        " FROM {}.complaints WHERE id > %s"
        " AND (%s::text[] IS NULL OR id = ANY(%s)) ORDER BY id LIMIT %s"
    ).format(sql.SQL(", ").join(map(sql.Identifier, _INDEXED)), s)
    links_sql = sql.SQL(
        "SELECT complaint_id, sequence, event::text, commitment, link"
        " FROM {}.events"
        " WHERE complaint_id = ANY(%s) ORDER BY complaint_id, sequence"
    ).format(s)
    while True:
        # With ``only``, each page asks for its own ids (ANY over them all
        # would compare every row with every id).
        page = None
        if wanted is not None:
            start = bisect.bisect_right(wanted, last)
            page = wanted[start : start + _VERIFY_BATCH]
        with connector.read("verify_integrity") as cur:
            cur.execute(head, (last, page, page, _VERIFY_BATCH))
            rows = cur.fetchall()
            if not rows:
                break
            cur.execute(links_sql, ([r[0] for r in rows],))
            links: dict[str, list[StoredLink]] = {}
            for cid, sequence, text, commitment, link in cur:
                links.setdefault(cid, []).append(
                    StoredLink(
                        sequence=sequence,
                        event=text,
                        commitment=commitment,
                        link=link,
                    )
                )
        loaded = []
        for cid, document_text, escaped, salt, version, last_link, *columns in rows:
            stored = links.get(cid, [])
            events += len(stored)
            found, replayable, complaint = _verify_one(
                cid,
                document_text=document_text,
                escaped=escaped,
                salt=bytes(salt),
                version=version,
                last_link=last_link,
                links=stored,
                columns=dict(zip(_INDEXED, columns, strict=True)),
                keys=keys,
            )
            problems.extend(found)
            if not replayable:
                unreplayable.append(cid)
            if complaint is not None:
                loaded.append(complaint)
        if loaded:
            with connector.read("verify_integrity") as cur:
                differing = facts.differing(cur, loaded)
                problems.extend(search.problems(cur, loaded))
            problems.extend(
                IntegrityProblem(
                    complaint_id=cid,
                    message=f"KPI table {table!r} differs from the document",
                )
                for cid, tables in sorted(differing.items())
                for table in tables
            )
        complaints += len(rows)
        last = rows[-1][0]
    if only is not None:
        return IntegrityReport(
            complaints_checked=complaints,
            events_checked=events,
            problems=tuple(problems),
            unreplayable=tuple(unreplayable),
        )
    with connector.read("verify_integrity") as cur:
        cur.execute(
            sql.SQL(
                "SELECT DISTINCT complaint_id FROM {0}.events e WHERE NOT EXISTS"
                " (SELECT 1 FROM {0}.complaints c WHERE c.id = e.complaint_id)"
                " ORDER BY complaint_id"
            ).format(s)
        )
        problems.extend(orphan_problems([row[0] for row in cur.fetchall()]))
        problems.extend(search.orphans(cur))
    return IntegrityReport(
        complaints_checked=complaints,
        events_checked=events,
        problems=tuple(problems),
        unreplayable=tuple(unreplayable),
    )


def _verify_one(  # noqa: PLR0913 - one stored row, column by column
    complaint_id: str,
    *,
    document_text: str,
    escaped: bool,
    salt: bytes,
    version: int,
    last_link: str,
    links: list[StoredLink],
    columns: dict[str, Any],
    keys: ChainKeys | None,
) -> tuple[list[IntegrityProblem], bool, Complaint | None]:
    found: list[IntegrityProblem] = []
    document: Any
    try:
        document = json.loads(document_text)
    except (ValueError, RecursionError):
        document = document_text
    if isinstance(document, dict):
        if escaped:
            document = unescape_document(document)
        try:
            document["history"] = [json.loads(str(link.event)) for link in links]
        except (ValueError, RecursionError):
            document["history"] = []
    check = inspect_complaint(
        complaint_id, document=document, links=links, salt=salt, keys=keys
    )
    found.extend(check.problems)
    found.extend(
        head_problems(complaint_id, version=version, last_link=last_link, links=links)
    )
    if check.complaint is not None:
        values = index_values(check.complaint)
        found.extend(
            column_problems(
                complaint_id,
                stored=columns,
                expected={name: getattr(values, name) for name in _INDEXED},
            )
        )
    return found, check.replayable, check.complaint
