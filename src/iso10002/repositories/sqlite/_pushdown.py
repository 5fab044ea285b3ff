"""The SQLite adapter's push-down methods: KPIs and evidence checks in SQL.

:class:`SQLitePushDown` is the part of
:class:`~iso10002.repositories.sqlite.SQLiteComplaintRepository` that answers
``KpiPushDown``, ``EvidencePushDown`` and ``RemedyPushDown`` from the facts
tables, importing the analysis seam only when asked.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from iso10002.repositories._kpi_facts import unreadable_error
from iso10002.repositories.sqlite._analytics import (
    sqlite_checks,
    sqlite_kpis,
    sqlite_remedies,
)
from iso10002.repositories.sqlite._backfill import facts_complete, fill_missing_facts
from iso10002.repositories.sqlite._connect import SQLiteConnections

if TYPE_CHECKING:
    from iso10002.analysis.pushdown import (
        DayCalendar,
        EvidenceCheck,
        KpiReport,
        KpiSpec,
        Period,
        RemedySummary,
    )

__all__ = ["SQLitePushDown"]


class SQLitePushDown(SQLiteConnections):
    """KPIs and evidence checks computed in SQL over the adapter's connections."""

    def analytics_kpis(
        self, spec: KpiSpec, calendar: DayCalendar | None = None
    ) -> KpiReport | None:
        """Compute the KPIs in SQL, without loading complaints (``KpiPushDown``).

        Gives exactly what :func:`~iso10002.analysis.compute_kpis` gives over
        every stored complaint, from one read snapshot. Any business calendar
        works; see :doc:`/pushdown` for the rare cases that return ``None``.

        Args:
            spec: What to compute.
            calendar: Business calendar (weekdays in UTC when ``None``).

        Returns:
            The report, or ``None`` when it cannot be computed exactly in SQL.

        Raises:
            ValidationError: for a bad ``spec`` or ``calendar``.
            IntegrityError: when a stored document cannot be read (as
                streaming the complaints would), naming the complaints.

        .. versionadded:: 0.1.0
        """
        with self._transaction("BEGIN") as connection:
            if facts_complete(connection):
                return sqlite_kpis(connection, spec, calendar)
        # Rare: facts left out by the v2 migration (unreadable documents).
        with self._transaction() as connection:
            unreadable = fill_missing_facts(connection)
        if unreadable:
            raise unreadable_error(unreadable)
        with self._transaction("BEGIN") as connection:
            return sqlite_kpis(connection, spec, calendar)

    def analytics_evidence(
        self,
        as_of: datetime,
        period: Period | None = None,
        ids_shown: int | None = 20,
    ) -> tuple[EvidenceCheck, ...]:
        """Count the audit evidence checks in SQL (``EvidencePushDown``).

        Gives the checks :func:`~iso10002.analysis.collect_evidence` gives
        over the complaints received by ``as_of`` (and in ``period``), from
        one read snapshot, each naming its first ``ids_shown`` gaps.

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
            IntegrityError: when a stored document cannot be read, naming it.

        .. versionadded:: 0.2.0
        """
        from iso10002.analysis.pushdown import (  # noqa: PLC0415 - analysis only when asked
            check_evidence_scope,
            evidence_check,
        )

        as_of, period, ids_shown = check_evidence_scope(as_of, period, ids_shown)
        scope = None if period is None else (period.start, period.end)
        counts = None
        with self._transaction("BEGIN") as connection:
            if facts_complete(connection):
                counts = sqlite_checks(connection, as_of, scope, ids_shown)
        if counts is None:
            with self._transaction() as connection:
                unreadable = fill_missing_facts(connection)
            if unreadable:
                raise unreadable_error(unreadable)
            with self._transaction("BEGIN") as connection:
                counts = sqlite_checks(connection, as_of, scope, ids_shown)
        return tuple(evidence_check(name, *found) for name, found in counts.items())

    def analytics_remedies(self, spec: KpiSpec) -> RemedySummary:
        """Count the management review's remedies in SQL (``RemedyPushDown``).

        Gives what the review's remedies section counts by streaming: over
        the complaints of ``spec``, the decision in force at its ``as_of``,
        duplicates left out; from one read snapshot.

        Raises:
            ValidationError: for a ``spec`` that is not a ``KpiSpec``.
            IntegrityError: when a stored document cannot be read, naming it.

        .. versionadded:: 0.3.0
        """
        with self._transaction("BEGIN") as connection:
            if facts_complete(connection):
                return sqlite_remedies(connection, spec)
        with self._transaction() as connection:
            unreadable = fill_missing_facts(connection)
        if unreadable:
            raise unreadable_error(unreadable)
        with self._transaction("BEGIN") as connection:
            return sqlite_remedies(connection, spec)
