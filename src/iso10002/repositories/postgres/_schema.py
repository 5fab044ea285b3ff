"""The PostgreSQL schema of the complaints store, and its forward migrations.

Every object lives in one schema (``iso10002`` by default) so that a host
database can hold the store next to its own tables, or several stores side by
side. ``schema_version`` records each migration applied; migrations only ever
move forwards and run under a transaction-scoped advisory lock, so several
processes starting at once apply each one exactly once.
"""

from __future__ import annotations

import re
import zlib
from typing import Any

import psycopg
from psycopg import sql

from iso10002.errors import RepositoryError, ValidationError
from iso10002.repositories.postgres._analytics import (
    EVIDENCE_STATEMENTS,
    FACTS_STATEMENTS,
    SUBCATEGORY_STATEMENTS,
    backfill_evidence,
    backfill_facts,
    backfill_subcategories,
)
from iso10002.repositories.postgres._decisions import (
    DECISIONS_STATEMENTS,
    backfill_decisions,
)
from iso10002.repositories.postgres._flags import FLAGS_STATEMENTS, backfill_flags
from iso10002.repositories.postgres._search import SEARCH_STATEMENTS, backfill_search
from iso10002.repositories.postgres._stale import STALE_STATEMENTS, check_rules

__all__ = [
    "FEED_LOCK_CLASS",
    "LATEST_VERSION",
    "MIGRATIONS",
    "check_schema_name",
    "lock_key",
    "migrate",
]

FEED_LOCK_CLASS = 0x10002
"""First key of the advisory locks this adapter takes (the second is per schema)."""

_MIGRATE_LOCK_CLASS = 0x10003

_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")

