from __future__ import annotations

import signal

import pytest

from iso10002.testing import contract

_NEEDS_ALARM = pytest.mark.skipif(
    not hasattr(signal, "SIGALRM"), reason="the platform has no SIGALRM"
)

pytest_plugins = ["pytester"]

_HEADER = """
import pytest
from iso10002.repositories import InMemoryComplaintRepository, Page
from iso10002.testing.contract import Capability, RepositoryContract
"""


def _run(pytester, body, *args):
    pytester.makepyfile(_HEADER + body)
    return pytester.runpytest_inprocess("-p", "no:cacheprovider", "-rs", *args)


class TestRepositoryContract:
    def test_a_correct_adapter_passes_and_undeclared_capabilities_skip(self, pytester):
        """The in-memory adapter passes; undeclared capabilities skip by name."""
        result = _run(
            pytester,
            """
class TestMemory(RepositoryContract):
    capabilities = frozenset({Capability.CLAIM_NEXT})

    @pytest.fixture
    def repository_factory(self):
        return InMemoryComplaintRepository
""",
            "-k",
            "conflict or claim or processes or tampered or hostile",
        )
        outcomes = result.parseoutcomes()
        assert outcomes.get("failed", 0) == 0
        assert outcomes["passed"] >= 6
        for capability in ("MULTI_PROCESS", "RAW_ACCESS"):
            result.stdout.fnmatch_lines(
                [f"*TestMemory does not declare Capability.{capability}*"]
            )

    def test_an_adapter_that_ignores_versions_fails_the_conflict_layer(self, pytester):
        """Saving without checking the expected version is caught by the suite."""
        result = _run(
            pytester,
            """
class Careless(InMemoryComplaintRepository):
    def save(self, complaint, *, expected_version):
        current = self.get(complaint.id)
        return super().save(complaint, expected_version=current.version)


class TestCareless(RepositoryContract):
    @pytest.fixture
    def repository_factory(self):
        return Careless
""",
            "-k",
            "stale_save or threads_saving",
        )
        result.assert_outcomes(failed=2)
        result.stdout.fnmatch_lines(["*expected ConflictError*"])
        result.stdout.fnmatch_lines(["*expected one save to win and ConflictError*"])

    def test_an_adapter_without_any_version_check_is_named_not_crashed(self, pytester):
        """A save that skips the check fails with "expected ConflictError"."""
        result = _run(
            pytester,
            """
from iso10002.errors import NotFoundError
from iso10002.repositories import RowStoreRepository
from iso10002.repositories.memory import MemoryRows


class UncheckedRows(MemoryRows):
    def update(self, row, events, *, expected_version, forget_digest=False):
        with self.lock:
            if row.complaint_id not in self.rows:
                raise NotFoundError(row.complaint_id)
            # No version check: whatever the caller says it read is written.
            self.rows[row.complaint_id] = row
            self._append(events)


def Unchecked():
    return RowStoreRepository(UncheckedRows())


class TestUnchecked(RepositoryContract):
    @pytest.fixture
    def repository_factory(self):
        return Unchecked
""",
            "-k",
            "stale_save or threads_saving",
        )
        result.assert_outcomes(failed=2)
        result.stdout.fnmatch_lines(
            ["*expected ConflictError: save(expected_version=1) succeeded*"]
        )
        result.stdout.no_fnmatch_line("*IndexError*")

    def test_an_adapter_that_raises_the_wrong_error_is_named(self, pytester):
        """A stale save raising something else is reported as the wrong error."""
        result = _run(
            pytester,
            """
class Crashing(InMemoryComplaintRepository):
    def save(self, complaint, *, expected_version):
        if self.get(complaint.id).version != expected_version:
            return [][expected_version]
        return super().save(complaint, expected_version=expected_version)


class TestCrashing(RepositoryContract):
    @pytest.fixture
    def repository_factory(self):
        return Crashing
""",
            "-k",
            "stale_save or threads_saving",
        )
        result.assert_outcomes(failed=2)
        result.stdout.fnmatch_lines(
            ["*expected ConflictError from save(expected_version=1)*IndexError*"]
        )

    def test_an_adapter_whose_find_ignores_after_fails_instead_of_hanging(
        self, pytester
    ):
        """Every paging test fails, naming `after`, when find ignores the cursor."""
        result = _run(
            pytester,
            """
class Stuck(InMemoryComplaintRepository):
    def find(self, query, *, limit=100, after=None):
        return super().find(query, limit=limit)


class TestStuck(RepositoryContract):
    time_limit = 60

    @pytest.fixture
    def repository_factory(self):
        return Stuck
""",
            "-k",
            "QueryContract or pages or cursor or many_complaints",
        )
        outcomes = result.parseoutcomes()
        assert outcomes["failed"] >= 4
        result.stdout.fnmatch_lines(["*does not honour `after`*"])
        result.stdout.fnmatch_lines(["*find must honour `after`*"])
        result.stdout.no_fnmatch_line("*ran for more than*")

    def test_an_adapter_whose_feed_ignores_after_fails_instead_of_hanging(
        self, pytester
    ):
        """Reading or tailing a feed that ignores `after` fails, naming it."""
        result = _run(
            pytester,
            """
class Replaying(InMemoryComplaintRepository):
    def events(self, *, after=0, limit=100):
        return super().events(limit=limit)


class TestReplaying(RepositoryContract):
    time_limit = 60

    @pytest.fixture
    def repository_factory(self):
        return Replaying
""",
            "-k",
            "feed or tailing or window or stale_save or same_id",
        )
        assert result.parseoutcomes()["failed"] >= 4
        result.stdout.fnmatch_lines(["*events must honour `after`*"])
        result.stdout.no_fnmatch_line("*ran for more than*")

    def test_an_adapter_that_keeps_the_old_salt_on_erasure_fails(self, pytester):
        """Erasing with the old salt is caught through the raw-access hook."""
        result = _run(
            pytester,
            """
import attrs

from iso10002.integrity import erase


class OldSalt(InMemoryComplaintRepository):
    def erase_personal_data(self, complaint_id, *, actor, at):
        current = self.store.read(complaint_id)
        complaint = self.get(complaint_id)
        erased = erase(complaint, actor=actor, at=at)
        if erased is not complaint:
            self._write(  # keeps the old salt
                erased,
                current,
                current.salt,
                expected_version=current.version,
                forget_digest=True,  # the digest goes, as it must
            )
        return erased


class TestOldSalt(RepositoryContract):
    capabilities = frozenset({Capability.RAW_ACCESS})

    @pytest.fixture
    def repository_factory(self):
        return OldSalt

    def stored_salt(self, repository, complaint_id):
        return repository.store.read(complaint_id).salt

    def tamper_event(self, repository, complaint_id, sequence):
        events = repository.store.events[complaint_id]
        events[sequence - 1] = events[sequence - 2]

    def corrupt_document(self, repository, complaint_id):
        rows = repository.store.rows
        rows[complaint_id] = attrs.evolve(rows[complaint_id], document='{"id": ')
""",
        )
        # Every other test of the whole contract passes: only the salt is wrong.
        assert result.parseoutcomes()["failed"] == 1
        result.stdout.fnmatch_lines(["*erasure kept the complaint's old salt*"])

    def test_raw_access_without_the_salt_hook_says_what_to_override(self, pytester):
        """Declaring RAW_ACCESS without stored_salt names the hook to override."""
        result = _run(
            pytester,
            """
class TestNoHook(RepositoryContract):
    capabilities = frozenset({Capability.RAW_ACCESS})

    @pytest.fixture
    def repository_factory(self):
        return InMemoryComplaintRepository
""",
            "-k",
            "replaces_the_salt",
        )
        result.assert_outcomes(failed=1)
        result.stdout.fnmatch_lines(["*TestNoHook must override stored_salt*"])

    @_NEEDS_ALARM
    def test_a_blocking_adapter_fails_at_the_time_limit(self, pytester):
        """A call that never returns fails the test after time_limit, naming it."""
        result = _run(
            pytester,
            """
import threading


class Blocking(InMemoryComplaintRepository):
    def get(self, complaint_id):
        threading.Event().wait()


class TestBlocking(RepositoryContract):
    time_limit = 1

    @pytest.fixture
    def repository_factory(self):
        return Blocking
""",
            "-k",
            "add_then_get or concurrent_retries",
        )
        result.assert_outcomes(failed=1, passed=1)
        result.stdout.fnmatch_lines(["*ran for more than 1 s*blocks or never ends*"])

    @_NEEDS_ALARM
    def test_threads_stuck_in_the_adapter_fail_at_the_deadline(self, pytester):
        """Writer threads that never return fail the test; the run goes on."""
        result = _run(
            pytester,
            """
import signal
import threading


@pytest.fixture(autouse=True)
def _alarm_owned_elsewhere():
    # As on a platform without SIGALRM: only the suite's deadlines bound it.
    previous = signal.signal(signal.SIGALRM, lambda *_: None)
    yield
    signal.signal(signal.SIGALRM, previous)


class Deadlocked(InMemoryComplaintRepository):
    def save(self, complaint, *, expected_version):
        threading.Event().wait()


class TestDeadlocked(RepositoryContract):
    time_limit = 1

    @pytest.fixture
    def repository_factory(self):
        return Deadlocked
""",
            "-k",
            "threads_saving",
        )
        result.assert_outcomes(failed=1)
        result.stdout.fnmatch_lines(["*threads calling the adapter were still*"])

    def test_an_adapter_with_unstable_order_fails_the_query_layer(self, pytester):
        """Pages that are not in (received_at, id) order are caught by the suite."""
        result = _run(
            pytester,
            """
class Backwards(InMemoryComplaintRepository):
    def find(self, query, *, limit=100, after=None):
        page = super().find(query, limit=limit, after=after)
        return Page(items=tuple(reversed(page.items)), next_cursor=page.next_cursor)


class TestBackwards(RepositoryContract):
    @pytest.fixture
    def repository_factory(self):
        return Backwards
""",
            "-k",
            "pages_cover_everything",
        )
        result.assert_outcomes(failed=1)

    def test_an_adapter_whose_erasure_leaves_personal_data_fails(self, pytester):
        """An erasure that keeps the complainant's name is caught by the suite."""
        result = _run(
            pytester,
            """
import attrs

class Forgetful(InMemoryComplaintRepository):
    def erase_personal_data(self, complaint_id, *, actor, at):
        erased = super().erase_personal_data(complaint_id, actor=actor, at=at)
        return attrs.evolve(
            erased, complainant=attrs.evolve(erased.complainant, name="Still Here")
        )


class TestForgetful(RepositoryContract):
    @pytest.fixture
    def repository_factory(self):
        return Forgetful
""",
            "-k",
            "replaces_personal_fields",
        )
        result.assert_outcomes(failed=1)

    def test_forgetting_the_factory_fixture_says_what_to_override(self, pytester):
        """A subclass without repository_factory errors with the fixture to override."""
        result = _run(
            pytester,
            """
class TestNothing(RepositoryContract):
    pass
""",
            "-k",
            "add_then_get",
        )
        result.assert_outcomes(errors=1)
        result.stdout.fnmatch_lines(
            ["*TestNothing must override the repository_factory fixture*"]
        )

    @pytest.mark.parametrize("name", ["RepositoryContract", "BasicStorageContract"])
    def test_contract_classes_are_not_collected_on_their_own(self, name):
        """The shipped classes do not start with Test, so importing runs nothing."""
        assert not getattr(contract, name).__name__.startswith("Test")
