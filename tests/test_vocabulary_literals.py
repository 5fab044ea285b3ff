"""No package matches clause-7 event or state names of its own.

The meanings live in :mod:`iso10002.vocabulary` and in the shipped
definitions; everything else asks a vocabulary, so a renamed event or state in
a custom workflow keeps every figure right.
"""

from __future__ import annotations

import ast
from pathlib import Path

from iso10002.vocabulary import STANDARD_EVENTS, StandardState

SRC = Path(__file__).resolve().parents[1] / "src" / "iso10002"
OWNERS = {"vocabulary/_names.py", "vocabulary/_meanings.py", "workflow/_standard.py"}
LITERALS = frozenset(STANDARD_EVENTS) | frozenset(s.value for s in StandardState)
# Where one of the words is not a state or event at all: a column, a label or a
# figure named like a state. Each entry: (file, word) -> why it is allowed.
NOT_A_STATE = {
    ("repositories/_kpi_facts.py", "closed"): "a push-down column name",
    ("analysis/_kpis.py", "closed"): "a KPI figure name",
    ("analysis/_returns_fca.py", "closed"): "the FCA return's field name",
    ("analysis/_fca_form.py", "closed"): "the FCA return's field name",
    ("cli/_fca_table.py", "closed"): "the FCA return's column and heading",
    ("calendars/_base.py", "closed"): "the calendar's closed days field",
    ("model/_enums.py", "withdrawn"): "an Outcome value",
    ("cli/_scenario.py", "withdrawn"): "a simulated scenario's name",
    ("cli/_scenario.py", "escalated"): "a simulated scenario's name",
    ("communications/_letters.py", "received"): "a letter template's date slot",
    ("model/_correspondence.py", "received"): "a correspondence delivery status",
}


def _skipped(tree: ast.AST) -> set[int]:
    """Return the ids of docstrings and of ``__slots__`` / ``__all__`` names."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id in ("__slots__", "__all__")
            for t in node.targets
        ):
            found.update(id(n) for n in ast.walk(node.value))
        if isinstance(
            node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
        ):
            body = node.body
            if (
                body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
            ):
                found.add(id(body[0].value))
    return found


def literals_outside_the_vocabulary() -> list[str]:
    """List every clause-7 name literal in src/ outside its owners, with its place."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        if relative in OWNERS:
            continue
        tree = ast.parse(path.read_text("utf-8"))
        skip = _skipped(tree)
        found.extend(
            f"{relative}:{node.lineno}: {node.value!r}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and node.value in LITERALS
            and id(node) not in skip
            and (relative, node.value) not in NOT_A_STATE
        )
    return found


class TestNoClause7Literals:
    def test_no_event_or_state_literal_outside_the_vocabulary(self):
        """Only the vocabulary and the shipped definitions hold clause-7 names."""
        assert literals_outside_the_vocabulary() == []

    def test_the_scan_finds_a_literal(self, tmp_path, monkeypatch):
        """The scan is not blind: a module comparing an event name is reported."""
        bad = tmp_path / "iso10002"
        bad.mkdir()
        (bad / "sneaky.py").write_text(
            'def acknowledged(e):\n    return e.name == "ComplaintAcknowledged"\n',
            "utf-8",
        )
        monkeypatch.setattr("tests.test_vocabulary_literals.SRC", bad, raising=True)
        assert literals_outside_the_vocabulary() == [
            "sneaky.py:2: 'ComplaintAcknowledged'"
        ]

    def test_allowed_words_are_still_used(self):
        """Every allowance names a word its file still holds (no stale allowances)."""
        for relative, word in NOT_A_STATE:
            assert repr(word)[1:-1] in (SRC / relative).read_text("utf-8")
