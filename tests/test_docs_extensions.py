"""The docs' own Sphinx extensions: the API reference and the workflow pictures."""

from __future__ import annotations

import importlib.util
import io
import shutil
from pathlib import Path

import pytest

pytest.importorskip("sphinx", reason="the docs extra is not installed")

from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace

_EXT = Path(__file__).parents[1] / "docs" / "_ext"


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(f"_loaded_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _extension(name: str):
    return _load(_EXT / f"{name}.py")


def _build(tmp_path: Path, body: str, **overrides) -> tuple[str, str, Path]:
    source = tmp_path / "src"
    source.mkdir()
    (source / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(_EXT)!r})\n"
        "extensions = ['workflow_diagrams']\ngraphviz_output_format = 'svg'\n",
        encoding="utf-8",
    )
    (source / "index.rst").write_text(f"Diagram\n=======\n\n{body}\n", encoding="utf-8")
    out = tmp_path / "html"
    warnings = io.StringIO()
    with docutils_namespace():  # each build registers its nodes afresh
        Sphinx(
            source,
            source,
            out,
            tmp_path / "doctrees",
            "html",
            status=io.StringIO(),
            warning=warnings,
            confoverrides=overrides,
            freshenv=True,
        ).build()
    return (out / "index.html").read_text("utf-8"), warnings.getvalue(), out


class TestWorkflowDiagramDirective:
    @pytest.mark.skipif(
        shutil.which("dot") is None,
        reason="Graphviz's dot is not installed here (.ci/run installs it)",
    )
    def test_draws_an_svg_picture_at_build_time(self, tmp_path):
        """With dot installed the page embeds a local SVG of every state."""
        page, warnings, out = _build(
            tmp_path, ".. workflow-diagram:: iso10002.workflow:standard_workflow"
        )
        assert warnings == ""
        assert ".svg" in page
        assert "digraph" not in page
        (picture,) = (out / "_images").glob("*.svg")
        assert "decision_communicated" in picture.read_text("utf-8")

    def test_without_dot_the_build_shows_the_dot_text_and_says_so(self, tmp_path):
        """Without dot the build succeeds with the DOT text and a note, no warning."""
        page, warnings, _ = _build(
            tmp_path,
            ".. workflow-diagram:: iso10002.workflow:standard_workflow\n   :internal:",
            graphviz_dot="no-such-dot-program",
        )
        assert warnings == ""
        assert "Graphviz was not installed when these pages were built" in page
        assert "digraph" in page
        assert "assign" in page


class TestApiReference:
    def test_every_public_module_has_a_page(self):
        """The reference covers exactly the modules whose names are pinned."""
        apiref = _extension("apiref")
        pinned = _load(Path(__file__).parent / "test_public_api.py").EXPECTED
        assert set(apiref.public_modules()) == {*pinned, "iso10002.testing"}

    def test_private_paths_resolve_to_the_public_description(self):
        """A reference through a private module or a re-export finds the one entry."""
        catalogue = _extension("apiref").Catalogue()
        assert (
            catalogue.resolve("iso10002.ComplaintsHandler")
            == "iso10002.handler.ComplaintsHandler"
        )
        assert (
            catalogue.resolve("iso10002.model._complaint.Complaint.receive")
            == "iso10002.model.Complaint.receive"
        )
        assert catalogue.resolve("ComplaintRepository.save") == (
            "iso10002.repositories.ComplaintRepository.save"
        )
        assert catalogue.resolve("iso10002.model._checks._nothing_here") is None


class TestReviewPictures:
    def test_the_build_draws_every_chart_from_the_demo_data(self, tmp_path):
        """The built site holds the review charts drawn by this code, as PNG."""
        pytest.importorskip("matplotlib", reason="the report extra is not installed")
        pytest.importorskip("click", reason="the cli extra is not installed")
        source = tmp_path / "src"
        source.mkdir()
        (source / "conf.py").write_text(
            f"import sys\nsys.path.insert(0, {str(_EXT)!r})\n"
            "extensions = ['review_pictures']\n",
            encoding="utf-8",
        )
        (source / "index.rst").write_text("Charts\n======\n", encoding="utf-8")
        out = tmp_path / "html"
        with docutils_namespace():
            Sphinx(
                source,
                source,
                out,
                tmp_path / "doctrees",
                "html",
                status=io.StringIO(),
                warning=io.StringIO(),
                freshenv=True,
            ).build()
        committed = Path(__file__).parents[1] / "docs" / "_static" / "review"
        names = sorted(p.name for p in committed.glob("*.png"))
        drawn = out / "_static" / "review"
        assert names  # the page's pictures
        assert sorted(p.name for p in drawn.glob("*.png")) == names
        for name in names:
            assert (drawn / name).read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
