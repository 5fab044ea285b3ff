from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given

from iso10002.testing.stateful import workflow_definitions
from iso10002.workflow import standard_workflow, to_dot, to_mermaid

DOCS = Path(__file__).parents[2] / "docs" / "workflow.md"


class TestToMermaid:
    def test_draws_states_steps_and_flags(self):
        """Mermaid text starts at the initial state, ends terminals, notes the pause."""
        text = to_mermaid(standard_workflow())
        lines = text.splitlines()
        assert lines[0] == "stateDiagram-v2"
        assert "    [*] --> received" in lines
        assert "    decision_communicated --> closed : close" in lines
        assert "    closed --> [*]" in lines
        assert "    note right of awaiting_complainant : clock paused" in lines
        assert "assign" not in text

    def test_internal_steps_on_request(self):
        """With internal=True, steps that keep the state are drawn as loops."""
        text = to_mermaid(standard_workflow(), internal=True)
        assert "    received --> received : assign, link" in text.splitlines()

    def test_the_docs_draw_the_standard_workflow_from_its_data(self):
        """docs/workflow.md draws the standard workflow at build time, not a copy."""
        page = DOCS.read_text("utf-8")
        assert "```{workflow-diagram} iso10002.workflow:standard_workflow\n" in page
        assert "```mermaid" not in page

    @given(workflow_definitions())
    def test_every_moving_step_is_drawn(self, definition):
        """Each step that changes state appears as an edge labelled with its trigger."""
        text = to_mermaid(definition)
        for step in definition.steps:
            for source in step.sources:
                destination = step.destination_from(source)
                if destination != source:
                    edge = re.search(
                        rf"^    {source} --> {destination} : (.*)$", text, re.MULTILINE
                    )
                    assert edge is not None
                    assert step.trigger in edge.group(1).split(", ")


class TestToDot:
    def test_draws_a_digraph_with_shapes(self):
        """DOT output marks terminal, paused and initial states."""
        text = to_dot(standard_workflow())
        assert text.startswith('digraph "iso10002.standard v1" {')
        assert '    "closed" [shape=doublecircle];' in text
        assert '    "awaiting_complainant" [style="rounded,dashed"];' in text
        assert '    "received" [penwidth=2];' in text
        assert '    "closed" -> "investigating" [label="reopen"];' in text
        assert text.endswith("}\n")
