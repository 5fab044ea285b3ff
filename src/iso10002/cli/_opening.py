"""Check a store as it is opened, in a process beside the command's own work.

``iso10002 report`` and ``iso10002 return`` read a store that must pass the
check on opening (:func:`~iso10002.cli._db.open_repository` with ``verify``:
SQLite's page check, then the quick check, or the deep one with
``--verify-deep``). That check reads every complaint's stored bytes once, as
long as the report itself at a million complaints; on a machine with a second
core :func:`checked_store` runs it in a process of its own (started with
``spawn``: it opens its own connection from ``--db`` and ``--schema``, never
shares the parent's) while the command computes its output.

The guarantee is the block's: leaving ``with checked_store(...)`` normally
means the check passed, so a command prints and writes only after it. If the
check fails, leaving the block raises the same one-line error the check gives
when run first; if the block raises, the check's verdict is awaited and a
failing check wins (a damaged store may well be what made the report fail),
so a damaged store fails every command the same way in both modes. Only an
interruption (Ctrl-C, ``SystemExit``) stops the check process unawaited.

``ISO10002_OPENING_CHECK`` chooses: ``parallel``, ``sequential`` (the check
first, in the command's own process), or ``auto`` (the default: parallel when
the process may run on two CPUs or more and the store holds at least
:data:`PARALLEL_FROM` complaints; below that, starting a Python process costs
more than the check).
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import sqlite3
import traceback
from collections.abc import Iterator
from contextlib import closing, contextmanager
from multiprocessing.connection import Connection

import click

from iso10002.cli._db import BulkRepository, deep_asked, open_repository
from iso10002.cli._errors import CliError
from iso10002.errors import Iso10002Error
from iso10002.repositories import Query

__all__ = ["MODE_VARIABLE", "PARALLEL_FROM", "checked_store", "in_parallel"]

MODE_VARIABLE = "ISO10002_OPENING_CHECK"
"""The environment variable choosing ``auto``, ``parallel`` or ``sequential``."""

PARALLEL_FROM = 20_000
"""The fewest complaints for which ``auto`` checks in a process of its own."""

_MODES = ("auto", "parallel", "sequential")
_STOP_S = 5.0
"""How long a stopped check process is given to end, before it is killed."""


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS and Windows
        return os.cpu_count() or 1


def _mode() -> str:
    mode = os.environ.get(MODE_VARIABLE, "").strip().lower() or "auto"
    if mode not in _MODES:
        msg = f"{MODE_VARIABLE}={mode!r}: expected one of {', '.join(_MODES)}"
        raise CliError(msg)
    return mode


def _unchecked(target: str, schema: str) -> BulkRepository | None:
    """Open the store for reading, without the check; ``None`` if it will not open.

    The sequential path then opens it again and says what is wrong, as it
    always did (SQLite's page check first).
    """
    try:
        return open_repository(target, schema, verify=False, pages=False)
    except Exception:  # noqa: BLE001 - the sequential path says what is wrong
        return None


def in_parallel(repository: BulkRepository) -> bool:
    """Tell whether the check on ``repository`` runs beside the command.

    ``parallel`` and ``sequential`` say so; ``auto`` wants two CPUs and at
    least :data:`PARALLEL_FROM` complaints in the store.

    Raises:
        CliError: if ``ISO10002_OPENING_CHECK`` holds anything else than
            ``auto``, ``parallel`` or ``sequential``.
    """
    mode = _mode()
    if mode == "auto":
        return _cpus() >= 2 and repository.count(Query()) >= PARALLEL_FROM  # noqa: PLR2004 - two processes
    return mode == "parallel"


def _expected(exc: BaseException) -> bool:
    """Tell whether ``exc`` is a failure the command line reports in one line."""
    return isinstance(
        exc, (click.ClickException, Iso10002Error, OSError, sqlite3.Error)
    )


def _portable(exc: BaseException) -> BaseException:
    """Return what the parent is to raise for ``exc``, fit to pass between processes.

    An expected failure keeps its type and message (or, if it cannot be
    pickled, its message as a :class:`CliError`); a bug comes with the check
    process's traceback.
    """
    if not _expected(exc):
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        return RuntimeError(f"the check on opening failed in its process:\n{text}")
    try:
        pickle.loads(pickle.dumps(exc))  # noqa: S301 - our own bytes, just made
    except Exception:  # noqa: BLE001 - any pickling failure: send the message
        return CliError(str(exc) or type(exc).__name__)
    return exc


def _check(target: str, schema: str, deep: bool, sender: Connection) -> None:  # noqa: FBT001 - a process target's arguments
    """In the check process: open the store as the sequential path does.

    Sends ``None`` when the store passes, else what the parent is to raise:
    the exception of the very call the sequential path makes
    (:func:`open_repository` with ``verify``).
    """
    outcome: BaseException | None = None
    try:
        with closing(open_repository(target, schema, deep=deep)):
            pass
    except BaseException as exc:  # noqa: BLE001 - every failure goes to the parent
        outcome = _portable(exc)
    try:
        sender.send(outcome)
    finally:
        sender.close()


class _CheckProcess:
    """The check process of one command: started, awaited, stopped."""

    def __init__(self, target: str, schema: str, *, deep: bool) -> None:
        context = multiprocessing.get_context("spawn")
        self._receiver, sender = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_check,
            args=(target, schema, deep, sender),
            name="iso10002-opening-check",
            daemon=True,
        )
        try:
            self.process.start()
        finally:
            sender.close()  # the child holds its own end; EOF when it is gone

    def verdict(self) -> BaseException | None:
        """Wait for the check; return its failure, or ``None`` if the store passed.

        Called once: the verdict is read from the pipe.
        """
        try:
            outcome: BaseException | None = self._receiver.recv()
        except EOFError:
            self.process.join(_STOP_S)
            return CliError(
                "the check on opening ended without a verdict (exit status "
                f"{self.process.exitcode}); nothing was written"
            )
        return outcome

    def stop(self) -> None:
        """End the check process, bounded: terminate, then kill, and reap it."""
        self._receiver.close()
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(_STOP_S)
        if self.process.is_alive():  # pragma: no cover - a check ignoring SIGTERM
            self.process.kill()
            self.process.join(_STOP_S)
        else:
            self.process.join()
        self.process.close()


@contextmanager
def checked_store(target: str, schema: str) -> Iterator[BulkRepository]:
    """Open the store for a command that must not output from a damaged one.

    Leaving the block normally means the check on opening passed: print and
    write after it, never inside. In parallel (:func:`in_parallel`) the
    block runs while the check does; sequentially the check runs first, as
    :func:`open_repository` always did.

    Raises:
        CliError: the check's one-line refusal of a damaged store, whether
            the block ended normally or raised; else whatever the block
            raised.
    """
    deep = deep_asked()
    # Opened (and for SQLite migrated, if it must be) before the check process
    # starts, so that the two never migrate at once.
    repository = None if _mode() == "sequential" else _unchecked(target, schema)
    try:
        parallel = repository is not None and in_parallel(repository)
    except BaseException:
        if repository is not None:
            repository.close()
        raise
    if repository is None or not parallel:
        if repository is not None:
            repository.close()
        with closing(open_repository(target, schema, deep=deep)) as repository:
            yield repository
        return
    with closing(repository):
        # The check process runs SQLite's page check and the integrity check;
        # this side opened only what the command reads.
        check = _CheckProcess(target, schema, deep=deep)
        try:
            try:
                yield repository
            except Exception as exc:
                failure = check.verdict()
                if failure is not None:
                    raise failure from exc
                raise
            failure = check.verdict()
        finally:
            check.stop()
    if failure is not None:
        raise failure
