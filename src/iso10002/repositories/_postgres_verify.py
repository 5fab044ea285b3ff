"""``verify_integrity`` of the PostgreSQL adapter: every chain, page by page."""

from __future__ import annotations

import json
from typing import Any

from psycopg import sql

from iso10002.repositories._integrity import StoredLink, verify_complaint
from iso10002.repositories._postgres_codec import unescape_document
from iso10002.repositories._postgres_connect import Connector
from iso10002.repositories._protocol import IntegrityProblem, IntegrityReport

__all__ = ["verify_all"]

_VERIFY_BATCH = 200


def verify_all(connector: Connector, schema: str) -> IntegrityReport:
    """Check every complaint's hash chain, document and commitments.

    Complaints are read in pages, so memory stays bounded.
    """
    s = sql.Identifier(schema)
    problems: list[IntegrityProblem] = []
    complaints = events = 0
    last = ""
    head = sql.SQL(
        "SELECT id, document::text, document_escaped, salt, version, last_link"
        " FROM {}.complaints WHERE id > %s ORDER BY id LIMIT %s"
    ).format(s)
    links_sql = sql.SQL(
        "SELECT complaint_id, sequence, event::text, commitment, link"
        " FROM {}.events"
        " WHERE complaint_id = ANY(%s) ORDER BY complaint_id, sequence"
    ).format(s)
    while True:
        with connector.read("verify_integrity") as cur:
            cur.execute(head, (last, _VERIFY_BATCH))
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
        for cid, document_text, escaped, salt, version, last_link in rows:
            stored = links.get(cid, [])
            events += len(stored)
            problems.extend(
                _verify_one(
                    cid,
                    document_text=document_text,
                    escaped=escaped,
                    salt=bytes(salt),
                    version=version,
                    last_link=last_link,
                    links=stored,
                )
            )
        complaints += len(rows)
        last = rows[-1][0]
    return IntegrityReport(
        complaints_checked=complaints,
        events_checked=events,
        problems=tuple(problems),
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
) -> list[IntegrityProblem]:
    found: list[IntegrityProblem] = []
    document: Any
    try:
        document = json.loads(document_text)
    except ValueError:
        document = document_text
    if isinstance(document, dict):
        if escaped:
            document = unescape_document(document)
        try:
            document["history"] = [json.loads(str(link.event)) for link in links]
        except ValueError:
            document["history"] = []
    found.extend(
        verify_complaint(complaint_id, document=document, links=links, salt=salt)
    )
    if version != len(links):
        found.append(
            IntegrityProblem(
                complaint_id=complaint_id,
                message=f"row is at version {version} but the event log holds "
                f"{len(links)} events",
            )
        )
    elif links and links[-1].link != last_link:
        found.append(
            IntegrityProblem(
                complaint_id=complaint_id,
                message="row's last link differs from the event log's last link",
            )
        )
    return found
