"""The SQLite repository: stdlib ``sqlite3``, the embedded default.

One file holds the complaints (a JSON document plus an indexed column for
every :class:`~iso10002.repositories.Query` field) and the append-only,
hash-chained event log (triggers refuse ``UPDATE`` and ``DELETE``). WAL
journaling, a busy timeout and ``BEGIN IMMEDIATE`` writes make it safe for
several threads (one connection each) and several processes on one machine.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from iso10002._publish import publish

if TYPE_CHECKING:
    from iso10002.repositories.sqlite._repository import (
        SYNCHRONOUS_MODES,
        SQLiteComplaintRepository,
    )

__all__ = ["SYNCHRONOUS_MODES", "SQLiteComplaintRepository"]


def __getattr__(name: str) -> object:
    # Imported on first use: the KPI modules beside this package import its
    # private modules, and the repository imports them.
    if name in __all__:
        from iso10002.repositories.sqlite import _repository  # noqa: PLC0415

        value = getattr(_repository, name)
        publish({"__name__": __name__, "__all__": [name], name: value})
        globals()[name] = value
        return value
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
