"""The demo's simulation: realistic paths through the real handler, reproducibly."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iso10002.cli._scenario import SCENARIOS, plan_complaint
from iso10002.cli._simulate import DEMO_START, receipt_times, simulate
from iso10002.cli._staging import StagingRepository
from iso10002.errors import ConflictError, NotFoundError, RepositoryError
from iso10002.principles import PolicyContext, evaluate_all, policies_for
from iso10002.repositories import Query
from iso10002.repositories.sqlite import SQLiteComplaintRepository
from iso10002.workflow import PRINCIPLE_GUARDS, guards_off, standard_workflow


@pytest.fixture(scope="module")
def year():
    """Return a repository with a simulated year of 400 complaints, and the result."""
    repository = SQLiteComplaintRepository(":memory:")
    result = simulate(repository, complaints=400, seed=10002)
    yield repository, result
    repository.close()


class TestSimulate:
    def test_every_planned_step_is_accepted(self, year):
        """The handler refuses no planned step and every complaint is stored intact."""
        repository, result = year
        assert result.refused == {}
        assert repository.count(Query()) == 400
        assert repository.verify_integrity().ok

    def test_the_year_runs_under_the_principle_guards(self, year):
        """Its handling is conforming: no blocking finding a guard would refuse."""
        repository, result = year
        complaints = repository.find(Query(), limit=1000).items
        report = evaluate_all(
            complaints, policies_for("iso10002:2018"), PolicyContext(now=result.end)
        )
        assert [
            f for f in report if f.blocking and f.policy_id in PRINCIPLE_GUARDS
        ] == []
        assert guards_off(standard_workflow()) == ()

    def test_the_year_is_varied(self, year):
        """Every scenario, several channels, breaches and satisfaction replies occur."""
        repository, result = year
        assert set(result.scenarios) == {name for name, _ in SCENARIOS}
        for step in ("escalate", "withdraw", "reopen", "link", "request_information"):
            assert result.steps[step] > 0, step
        assert repository.count(Query(breached=True, as_of=result.end)) > 0
        assert repository.count(Query(breached=False, as_of=result.end)) > 0
        assert set(result.satisfaction_scores) > {2, 4}
        statuses = {
            s: repository.count(Query(status_in=(s,)))
            for s in ("closed", "withdrawn", "rejected", "internal_review")
        }
        assert statuses["closed"] > statuses["withdrawn"] > 0
        assert statuses["rejected"] > 0

    def test_history_matches_the_steps_taken(self, year):
        """Versions equal history lengths, and the steps taken add up to the events."""
        repository, result = year
        complaints = repository.find(Query(), limit=1000).items
        assert all(c.version == len(c.history) for c in complaints)
        duplicates = result.steps["link"]  # each link also withdraws: two events
        assert (
            sum(c.version for c in complaints)
            == sum(result.steps.values()) + duplicates
        )


class TestPlans:
    @given(seed=st.integers(0, 2**32), index=st.integers(0, 199))
    def test_steps_are_in_time_order(self, seed, index):
        """A plan starts with the receipt and its steps never go back in time."""
        received = receipt_times(seed, 200)
        plan = plan_complaint(seed, index, received)
        assert plan.steps[0].step == "receive"
        assert plan.steps[0].at == received[index]
        times = [s.at for s in plan.steps]
        assert times == sorted(times)

    @given(seed=st.integers(0, 2**32))
    def test_receipts_fall_in_the_year(self, seed):
        """Receipt instants are sorted and inside the simulated year."""
        received = receipt_times(seed, 50)
        assert received == sorted(received)
        assert received[0] >= DEMO_START
        assert received[-1] < DEMO_START + timedelta(days=366)


class TestStagingRepository:
    def test_conflicts_and_read_through(self, year):
        """Staged saves check versions; written complaints are read from SQLite."""
        repository, _ = year
        stored = repository.find(Query(), limit=1).items[0]
        staging = StagingRepository(repository)
        assert staging.get(stored.id) == stored
        with pytest.raises(NotFoundError):
            staging.save(stored, expected_version=stored.version)
        staging.add(stored)
        with pytest.raises(ConflictError):
            staging.save(stored, expected_version=stored.version - 1)
        with pytest.raises(RepositoryError):
            staging.find(Query())
