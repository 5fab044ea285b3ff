"""A small storage adapter written against the ComplaintRepository protocol.

It keeps "rows" in plain dicts and lists, as a key-value store or a
document database would, and builds everything else from
``iso10002.integrity`` and ``iso10002.repositories.rows``. The how-to
"Write your own storage adapter" walks through it;
tests/repositories/test_custom_adapter_example.py runs the whole conformance
suite against it.

Run it: ``python examples/custom_adapter.py``
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

from iso10002 import integrity
from iso10002.errors import ConflictError, DuplicateError, NotFoundError
from iso10002.integrity import IntegrityReport
from iso10002.model import Channel, Complainant, Complaint, ComplaintForm
from iso10002.repositories import Page, Query, StoredEvent, rows
from iso10002.repositories.anchors import with_anchor


class RowStoreComplaintRepository:
    """Complaints as rows: one per complaint, one per event, guarded by one lock."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        # One row per complaint id: version, document, salt and chain head.
        self.complaints: dict[str, dict] = {}
        # One row per event: position, complaint id, sequence, JSON, commitment, link.
        self.events_table: list[tuple[int, str, int, str, str, str]] = []
        self.keys: dict[str, str] = {}

    # -- writing -------------------------------------------------------------
    def _append(self, complaint_id: str, prepared: integrity.Prepared) -> None:
        for chained in prepared.events:
            position = len(self.events_table) + 1
            self.events_table.append(
                (
                    position,
                    complaint_id,
                    chained.sequence,
                    chained.event_json,
                    chained.commitment,
                    chained.link,
                )
            )

    def add(
        self,
        complaint: Complaint,
        *,
        idempotency_key: str | None = None,
        payload_digest: str | None = None,
    ) -> Complaint:
        complaint = rows.check_complaint(complaint)
        key = rows.check_idempotency_key(idempotency_key)
        digest = rows.check_payload_digest(payload_digest)
        with self.lock:
            if key is not None and key in self.keys:
                stored = self.keys[key]
                raise DuplicateError(
                    stored,
                    idempotency_key=key,
                    payload_digest=self.complaints[stored]["digest"],
                )
            if complaint.id in self.complaints:
                raise DuplicateError(complaint.id)
            salt = integrity.new_salt()
            prepared = integrity.prepare(
                complaint, after_version=0, previous_link=integrity.GENESIS, salt=salt
            )
            self.complaints[complaint.id] = {
                "version": complaint.version,
                "document": prepared.document,
                "salt": salt,
                "head": prepared.last_link,
                "digest": digest,  # stored with the key, cleared by erasure
            }
            if key is not None:
                self.keys[key] = complaint.id
            self._append(complaint.id, prepared)
        return complaint

    def _update(self, complaint: Complaint, expected: int, salt: bytes | None) -> None:
        row = self.complaints.get(complaint.id)
        if row is None:
            raise NotFoundError(complaint.id)
        if row["version"] != expected:
            raise ConflictError(
                complaint.id, expected_version=expected, actual_version=row["version"]
            )
        salt = salt or row["salt"]
        prepared = integrity.prepare(
            complaint, after_version=expected, previous_link=row["head"], salt=salt
        )
        row.update(
            version=complaint.version,
            document=prepared.document,
            salt=salt,
            head=prepared.last_link,
        )
        self._append(complaint.id, prepared)

    def save(self, complaint: Complaint, *, expected_version: int) -> Complaint:
        complaint = rows.check_save(complaint, expected_version)
        with self.lock:
            self._update(complaint, expected_version, None)
        return complaint

    def erase_personal_data(
        self, complaint_id: str, *, actor: str, at: datetime
    ) -> Complaint:
        with self.lock:
            current = self.get(complaint_id)
            erased = integrity.erase(current, actor=actor, at=at)
            if erased is not current:
                self._update(erased, current.version, integrity.new_salt())
            self.complaints[complaint_id]["digest"] = None
        return erased

    # -- reading -------------------------------------------------------------
    def get(self, complaint_id: str) -> Complaint:
        complaint_id = rows.check_complaint_id(complaint_id)
        row = self.complaints.get(complaint_id)
        if row is None:
            raise NotFoundError(complaint_id)
        return integrity.load_document(complaint_id, row["document"])

    def _all(self) -> list[Complaint]:
        with self.lock:
            stored = [(i, r["document"]) for i, r in self.complaints.items()]
        return [integrity.load_document(i, document) for i, document in stored]

    def find(self, query: Query, *, limit: int = 100, after: str | None = None) -> Page:
        query = rows.check_query(query)
        limit = rows.check_limit(limit)
        start = None if after is None else rows.decode_cursor(after)
        found = sorted(
            (c for c in self._all() if rows.matches(query, c)), key=rows.sort_key
        )
        if start is not None:
            found = [c for c in found if rows.sort_key(c) > start]
        items = tuple(found[:limit])
        more = len(found) > limit
        return Page(
            items=items, next_cursor=rows.encode_cursor(items[-1]) if more else None
        )

    def count(self, query: Query) -> int:
        query = rows.check_query(query)
        return sum(1 for c in self._all() if rows.matches(query, c))

    def events(self, *, after: int = 0, limit: int = 100) -> tuple[StoredEvent, ...]:
        after = rows.check_position(after)
        limit = rows.check_limit(limit)
        with self.lock:
            page = self.events_table[after : after + limit]
        return tuple(
            StoredEvent(
                position=row[0],
                complaint_id=row[1],
                event=integrity.load_event(row[1], row[3]),
            )
            for row in page
        )

    # -- audit ---------------------------------------------------------------
    def verify_integrity(self, *, anchor=None, anchor_keys=None) -> IntegrityReport:
        with self.lock:
            complaints = dict(self.complaints)
            events = list(self.events_table)
        problems = []
        for complaint_id in sorted(complaints):
            links = [
                integrity.StoredLink(
                    sequence=e[2], event=e[3], commitment=e[4], link=e[5]
                )
                for e in events
                if e[1] == complaint_id
            ]
            row = complaints[complaint_id]
            problems.extend(
                integrity.verify_complaint(
                    complaint_id,
                    document=row["document"],
                    links=links,
                    salt=row["salt"],
                )
            )
        report = IntegrityReport(
            complaints_checked=len(complaints),
            events_checked=len(events),
            problems=tuple(problems),
        )
        return with_anchor(report, self, anchor, anchor_keys)

    def close(self) -> None:
        """Nothing to release."""


def main() -> None:
    repository = RowStoreComplaintRepository()
    at = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
    form = ComplaintForm(
        complainant=Complainant(name="Ada Example", email="ada@example.org"),
        description="My meter reading was doubled on the March bill.",
    )
    complaint = Complaint.receive(
        form,
        id="C-1",
        reference="CMP-2026-000001",
        received_at=at,
        channel=Channel.WEB,
        received_by="web-form",
    )
    repository.add(complaint, idempotency_key="form-7f3a")
    try:
        repository.add(complaint, idempotency_key="form-7f3a")
    except DuplicateError as exc:
        print(f"retried intake refused: {exc}")
    erased = repository.erase_personal_data(
        "C-1", actor="dpo", at=at + timedelta(days=400)
    )
    print(f"after erasure the complainant is {erased.complainant.name!r}")
    print(f"history: {[e.name for e in erased.history]}")
    report = repository.verify_integrity()
    print(f"integrity: {report.complaints_checked} complaints, ok={report.ok}")


if __name__ == "__main__":
    main()
