"""The PostgreSQL adapter's push-down methods: KPIs, evidence and remedies in SQL.

:class:`PostgresPushDown` is the part of
:class:`~iso10002.repositories.postgres.PostgresComplaintRepository` that
answers ``KpiPushDown``, ``EvidencePushDown`` and ``RemedyPushDown`` from the
facts tables (:mod:`._analytics`), importing the analysis seam only when
asked.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from iso10002.repositories.postgres._analytics import (
    evidence_in_sql,
    kpis_in_sql,
    remedies_in_sql,
)
from iso10002.repositories.postgres._connect import Connector

if TYPE_CHECKING:
    from iso10002.analysis.pushdown import (
        DayCalendar,
        EvidenceCheck,
        KpiReport,
        KpiSpec,
        Period,
        RemedySummary,
    )

__all__ = ["PostgresPushDown"]


class PostgresPushDown:
    """KPIs, evidence checks and remedies computed in SQL over the adapter's pool."""

    _db: Connector
    _sql: Any  # the adapter's statements; ``facts`` is its FactWriter

    def analytics_kpis(
        self, spec: KpiSpec, calendar: DayCalendar | None = None
    ) -> KpiReport | None:
        """Compute the KPIs in SQL, without loading complaints (``KpiPushDown``).

        Equals ``compute_kpis`` over every stored complaint, read from one
        snapshot (see :doc:`/pushdown`, which also lists when ``None`` comes).

        Args:
            spec: What to compute.
            calendar: Business calendar (weekdays in UTC when ``None``).

        Returns:
            The report, or ``None`` when it cannot be computed exactly in SQL.

        Raises:
            ValidationError: for a bad ``spec`` or ``calendar``.
            IntegrityError: when a stored complaint cannot be read (as
                streaming the complaints would), naming the complaints.

        .. versionadded:: 0.1.0
        """
        return kpis_in_sql(self._db, self._sql.facts, spec, calendar)

    def analytics_evidence(
        self,
        as_of: datetime,
        period: Period | None = None,
        ids_shown: int | None = 20,
    ) -> tuple[EvidenceCheck, ...]:
        """Count the audit evidence checks in SQL (``EvidencePushDown``).

        Gives the checks :func:`~iso10002.analysis.collect_evidence` gives
        over the complaints received by ``as_of`` (and in ``period``), from
        one snapshot, each naming its first ``ids_shown`` gaps.

        Args:
            as_of: The audit instant.
            period: Count only complaints received in it.
            ids_shown: Gap ids named per check, the first in id order (all
                when ``None``).

        Returns:
            The nine checks, in the order of
            :data:`~iso10002.analysis.evidence.EVIDENCE_CHECKS`.

        Raises:
            ValidationError: for a wrong argument.
            IntegrityError: when a stored complaint cannot be read, naming it.

        .. versionadded:: 0.2.0
        """
        return evidence_in_sql(self._db, self._sql.facts, as_of, period, ids_shown)

    def analytics_remedies(self, spec: KpiSpec) -> RemedySummary:
        """Count the management review's remedies in SQL (``RemedyPushDown``).

        Gives what the review's remedies section counts by streaming: over
        the complaints of ``spec``, the decision in force at its ``as_of``,
        duplicates left out; from one snapshot.

        Raises:
            ValidationError: for a ``spec`` that is not a ``KpiSpec``.
            IntegrityError: when a stored complaint cannot be read, naming it.

        .. versionadded:: 0.3.0
        """
        return remedies_in_sql(self._db, self._sql.facts, spec)
