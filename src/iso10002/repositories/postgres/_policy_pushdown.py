"""The PostgreSQL adapter's push-down of the pack's policy findings and provenance.

:class:`PostgresPolicyPushDown` answers
:class:`~iso10002.analysis.pushdown.PolicyPushDown` from the ``kpi_flags``
and ``kpi_findings`` tables (see :mod:`._flags`), each from one snapshot,
importing the analysis seam only when asked.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from iso10002.repositories.postgres._pushdown import PostgresPushDown

if TYPE_CHECKING:
    from iso10002.analysis.pushdown import ImportedShare, Period, StoredPolicyCounts

__all__ = ["PostgresPolicyPushDown"]


class PostgresPolicyPushDown(PostgresPushDown):
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
        one snapshot.

        Args:
            as_of: The review instant.
            period: Count only complaints received in it.
            ids_shown: Complaint ids named per list, the first in id order
                (all when ``None``).

        Returns:
            The counts, or ``None`` when a stored complaint has no rows (it
            could not be read when the schema was migrated).

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
        flags = self._sql.facts.flags
        with self._db.snapshot("analytics_findings") as cur:
            if not flags.complete(cur):
                return None
            counts = flags.findings(cur, as_of, scope, ids_shown)
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
        flags = self._sql.facts.flags
        with self._db.snapshot("analytics_provenance") as cur:
            if not flags.complete(cur):
                return None
            counts = flags.provenance(cur, as_of, scope)
        return ImportedShare(**counts)
