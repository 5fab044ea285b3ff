"""The SQLite adapter's push-down of the review pack's policy findings and provenance.

:class:`SQLitePolicyPushDown` answers
:class:`~iso10002.analysis.pushdown.PolicyPushDown` from the ``kpi_flags``
and ``kpi_findings`` tables (see :mod:`._flags`), importing the analysis
seam only when asked. Findings left stale by saves are filled first
(:meth:`SQLitePolicyPushDown.fill_stale_findings`), so a count never omits
them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from iso10002.repositories.sqlite._flags import (
    FILL_BATCH,
    fill_batch,
    fill_stale,
    flags_complete,
    has_stale,
    sqlite_findings,
    sqlite_provenance,
    stale_batch,
)
from iso10002.repositories.sqlite._pushdown import SQLitePushDown

if TYPE_CHECKING:
    from iso10002.analysis.pushdown import ImportedShare, Period, StoredPolicyCounts

__all__ = ["SQLitePolicyPushDown"]

_T = TypeVar("_T")
_ATTEMPTS = 3
# Fills (each in bounded write transactions) before a count that finds
# complaints saved meanwhile fills and counts in one write transaction.


class SQLitePolicyPushDown(SQLitePushDown):
    """The stored findings and provenance counted in SQL (``PolicyPushDown``)."""

    def analytics_findings(
        self,
        as_of: datetime,
        period: Period | None = None,
        ids_shown: int | None = 20,
    ) -> StoredPolicyCounts | None:
        """Count the stored findings that hold at ``as_of`` (``PolicyPushDown``).

        Counts the rows of :func:`~iso10002.analysis.pushdown.stored_findings`
        over the complaints received by ``as_of`` (and in ``period``), from
        one read snapshot.

        Args:
            as_of: The review instant.
            period: Count only complaints received in it.
            ids_shown: Complaint ids named per list, the first in id order
                (all when ``None``).

        Returns:
            The counts, or ``None`` when a stored complaint has no rows (its
            document could not be read when the store was migrated).

        Raises:
            ValidationError: for a wrong argument.

        .. versionadded:: 0.3.0
        """
        from iso10002.analysis.pushdown import (  # noqa: PLC0415 - analysis only when asked
            FindingCount,
            PrincipleGaps,
            StoredPolicyCounts,
            check_evidence_scope,
        )

        as_of, period, ids_shown = check_evidence_scope(as_of, period, ids_shown)
        scope = None if period is None else (period.start, period.end)
        counts = self._fresh(
            lambda connection: sqlite_findings(connection, as_of, scope, ids_shown)
        )
        if counts is None:
            return None
        return StoredPolicyCounts(
            complaints=counts.complaints,
            first_ids=counts.first_ids,
            findings=tuple(FindingCount(*row) for row in counts.findings),
            gaps=tuple(PrincipleGaps(*row) for row in counts.gaps),
        )

    def analytics_provenance(
        self, as_of: datetime, period: Period | None = None
    ) -> ImportedShare | None:
        """Count the provenance share in SQL (``PolicyPushDown``).

        Args:
            as_of: The review instant.
            period: Count only complaints received in it.

        Returns:
            What :class:`~iso10002.provenance.ProvenanceCounter` counts over
            the complaints in scope, or ``None`` when a stored complaint has
            no flags row.

        Raises:
            ValidationError: for a wrong argument.

        .. versionadded:: 0.3.0
        """
        from iso10002.analysis.pushdown import (  # noqa: PLC0415 - analysis only when asked
            ImportedShare,
            check_evidence_scope,
        )

        as_of, period, _ = check_evidence_scope(as_of, period, None)
        scope = None if period is None else (period.start, period.end)
        with self._transaction("BEGIN") as connection:
            if not flags_complete(connection):
                return None
            counts = sqlite_provenance(connection, as_of, scope)
        return ImportedShare(**counts)

    def fill_stale_findings(self) -> int:
        """Evaluate and store the findings saves left stale, in bounded batches.

        Each batch is read from one snapshot, evaluated outside any lock and
        written in a short write transaction, only where the complaint is
        still stale at the version read (a complaint saved meanwhile stays
        stale). Stops after as many batches as were stale when it started.

        Returns:
            How many complaints were filled.

        .. versionadded:: 0.3.0
        """
        with self._transaction("BEGIN") as connection:
            (stale,) = connection.execute(
                "SELECT count(*) FROM kpi_flags WHERE stale_version IS NOT NULL"
            ).fetchone()
        filled, after = 0, None
        for _ in range(-(-int(stale) // FILL_BATCH)):
            with self._transaction("BEGIN") as connection:
                batch, after = stale_batch(connection, FILL_BATCH, after)
            if after is None:
                break
            with self._transaction() as connection:
                filled += fill_batch(connection, batch)
        return filled

    def _fresh(self, count: Callable[[sqlite3.Connection], _T]) -> _T | None:
        """Return ``count`` from a snapshot in which no findings are stale.

        ``None`` when a stored complaint has no flags row, or a stale one
        cannot be read (the review pack then streams, naming it).
        """
        for _ in range(_ATTEMPTS):
            self.fill_stale_findings()
            with self._transaction("BEGIN") as connection:
                if not flags_complete(connection):
                    return None
                if not has_stale(connection):
                    return count(connection)
        with self._transaction() as connection:
            fill_stale(connection)
            if not flags_complete(connection) or has_stale(connection):
                return None
            return count(connection)
