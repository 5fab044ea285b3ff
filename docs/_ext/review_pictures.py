"""Draw the review pack's charts from the demo data when the docs are built.

``docs/reporting.md`` shows every chart of the management review pack. When
the docs are built with the ``cli`` and ``report`` extras installed, this
extension runs ``docs/_scripts/review_charts.py`` once the pages are written
and saves its pictures into the built site's ``_static/review`` folder, over
the copies committed under ``docs/_static/review``: the pages then show the
charts of the code being documented. Without those extras the committed
copies are shown, and the build says so.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from sphinx.util import logging

_LOG = logging.getLogger(__name__)
_SCRIPT = Path(__file__).resolve().parents[1] / "_scripts" / "review_charts.py"


def _draw(app: Any, exception: BaseException | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    if any(importlib.util.find_spec(name) is None for name in ("click", "matplotlib")):
        _LOG.info("review charts: the committed pictures (no cli/report extras)")
        return
    spec = importlib.util.spec_from_file_location("_review_charts", _SCRIPT)
    if spec is None or spec.loader is None:  # pragma: no cover - the script is ours
        msg = f"cannot load {_SCRIPT}"
        raise RuntimeError(msg)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    if script.run(Path(app.outdir) / "_static" / "review") != 0:
        msg = "review charts: the demo failed"
        raise RuntimeError(msg)
    _LOG.info("review charts: drawn from the demo data")


def setup(app: Any) -> dict[str, Any]:
    """Register the drawing after the build."""
    app.connect("build-finished", _draw)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