# Each migration is (version, description, statements); ``{s}`` is the schema.
MIGRATIONS: tuple[tuple[int, str, tuple[str, ...]], ...] = (
    (
        1,
        "complaints, append-only hash-chained events, claims",
        (
            """
            CREATE TABLE {s}.complaints (
                id text COLLATE "C" PRIMARY KEY,
                version integer NOT NULL CHECK (version >= 1),
                idempotency_key text COLLATE "C" UNIQUE,
                salt bytea NOT NULL,
                last_link text NOT NULL,
                status text NOT NULL,
                received_at timestamptz NOT NULL,
                channel text NOT NULL,
                assignee text,
                category text,
                reference text NOT NULL,
                next_due_at timestamptz,
                met_late boolean NOT NULL,
                document jsonb NOT NULL,
                document_escaped boolean NOT NULL DEFAULT false,
                claimed_by text,
                claim_expires_at timestamptz,
                updated_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            "CREATE INDEX complaints_received ON {s}.complaints (received_at, id)",
            "CREATE INDEX complaints_status ON {s}.complaints (status, received_at)",
            (
                "CREATE INDEX complaints_due ON {s}.complaints (next_due_at)"
                " WHERE next_due_at IS NOT NULL"
            ),
            (
                "CREATE INDEX complaints_status_due"
                " ON {s}.complaints (status, next_due_at)"
            ),
            (
                "CREATE INDEX complaints_met_late ON {s}.complaints (received_at, id)"
                " WHERE met_late"
            ),
            (
                "CREATE INDEX complaints_assignee ON {s}.complaints (assignee)"
                " WHERE assignee IS NOT NULL"
            ),
            (
                "CREATE INDEX complaints_category ON {s}.complaints (category)"
                " WHERE category IS NOT NULL"
            ),
            (
                "CREATE INDEX complaints_channel"
                " ON {s}.complaints (channel, received_at, id)"
            ),
            "CREATE INDEX complaints_reference ON {s}.complaints (reference)",
            """
            CREATE TABLE {s}.events (
                position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                complaint_id text COLLATE "C" NOT NULL
                    REFERENCES {s}.complaints (id),
                sequence integer NOT NULL CHECK (sequence >= 1),
                event json NOT NULL,
                commitment text NOT NULL,
                link text NOT NULL,
                recorded_at timestamptz NOT NULL DEFAULT now(),
                UNIQUE (complaint_id, sequence)
            )
            """,
            """
            CREATE FUNCTION {s}.refuse_event_change() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'iso10002: the event log is append-only (% refused)',
                    TG_OP USING ERRCODE = 'raise_exception';
            END
            $$
            """,
            (
                "CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE"
                " ON {s}.events FOR EACH ROW EXECUTE FUNCTION {s}.refuse_event_change()"
            ),
            (
                "CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON {s}.events"
                " FOR EACH STATEMENT EXECUTE FUNCTION {s}.refuse_event_change()"
            ),
        ),
    ),
    (2, "KPI push-down facts, back-filled", FACTS_STATEMENTS),
    (
        3,
        "payload digest stored with an idempotency key",
        ("ALTER TABLE {s}.complaints ADD COLUMN idempotency_digest text",),
    ),
    (
        4,
        "index of external identifiers",
        (
            (
                "CREATE INDEX complaints_external_ids ON {s}.complaints"
                " USING gin ((document->'external_ids') jsonb_path_ops)"
            ),
        ),
    ),
    (5, "search index, filled for stored complaints", SEARCH_STATEMENTS),
    (6, "KPI facts: the subcategory level", SUBCATEGORY_STATEMENTS),
    (7, "KPI facts: what the audit evidence checks read", EVIDENCE_STATEMENTS),
    (
        8,
        "KPI facts: the decisions in force before the current one",
        DECISIONS_STATEMENTS,
    ),
    (9, "the review pack's stored findings and provenance", FLAGS_STATEMENTS),
    (10, "stored findings left stale by saves; the rules' stamp", STALE_STATEMENTS),
)
"""Forward migrations, in order."""

_BACKFILLS = {
    2: backfill_facts,
    5: backfill_search,
    6: backfill_subcategories,
    7: backfill_evidence,
    8: backfill_decisions,
    9: backfill_flags,
}
# Data steps run after every migration's statements, in version order.

LATEST_VERSION = MIGRATIONS[-1][0]
"""The schema version this code writes and reads."""


def check_schema_name(name: Any) -> str:
    """Return ``name`` if it is a plain lowercase PostgreSQL identifier.

    Raises:
        ValidationError: naming ``schema`` otherwise.
    """
    if not isinstance(name, str) or not _SCHEMA_NAME.fullmatch(name):
        raise ValidationError.single(
            "schema",
            "must be a lowercase identifier (a-z, 0-9, _; at most 63 characters)",
        )
    return name


def lock_key(schema: str) -> int:
    """Return the second advisory-lock key for ``schema`` (a signed 32-bit int)."""
    value = zlib.crc32(schema.encode("ascii"))
    return value - (1 << 32) if value >= (1 << 31) else value


def _statement(template: str, schema: str) -> sql.Composed:
    # Templates are constants of this module; only the schema is substituted.
    return sql.SQL(template.replace("{s}", "{schema}")).format(
        schema=sql.Identifier(schema)
    )


def migrate(conn: psycopg.Connection[Any], schema: str, *, apply: bool = True) -> int:
    """Bring ``schema`` up to :data:`LATEST_VERSION` (or check that it is there).

    Args:
        conn: An open connection; the work runs in ``conn.transaction()``.
        schema: The schema name (already checked).
        apply: Apply missing migrations; when ``False`` only check.

    Returns:
        The schema version found before migrating (0 for a new schema).

    Raises:
        RepositoryError: if the schema is newer than this code, or older and
            ``apply`` is ``False``.
    """
    ident = sql.Identifier(schema)
    with conn.transaction(), conn.cursor() as cur:
        cur.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)",
            (_MIGRATE_LOCK_CLASS, lock_key(schema)),
        )
        cur.execute(
            "SELECT 1 FROM information_schema.tables"
            " WHERE table_schema = %s AND table_name = 'schema_version'",
            (schema,),
        )
        exists = cur.fetchone() is not None
        found = 0
        if exists:
            cur.execute(
                sql.SQL(
                    "SELECT coalesce(max(version), 0) FROM {}.schema_version"
                ).format(ident)
            )
            row = cur.fetchone()
            found = int(row[0]) if row else 0
        if found > LATEST_VERSION:
            msg = (
                f"schema {schema!r} is at version {found}, newer than this library "
                f"understands ({LATEST_VERSION}); upgrade iso10002"
            )
            raise RepositoryError(msg)
        if found == LATEST_VERSION:
            # Findings stored by other rules are stale (a data step, not
            # a schema change: done whether or not migrations apply).
            check_rules(cur, schema)
            return found
        if not apply:
            msg = (
                f"schema {schema!r} is at version {found}, expected {LATEST_VERSION}; "
                "create the repository with migrate=True once to upgrade it"
            )
            raise RepositoryError(msg)
        cur.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(ident))
        cur.execute(
            sql.SQL(
                "CREATE TABLE IF NOT EXISTS {}.schema_version ("
                " version integer PRIMARY KEY,"
                " description text NOT NULL,"
                " applied_at timestamptz NOT NULL DEFAULT now())"
            ).format(ident)
        )
        for version, description, statements in MIGRATIONS:
            if version <= found:
                continue
            for template in statements:
                cur.execute(_statement(template, schema))
            cur.execute(
                sql.SQL(
                    "INSERT INTO {}.schema_version (version, description)"
                    " VALUES (%s, %s)"
                ).format(ident),
                (version, description),
            )
        # Data steps run after every script, in version order (same
        # transaction): each writes rows in the latest layout.
        for version, backfill in sorted(_BACKFILLS.items()):
            if 0 < found < version:
                backfill(cur, schema)
        check_rules(cur, schema)
        return found
