from __future__ import annotations

import pytest

from iso10002 import errors


class TestErrorTree:
    @pytest.mark.parametrize(
        ("cls", "builtin"),
        [
            (errors.ValidationError, ValueError),
            (errors.InvalidWorkflowDefinition, ValueError),
            (errors.NotFoundError, LookupError),
            (errors.AccessDenied, PermissionError),
        ],
    )
    def test_errors_subclass_matching_builtins(self, cls, builtin):
        """Errors can be caught by the builtin that matches their meaning."""
        assert issubclass(cls, builtin)
        assert issubclass(cls, errors.Iso10002Error)

    def test_every_error_is_in_the_tree(self):
        """Every exported exception derives from Iso10002Error."""
        for name in errors.__all__:
            value = getattr(errors, name)
            if isinstance(value, type) and issubclass(value, BaseException):
                assert issubclass(value, errors.Iso10002Error)


class TestValidationError:
    def test_lists_every_problem_in_its_message(self):
        """The message names each path and problem."""
        error = errors.ValidationError([("a", "bad"), ("b.c", "worse")])
        assert str(error) == "a: bad; b.c: worse"
        assert error.field == "a"

    def test_prefixed_nests_paths(self):
        """prefixed() nests field and index paths under a parent."""
        error = errors.ValidationError([("a", "bad"), ("[2]", "worse"), ("", "whole")])
        assert error.prefixed("x").problems == (
            ("x.a", "bad"),
            ("x[2]", "worse"),
            ("x", "whole"),
        )
        assert error.prefixed("").problems == error.problems

    def test_empty_problem_list_still_explains(self):
        """An error built with no problems still carries one."""
        assert errors.ValidationError([]).problems == (("", "invalid"),)


class TestDataCarryingErrors:
    def test_conflict_error_carries_versions(self):
        """ConflictError names the complaint and both versions."""
        error = errors.ConflictError("c1", expected_version=3, actual_version=4)
        assert (error.complaint_id, error.expected_version, error.actual_version) == (
            "c1",
            3,
            4,
        )
        assert "expected version 3, found 4" in str(error)

    def test_transition_not_allowed_carries_state(self):
        """TransitionNotAllowed carries the trigger, state and allowed triggers."""
        error = errors.TransitionNotAllowed(
            "no", trigger="close", state="received", allowed=["a"]
        )
        assert (error.trigger, error.state, error.allowed) == (
            "close",
            "received",
            ("a",),
        )

    def test_duplicate_error_names_the_key(self):
        """DuplicateError says whether the id or the idempotency key matched."""
        assert "idempotency key 'k'" in str(
            errors.DuplicateError("c", idempotency_key="k")
        )
        assert "same id" in str(errors.DuplicateError("c"))

    def test_access_denied_names_actor_and_action(self):
        """AccessDenied says who tried what on which complaint."""
        assert (
            str(errors.AccessDenied("agent:1", "read", "c1"))
            == "'agent:1' may not read on complaint 'c1'"
        )

    def test_not_found_and_integrity(self):
        """NotFoundError and IntegrityError carry the complaint id."""
        assert errors.NotFoundError("c9").complaint_id == "c9"
        assert errors.IntegrityError("broken", complaint_id="c9").complaint_id == "c9"
        guard = errors.GuardRejected("no", trigger="t", state="s", findings=[1])
        assert guard.findings == (1,)
