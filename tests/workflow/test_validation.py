from __future__ import annotations

import json
from pathlib import Path

import pytest

from iso10002.errors import InvalidWorkflowDefinition
from iso10002.workflow import Workflow, WorkflowDefinition

CORPUS = json.loads(
    (Path(__file__).parent / "broken_workflows.json").read_text("utf-8")
)


def problems_of(config):
    """Load ``config`` and build a workflow from it; return the problems reported."""
    try:
        Workflow(WorkflowDefinition.from_dict(config))
    except InvalidWorkflowDefinition as exc:
        return exc.problems
    return ()


class TestBrokenDefinitions:
    def test_the_corpus_is_large_enough(self):
        """The corpus holds at least 15 broken configurations with distinct names."""
        assert len(CORPUS) >= 15
        assert len({case["case"] for case in CORPUS}) == len(CORPUS)

    @pytest.mark.parametrize("case", CORPUS, ids=[case["case"] for case in CORPUS])
    def test_each_broken_config_lists_exactly_its_problems(self, case):
        """Every problem of a broken configuration is reported, and nothing else."""
        expected = sorted(tuple(problem) for problem in case["problems"])
        assert sorted(problems_of(case["config"])) == expected

    def test_several_problems_are_reported_together(self):
        """Unrelated problems in one configuration all appear in one error."""
        config = json.loads(
            json.dumps(CORPUS[3]["config"])
        )  # unknown source and destination
        config["steps"][0]["event"] = "not camel"
        config["steps"].append(dict(config["steps"][0], event="ComplaintClosed"))
        problems = dict(problems_of(config))
        assert problems["steps[0].event"] == "must be a CamelCase event name"
        assert problems["steps[1].sources[0]"] == "unknown state 'opn'"
        assert "already defined by steps[0]" in problems["steps[2]"]

    def test_the_error_message_lists_paths(self):
        """The error's message names each path and problem."""
        with pytest.raises(
            InvalidWorkflowDefinition, match=r"states: no terminal state"
        ):
            WorkflowDefinition.from_dict(
                {
                    "name": "x",
                    "version": 1,
                    "states": [{"name": "a", "initial": True}],
                    "steps": [],
                }
            )

    def test_a_non_mapping_is_refused(self):
        """Loading something other than a mapping reports it."""
        assert problems_of(["not", "a", "mapping"]) == (("", "must be a mapping"),)

    def test_missing_and_mistyped_top_level_fields(self):
        """Missing states and steps, a bad name and description are all reported."""
        problems = problems_of(
            {"name": 3, "version": True, "description": 1, "steps": {}}
        )
        assert sorted(problems) == [
            ("description", "must be a string"),
            ("name", "must be a string"),
            ("states", "required field is missing"),
            ("steps", "must be a list, not dict"),
            ("version", "must be an integer"),
        ]
