"""Time limits for the repository contract: no test of it may hang.

Two guards, neither needing a plugin:

* :func:`time_limit` arms ``SIGALRM`` around a whole test where the platform
  has it and the test runs in the main thread (unless another plugin, such as
  pytest-timeout, already owns the alarm), and raises :class:`TimeLimitExceeded`
  when the test overruns;
* :class:`Deadline` bounds every loop and every wait of the contract itself
  (paging, tailing, joining threads), so that an adapter that never ends a
  loop fails with a message naming the loop, on every platform.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TypeVar

import pytest

__all__ = ["Deadline", "TimeLimitExceeded", "run_threads", "time_limit"]

_T = TypeVar("_T")
_R = TypeVar("_R")


class TimeLimitExceeded(BaseException):
    """A contract test ran past its time limit.

    A ``BaseException``, so that neither Hypothesis nor the adapter's own
    ``except Exception`` clauses swallow it; pytest reports it as a failure.
    """


@contextmanager
def time_limit(seconds: float, what: str) -> Iterator[None]:
    """Raise :class:`TimeLimitExceeded` in the main thread after ``seconds``.

    Does nothing where ``SIGALRM`` is missing, outside the main thread, or
    when another handler already owns the alarm; :class:`Deadline` checks
    still bound the contract's loops there.
    """
    usable = (
        hasattr(signal, "SIGALRM")
        and threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.SIG_IGN, None)
    )
    if not usable:
        yield
        return

    def expire(_signum: int, _frame: FrameType | None) -> None:
        msg = (
            f"{what} ran for more than {seconds:g} s (ContractBase.time_limit): "
            "the adapter under test blocks or never ends a loop"
        )
        raise TimeLimitExceeded(msg)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class Deadline:
    """A point in time the contract's loops and waits must finish by.

    Args:
        seconds: Time from now.
    """

    def __init__(self, seconds: float) -> None:
        """Start the deadline ``seconds`` from now."""
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    def remaining(self) -> float:
        """Return the seconds left (never negative)."""
        return max(0.0, self._end - time.monotonic())

    def check(self, what: str) -> None:
        """Fail the running test, naming ``what``, once the deadline has passed."""
        if time.monotonic() > self._end:
            pytest.fail(
                f"{what} did not finish within {self.seconds:g} s "
                "(ContractBase.time_limit)",
                pytrace=False,
            )


def run_threads(
    function: Callable[[_T], _R], items: Iterable[_T], *, deadline: Deadline
) -> list[_R]:
    """Call ``function`` on each item in a thread of its own; return the results.

    The threads are daemons, so a thread stuck in the adapter cannot keep the
    test run alive; one still running at the deadline fails the test.

    Raises:
        BaseException: the first exception a thread raised.
    """
    arguments = list(items)
    results: list[tuple[bool, object]] = [(False, None)] * len(arguments)

    def run(index: int, argument: _T) -> None:
        try:
            results[index] = (True, function(argument))
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller
            results[index] = (False, exc)

    threads = [
        threading.Thread(target=run, args=(i, a), daemon=True)
        for i, a in enumerate(arguments)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(deadline.remaining())
    stuck = sum(thread.is_alive() for thread in threads)
    if stuck:
        pytest.fail(
            f"{stuck} of {len(threads)} threads calling the adapter were still "
            f"running after {deadline.seconds:g} s: the adapter blocks",
            pytrace=False,
        )
    values: list[_R] = []
    for done, value in results:
        if not done:
            raise value  # type: ignore[misc]
        values.append(value)  # type: ignore[arg-type]
    return values
