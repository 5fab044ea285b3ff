"""Sphinx configuration."""

from __future__ import annotations

import iso10002

project = "iso10002"
author = "the iso10002 contributors"
copyright = "2026, the iso10002 contributors"
release = iso10002.__version__
extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
    "sphinxcontrib.mermaid",
]
myst_fence_as_directive = ["mermaid"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3
html_theme = "furo"
html_title = "iso10002"
exclude_patterns = ["_build", "conftest.py"]
autodoc_typehints = "description"
autodoc_member_order = "bysource"
suppress_warnings = ["myst.xref_missing"]
nitpicky = False
