"""Import source rows in chunks: all or nothing per chunk, idempotent, resumable."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping

import attrs

from iso10002.errors import DuplicateError, NotFoundError, ValidationError
from iso10002.interchange._convert import RowResult, convert_row
from iso10002.interchange._mapping import ImportMapping
from iso10002.interchange._native import complaint_from_record
from iso10002.interchange._row import RowProblem
from iso10002.interchange._sources import SourceRow
from iso10002.model import Complaint
from iso10002.repositories import ComplaintRepository

__all__ = [
    "ALREADY_IMPORTED",
    "INVALID",
    "REPEATED_KEY",
    "ImportSummary",
    "import_records",
]

ALREADY_IMPORTED = "already imported"
"""Skip reason: a complaint with the row's key is stored (an earlier run)."""
INVALID = "invalid"
"""Skip reason: the row has problems (listed in :attr:`ImportSummary.problems`)."""
REPEATED_KEY = "key repeated in the source"
"""Skip reason: an earlier row of the same source has the same key."""

_MAX_CHUNK = 100_000


@attrs.frozen(kw_only=True)
class ImportSummary:
    """What an import did (or, for a dry run, would do).

    Args:
        dry_run: Whether nothing was written.
        rows_read: Source rows read.
        imported: Complaints stored (for a dry run: that would be stored).
        skipped: Rows not stored, by reason (see :data:`ALREADY_IMPORTED`,
            :data:`INVALID`, :data:`REPEATED_KEY`).
        assumptions: What was assumed to store the rows, with how many times.
        problems: Every problem of every invalid row.
        chunks: Transactions committed (0 for a dry run).

    .. versionadded:: 0.2.0
    """

    dry_run: bool
    rows_read: int
    imported: int
    skipped: Mapping[str, int]
    assumptions: Mapping[str, int]
    problems: tuple[RowProblem, ...]
    chunks: int


def _bulk(repository: ComplaintRepository, complaints: list[Complaint]) -> None:
    """Store ``complaints`` in one transaction when the adapter can."""
    bulk = getattr(repository, "import_complaints", None)
    if callable(bulk):
        bulk(complaints, batch_size=len(complaints))
        return
    for complaint in complaints:  # adapters without a bulk path: one by one
        repository.add(complaint)


def _stored(repository: ComplaintRepository, ids: Iterable[str]) -> set[str]:
    found = set()
    for complaint_id in ids:
        try:
            repository.get(complaint_id)
        except NotFoundError:
            continue
        found.add(complaint_id)
    return found


class _Run:
    def __init__(
        self, repository: ComplaintRepository, *, dry_run: bool, chunk_size: int
    ) -> None:
        self.repository = repository
        self.dry_run = dry_run
        self.chunk_size = chunk_size
        self.read = 0
        self.imported = 0
        self.chunks = 0
        self.skipped: Counter[str] = Counter()
        self.assumptions: Counter[str] = Counter()
        self.problems: list[RowProblem] = []
        self.keys: set[str] = set()
        self.chunk: list[Complaint] = []
        self.assumed: dict[str, tuple[str, ...]] = {}

    def flush(self) -> None:
        batch, self.chunk = self.chunk, []
        assumed, self.assumed = self.assumed, {}
        if not batch:
            return
        if self.dry_run:
            stored = _stored(self.repository, (c.id for c in batch))
            self.skipped[ALREADY_IMPORTED] += len(stored)
            batch = [c for c in batch if c.id not in stored]
            self.count(batch, assumed)
            return
        try:
            _bulk(self.repository, batch)
        except DuplicateError:
            # A resumed run: leave out what an earlier run stored, then retry.
            stored = _stored(self.repository, (c.id for c in batch))
            self.skipped[ALREADY_IMPORTED] += len(stored)
            batch = [c for c in batch if c.id not in stored]
            if batch:
                _bulk(self.repository, batch)
        if batch:
            self.chunks += 1
        self.count(batch, assumed)

    def count(
        self, batch: list[Complaint], assumed: dict[str, tuple[str, ...]]
    ) -> None:
        self.imported += len(batch)
        for complaint in batch:
            self.assumptions.update(assumed.get(complaint.id, ()))

    def summary(self) -> ImportSummary:
        return ImportSummary(
            dry_run=self.dry_run,
            rows_read=self.read,
            imported=self.imported,
            skipped={reason: n for reason, n in self.skipped.items() if n},
            assumptions=dict(self.assumptions),
            problems=tuple(self.problems),
            chunks=self.chunks,
        )


def import_records(  # noqa: PLR0913 - each option is independent
    repository: ComplaintRepository,
    rows: Iterable[SourceRow],
    mapping: ImportMapping | None = None,
    *,
    dry_run: bool = False,
    skip_invalid: bool = False,
    chunk_size: int = 1000,
    on_row: Callable[[RowResult], None] | None = None,
) -> ImportSummary:
    """Import source rows as complaints, through a mapping or as exported records.

    Rows are converted one at a time and stored ``chunk_size`` complaints per
    transaction (all of a chunk or none of it), so memory stays bounded.
    Each complaint's id comes from the mapping's name and the row's key, so a
    second run skips the rows already stored: an interrupted import resumes
    by running it again.

    Args:
        repository: Where to store the complaints.
        rows: The source's records (see :func:`read_rows`).
        mapping: How columns map to the model; ``None`` for records written
            by :func:`write_records` (complaint documents, kept as they are).
        dry_run: Convert and check every row, write nothing.
        skip_invalid: Skip rows with problems (listed in the summary) instead
            of stopping at the first.
        chunk_size: Complaints per transaction.
        on_row: Called with each row's result, in source order (for a per-row
            report or a progress bar).

    Returns:
        What was read, imported, skipped and assumed.

    Raises:
        ValidationError: for a bad ``chunk_size``; and, unless ``dry_run`` or
            ``skip_invalid``, listing every problem of the first invalid row,
            each naming the row and the column (that row's chunk is not
            written; earlier chunks are).
        RepositoryError: if the store fails (the chunk is not written).

    .. versionadded:: 0.2.0
    """
    if (
        isinstance(chunk_size, bool)
        or not isinstance(chunk_size, int)
        or not 1 <= chunk_size <= _MAX_CHUNK
    ):
        raise ValidationError.single("chunk_size", f"must be 1 to {_MAX_CHUNK:,}")
    run = _Run(repository, dry_run=dry_run, chunk_size=chunk_size)
    for row in rows:
        result = (
            complaint_from_record(row) if mapping is None else convert_row(mapping, row)
        )
        run.read += 1
        if on_row is not None:
            on_row(result)
        if result.complaint is None:
            if not (dry_run or skip_invalid):
                raise ValidationError(p.error().problems[0] for p in result.problems)
            run.problems.extend(result.problems)
            run.skipped[INVALID] += 1
            continue
        if result.key in run.keys:
            run.skipped[REPEATED_KEY] += 1
            continue
        run.keys.add(result.key)
        if result.assumptions:
            run.assumed[result.complaint.id] = result.assumptions
        run.chunk.append(result.complaint)
        if len(run.chunk) >= chunk_size:
            run.flush()
    run.flush()
    return run.summary()
