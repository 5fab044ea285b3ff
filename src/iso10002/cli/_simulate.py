"""Drive a simulated year of complaints through ``ComplaintsHandler``."""

from __future__ import annotations

import heapq
import random
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs

from iso10002.calendars import WeekdayCalendar
from iso10002.cli._db import BulkRepository
from iso10002.cli._scenario import Plan, Planned, plan_complaint
from iso10002.cli._staging import StagingRepository
from iso10002.clock import Clock, FixedClock
from iso10002.errors import Iso10002Error
from iso10002.handler import ComplaintsHandler, InMemoryHandlerStore

__all__ = ["DEMO_START", "SimulationResult", "receipt_times", "simulate"]

DEMO_START = datetime(2025, 1, 1, tzinfo=timezone.utc)
"""The first instant of the simulated year (fixed: a seed gives the same data)."""
_YEAR = timedelta(days=365)
_BATCH = 500
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Relative volume by weekday (Monday first) and by month (January first).
_WEEKDAY = (1.25, 1.1, 1.0, 1.0, 0.95, 0.45, 0.3)
_MONTH = (1.3, 1.1, 1.0, 0.95, 0.9, 0.9, 0.85, 0.8, 1.0, 1.05, 1.1, 1.15)


@attrs.frozen(kw_only=True)
class SimulationResult:
    """What a simulation did: counts of complaints, paths, steps and refusals."""

    complaints: int
    start: datetime
    end: datetime
    seconds: float
    scenarios: Counter[str]
    steps: Counter[str]
    refused: Counter[str]
    satisfaction_scores: tuple[int, ...]

    @property
    def rate(self) -> float:
        """Return complaints per second of wall-clock time."""
        return self.complaints / self.seconds if self.seconds > 0 else 0.0


class _SeededIds:
    """ULID-shaped ids from the simulated clock and a seeded generator."""

    def __init__(self, clock: Clock, rng: random.Random) -> None:
        self._clock = clock
        self._rng = rng

    def new_id(self) -> str:
        value = (
            int(self._clock.now().timestamp() * 1000) << 80
        ) | self._rng.getrandbits(80)
        chars = []
        for _ in range(26):
            value, digit = divmod(value, 32)
            chars.append(_CROCKFORD[digit])
        return "".join(reversed(chars))


def receipt_times(seed: int, count: int) -> list[datetime]:
    """Return ``count`` sorted receipt instants spread over the simulated year.

    Weekdays and winter months get more complaints, nights fewer.
    """
    rng = random.Random(f"{seed}:receipts")  # noqa: S311 - a simulation, not secrets
    days = [DEMO_START + timedelta(days=d) for d in range(365)]
    weights = [_WEEKDAY[d.weekday()] * _MONTH[d.month - 1] for d in days]
    chosen = rng.choices(days, weights=weights, k=count)
    hours = [min(23.99, max(0.0, rng.gauss(13, 3.5))) for _ in range(count)]
    return sorted(d + timedelta(hours=h) for d, h in zip(chosen, hours, strict=True))


def _call(
    handler: ComplaintsHandler, complaint_id: str, step: Planned, ids: list[str]
) -> None:
    args: dict[str, Any] = dict(step.args)
    if step.step == "link":
        args["to"] = ids[args.pop("to_index")]
    method: Callable[..., Any] = getattr(handler, step.step)
    method(complaint_id, actor=step.actor, **args)


def simulate(
    target: BulkRepository,
    *,
    complaints: int,
    seed: int,
    progress: Callable[[int], None] = lambda _done: None,
) -> SimulationResult:
    """Run ``complaints`` simulated complaints through the standard workflow.

    Every call is a real ``ComplaintsHandler`` unit of work (access policy,
    the standard workflow with every principle guard on, due dates from the
    ``iso10002`` pack) at its
    simulated instant on a :class:`~iso10002.clock.FixedClock`; complaints
    whose simulated life is over are written to ``target`` in bulk
    transactions. Steps planned after the simulated year are not taken, so
    the latest complaints stay open.

    Args:
        target: The repository to fill (normally empty).
        complaints: How many complaints to receive over the year.
        seed: Makes the run reproducible.
        progress: Called with the number of complaints finished since the last call.

    Returns:
        What was done.
    """
    started = time.perf_counter()
    end = DEMO_START + _YEAR
    clock = FixedClock(DEMO_START)
    staging = StagingRepository(target)
    handler = ComplaintsHandler(
        staging,
        clock=clock,
        calendar=WeekdayCalendar(zone="UTC"),
        pack="iso10002",
        store=InMemoryHandlerStore(),
        ids=_SeededIds(clock, random.Random(f"{seed}:ids")),  # noqa: S311 - not secrets
    )
    received = receipt_times(seed, complaints)
    plans: dict[int, Plan] = {}
    ids: list[str] = []
    queue: list[tuple[datetime, int, int]] = [
        (at, i, 0) for i, at in enumerate(received)
    ]
    heapq.heapify(queue)
    scenarios: Counter[str] = Counter()
    steps: Counter[str] = Counter()
    refused: Counter[str] = Counter()
    scores: list[int] = []
    while queue:
        at, index, position = heapq.heappop(queue)
        clock.set(at)
        if position == 0:
            plan = plans[index] = plan_complaint(seed, index, received)
            scenarios[plan.scenario] += 1
            first = plan.steps[0]
            ids.append(handler.receive(first.args["form"], actor=first.actor,
                                       channel=first.args["channel"]).id)  # fmt: skip
            steps["receive"] += 1
        else:
            plan = plans[index]
            step = plan.steps[position]
            try:
                _call(handler, ids[index], step, ids)
            except Iso10002Error as exc:
                refused[f"{step.step}: {type(exc).__name__}"] += 1
                position = len(plan.steps)
            else:
                steps[step.step] += 1
                if step.step == "record_satisfaction":
                    scores.append(int(step.args["score"]))
        following = position + 1
        if following < len(plan.steps) and plan.steps[following].at < end:
            heapq.heappush(queue, (plan.steps[following].at, index, following))
            continue
        del plans[index]
        if following >= len(plan.steps):
            staging.finish(ids[index])
        progress(1)
        if staging.pending >= _BATCH:
            staging.flush()
    staging.flush(everything=True)
    return SimulationResult(
        complaints=complaints,
        start=DEMO_START,
        end=end,
        seconds=time.perf_counter() - started,
        scenarios=scenarios,
        steps=steps,
        refused=refused,
        satisfaction_scores=tuple(scores),
    )
