"""The ``workflow-diagram`` directive: a workflow drawn from its data at build time.

Usage (MyST)::

    ```{workflow-diagram} iso10002.workflow:standard_workflow
    :internal:
    ```

The argument names a function returning a ``WorkflowDefinition``; its
``to_dot`` text is drawn by Graphviz's ``dot`` into an SVG picture inside the
page (``sphinx.ext.graphviz``), so nothing is fetched from the network when the
page is read. Without ``dot`` the build still succeeds: the page shows the DOT
text with a note saying how to get the picture, and the build log says so.
"""

from __future__ import annotations

import importlib
import shutil
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.ext.graphviz import graphviz
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from iso10002.workflow import to_dot

_LOG = logging.getLogger(__name__)


class WorkflowDiagram(SphinxDirective):
    """Draw the workflow a function returns."""

    required_arguments = 1
    option_spec: ClassVar[dict[str, Any]] = {
        "internal": directives.flag,
        "alt": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        """Return the picture, or the DOT text with a note when dot is missing."""
        modname, _, function = self.arguments[0].partition(":")
        definition = getattr(importlib.import_module(modname), function)()
        code = to_dot(definition, internal="internal" in self.options)
        alt = self.options.get("alt", f"State diagram of {definition.name}")
        if shutil.which(self.config.graphviz_dot):
            node = graphviz()
            node["code"] = code
            node["options"] = {"docname": self.env.docname}
            node["alt"] = alt
            node["classes"] = ["workflow-diagram"]
            return [node]
        _LOG.info(
            "%s: Graphviz's %r is not installed: the workflow diagram is shown "
            "as DOT text (install graphviz to draw it)",
            self.env.docname,
            self.config.graphviz_dot,
        )
        note = nodes.note(
            "",
            nodes.paragraph(
                text=f"{alt}: Graphviz was not installed when these pages were "
                "built, so the diagram is shown as its DOT source. Install "
                "graphviz and rebuild, or run `iso10002 workflow diagram "
                "--format svg`."
            ),
        )
        return [note, nodes.literal_block(code, code, language="dot")]


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directive (and Sphinx's Graphviz support it renders with)."""
    app.setup_extension("sphinx.ext.graphviz")
    app.add_directive("workflow-diagram", WorkflowDiagram)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
