"""The example adapter in examples/custom_adapter.py passes the whole contract."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from iso10002.testing.contract import Capability, RepositoryContract

_PATH = Path(__file__).parents[2] / "examples" / "custom_adapter.py"


def _load():
    spec = importlib.util.spec_from_file_location("custom_adapter_example", _PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_example = _load()


class TestExampleAdapter(RepositoryContract):
    capabilities = frozenset({Capability.RAW_ACCESS})
    volume = 200

    @pytest.fixture
    def repository_factory(self):
        return _example.RowStoreComplaintRepository

    def tamper_event(self, repository, complaint_id, sequence):
        for i, row in enumerate(repository.events_table):
            if row[1] == complaint_id and row[2] == sequence:
                event = row[3].replace('"agent:1"', '"agent:2"')
                repository.events_table[i] = (*row[:3], event, *row[4:])

    def stored_salt(self, repository, complaint_id):
        return repository.complaints[complaint_id]["salt"]

    def corrupt_document(self, repository, complaint_id):
        repository.complaints[complaint_id]["document"] = '{"id": '
