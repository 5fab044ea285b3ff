"""The top-level package: its shortcut names and a cheap import."""

from __future__ import annotations

import subprocess
import sys

import pytest

import iso10002
from iso10002.handler import ComplaintsHandler
from iso10002.principles import policies_for
from iso10002.workflow import Workflow, standard_workflow


class TestTopLevel:
    def test_shortcuts_are_the_subpackage_objects(self):
        """Each top-level shortcut is the very object its subpackage exports."""
        assert iso10002.ComplaintsHandler is ComplaintsHandler
        assert iso10002.Workflow is Workflow
        assert iso10002.standard_workflow is standard_workflow
        assert iso10002.policies_for is policies_for

    def test_an_unknown_name_is_an_attribute_error(self):
        """A missing name fails like any module attribute, naming it."""
        with pytest.raises(AttributeError, match="no_such_name"):
            _ = iso10002.no_such_name

    def test_dir_lists_the_lazy_names(self):
        """``dir()`` shows the shortcuts before they are loaded."""
        assert {"ComplaintsHandler", "standard_workflow"} <= set(dir(iso10002))

    def test_importing_the_package_does_not_load_the_engine(self):
        """``import iso10002`` loads neither transitions nor the handler."""
        code = (
            "import sys, iso10002; "
            "print(sorted(m for m in ('transitions', 'iso10002.handler') "
            "if m in sys.modules))"
        )
        out = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        assert out == "[]"
