"""Sphinx configuration."""

from __future__ import annotations

import sys
from pathlib import Path

import iso10002

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "iso10002"
author = "the iso10002 contributors"
copyright = "2026, the iso10002 contributors"
release = iso10002.__version__
extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "apiref",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
    "workflow_diagrams",
    "review_pictures",
]
# Diagrams are drawn at build time by Graphviz's dot (no network); without dot
# the workflow_diagrams extension shows the DOT text and says so.
graphviz_output_format = "svg"
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3
html_theme = "furo"
html_title = "iso10002"
exclude_patterns = ["_build", "_ext", "conftest.py"]
# The apiref extension writes docs/api/ (one page per public module) at build time.
autodoc_typehints = "description"
autodoc_member_order = "bysource"

nitpicky = True
# Every reference into iso10002 must resolve. References to other projects'
# names (the standard library, attrs, Hypothesis, psycopg, pytest …) cannot:
# the build runs without network, so without intersphinx inventories. They are
# listed here by module, never by pattern over our own names.
_EXTERNAL = (
    "_pytest",
    "attr",
    "attrs",
    "cattrs",
    "click",
    "collections",
    "datetime",
    "decimal",
    "enum",
    "gettext",
    "hypothesis",
    "os",
    "pathlib",
    "psycopg",
    "psycopg_pool",
    "pytest",
    "sqlite3",
    "ssl",
    "starlette",
    "t",  # ``typing as t`` in annotations autodoc could not evaluate
    "typing",
    "zoneinfo",
)
nitpick_ignore_regex = [
    ("py:.*", rf"({'|'.join(_EXTERNAL)})\..+"),
    # Bare names of annotations imported only for type checking.
    ("py:class", r"date|datetime|time|timedelta|tzinfo|Path|ConnectionPool"),
    # Type variables of generic signatures: not objects to link to.
    ("py:class", r"iso10002\..*\._?T"),
]
