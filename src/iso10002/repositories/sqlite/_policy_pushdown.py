"""The SQLite adapter's push-down of the review pack's policy findings and provenance.

:class:`SQLitePolicyPushDown` answers
:class:`~iso10002.analysis.pushdown.PolicyPushDown` from the ``kpi_flags``
and ``kpi_findings`` tables (see :mod:`._flags`), importing the analysis
seam only when asked.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from iso10002.repositories.sqlite._flags import (
    flags_complete,
    sqlite_findings,
    sqlite_provenance,
)
from iso10002.repositories.sqlite._pushdown import SQLitePushDown

if TYPE_CHECKING:
    from iso10002.analysis.pushdown import ImportedShare, Period, StoredPolicyCounts

__all__ = ["SQLitePolicyPushDown"]


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
        with self._transaction("BEGIN") as connection:
            if not flags_complete(connection):
                return None
            counts = sqlite_findings(connection, as_of, scope, ids_shown)
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
