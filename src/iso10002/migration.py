"""Migrating a store whose histories predate facts in events (before 0.2.0).

:func:`migrate_history` appends, to every stored complaint whose history
cannot be folded (:func:`~iso10002.history.is_replayable` is false), one
``FactsRecorded`` event stating the facts its document holds
(:func:`~iso10002.history.record_facts`), and saves it with the repository's
version check. The report says what was migrated and what could not be
recovered: which earlier event set each fact (the facts are stated as the
document held them at migration time, so a past state before the migration
is rebuilt from the document, not from the events).

``iso10002 migrate-history --db …`` runs it from the command line.

.. versionadded:: 0.2.0
"""

from __future__ import annotations

from datetime import datetime

import attrs

from iso10002.errors import ConflictError, ValidationError
from iso10002.history import is_replayable, record_facts
from iso10002.repositories import ComplaintRepository, Query, iter_complaints

__all__ = ["NOT_RECOVERED", "HistoryMigration", "migrate_history"]

NOT_RECOVERED = (
    "which earlier event set each fact: the migrated facts are stated as the "
    "document held them, by one FactsRecorded event"
)
"""What a migration cannot recover from a history recorded before 0.2.0."""


@attrs.frozen
class HistoryMigration:
    """What :func:`migrate_history` did.

    .. versionadded:: 0.2.0
    """

    checked: int
    """Complaints read."""
    migrated: tuple[str, ...]
    """Ids of the complaints that gained a ``FactsRecorded`` event (or would, in
    a dry run)."""
    changed_meanwhile: tuple[str, ...]
    """Ids saved by another writer during the migration (left as they are; run
    the migration again)."""
    dry_run: bool
    """Whether nothing was saved."""
    not_recovered: str = NOT_RECOVERED
    """What the migration could not recover, in words."""

    @property
    def complete(self) -> bool:
        """Whether every complaint now carries its facts (none changed meanwhile)."""
        return not self.dry_run and not self.changed_meanwhile


def migrate_history(
    repository: ComplaintRepository,
    *,
    at: datetime,
    actor: str = "system:migration",
    dry_run: bool = False,
) -> HistoryMigration:
    """Record the facts of every stored complaint whose history lacks them.

    Args:
        repository: The store to migrate.
        at: When the migration records them (each complaint's event is dated
            no earlier than its last event).
        actor: Who records them.
        dry_run: Only report what would be migrated.

    Returns:
        What was migrated, what changed meanwhile, and what was not recovered.

    Raises:
        ValidationError: if ``actor`` or ``at`` is invalid.

    .. versionadded:: 0.2.0
    """
    if not isinstance(at, datetime) or at.tzinfo is None:
        raise ValidationError.single("at", "must be a timezone-aware datetime")
    checked = 0
    migrated: list[str] = []
    changed: list[str] = []
    for complaint in iter_complaints(repository, Query()):
        checked += 1
        if is_replayable(complaint.history):
            continue
        last = complaint.history[-1].at if complaint.history else at
        new = record_facts(complaint, actor=actor, at=max(at, last))
        if dry_run:
            migrated.append(complaint.id)
            continue
        try:
            repository.save(new, expected_version=complaint.version)
        except ConflictError:
            changed.append(complaint.id)
        else:
            migrated.append(complaint.id)
    return HistoryMigration(
        checked=checked,
        migrated=tuple(migrated),
        changed_meanwhile=tuple(changed),
        dry_run=dry_run,
    )
