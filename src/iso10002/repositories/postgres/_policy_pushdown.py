"""The PostgreSQL adapter's push-down of the pack's policy findings and provenance.

:class:`PostgresPolicyPushDown` answers
:class:`~iso10002.analysis.pushdown.PolicyPushDown` from the ``kpi_flags``
and ``kpi_findings`` tables (see :mod:`._flags`), each from one snapshot,
importing the analysis seam only when asked. Findings left stale by saves
are filled first (:meth:`PostgresPolicyPushDown.fill_stale_findings`), so a
count never omits them.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from iso10002.repositories.postgres._pushdown import PostgresPushDown
from iso10002.repositories.postgres._stale import fill_stale

if TYPE_CHECKING:
    from iso10002.analysis.pushdown import ImportedShare, Period, StoredPolicyCounts

__all__ = ["PostgresPolicyPushDown"]

_ATTEMPTS = 3
# Fills before a count that still finds complaints saved meanwhile gives
# ``None`` (the pack then streams: its figures are still exact).


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
        counts = None
        for _ in range(_ATTEMPTS):
            self.fill_stale_findings()
            with self._db.snapshot("analytics_findings") as cur:
                if not flags.complete(cur):
                    return None
                if not flags.stale.any_stale(cur):
                    counts = flags.findings(cur, as_of, scope, ids_shown)
                    break
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
        flags = self._sql.facts.flags
        with self._db.snapshot("analytics_provenance") as cur:
            if not flags.complete(cur):
                return None
            counts = flags.provenance(cur, as_of, scope)
        return ImportedShare(**counts)

    def fill_stale_findings(self) -> int:
        """Evaluate and store the findings saves left stale, in bounded batches.

        Each batch is read from one snapshot, evaluated outside any
        transaction and written in a short one, only where the complaint is
        still at the version read (its row locked in share mode meanwhile):
        a complaint saved since stays stale. Stops after as many batches as
        were stale when it started.

        Returns:
            How many complaints were filled.

        .. versionadded:: 0.3.0
        """
        return fill_stale(self._db, self._sql.facts.flags.stale)
