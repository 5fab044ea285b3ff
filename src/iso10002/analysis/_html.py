"""Render the management review pack as one self-contained, printable HTML page.

The page is laid out by a Jinja2 template (autoescaped) shipped in
``iso10002/analysis/templates``; its charts are drawn by matplotlib as inline
SVG. Both come with the ``report`` extra and are imported only here, when a
page is rendered. Its words come from the catalogues the letters use
(:mod:`iso10002.labels`), in the locale asked for.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from iso10002.analysis._labels import human_label
from iso10002.analysis._page_context import page_context
from iso10002.analysis._page_words import PageWords, num, pct
from iso10002.analysis._review import ManagementReview
from iso10002.analysis._svg import require_report_extra
from iso10002.errors import ValidationError
from iso10002.labels import check_locale, translations

if TYPE_CHECKING:
    import jinja2

__all__ = ["render_html"]


@functools.lru_cache(maxsize=8)
def _environment(
    locale: str, locale_dirs: tuple[Path, ...]
) -> tuple[jinja2.Environment, PageWords]:
    require_report_extra()
    import jinja2  # noqa: PLC0415 - optional, the ``report`` extra

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("iso10002.analysis", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    catalogue = translations(locale, locale_dirs)
    env.install_gettext_translations(catalogue, newstyle=True)  # type: ignore[attr-defined]

    def human(code: str) -> str:
        return human_label(code, locale, locale_dirs=locale_dirs)

    words = PageWords(catalogue, human)
    env.filters.update(
        human=human,
        pct=pct,
        num=functools.partial(num, words=words),
        name=words.name,
    )
    env.globals["lang"] = locale.replace("_", "-")
    return env, words


def render_html(
    review: ManagementReview,
    *,
    locale: str = "en",
    locale_dirs: Sequence[str | Path] = (),
) -> str:
    """Render the review as one HTML page with inline CSS and SVG charts.

    The page loads nothing: no script, font, stylesheet or image from
    elsewhere. It opens with an executive summary; every ranked table shows
    its largest rows and one row for the rest; codes read as words. In print,
    navigation is hidden, each chart stays whole with its title above it and
    long tables repeat their headers on every page.

    Headings, table headers, sentences and the labels of codes (outcomes,
    principles, severities, channels, remedies, statuses, run rules) come
    from the catalogues the letters use (:mod:`iso10002.labels`), in
    ``locale``, and so do the executive summary's sentences when they are
    the review's own. The evidence checks' descriptions, the
    self-assessment's requirements and the words inside the charts are
    English.

    Args:
        review: The review (see :func:`build_management_review`).
        locale: The reader's locale, e.g. ``fr`` (English by default).
        locale_dirs: The host's catalogue folders, searched first.

    Returns:
        The HTML document.

    Raises:
        ValidationError: if ``review`` is not a :class:`ManagementReview`, or
            naming ``locale`` or ``locale_dirs``.
        ImportError: naming the ``report`` extra when matplotlib or Jinja2
            is not installed.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       Drawn by matplotlib and laid out by Jinja2 (the ``report`` extra);
       ``locale`` and ``locale_dirs``.
    """
    if not isinstance(review, ManagementReview):
        raise ValidationError.single("review", "must be a ManagementReview")
    name = check_locale(locale)
    if isinstance(locale_dirs, (str, Path)):
        raise ValidationError.single("locale_dirs", "must be a list of folders")
    env, words = _environment(name, tuple(Path(d) for d in locale_dirs))
    template = env.get_template("review.html.j2")
    return template.render(page_context(review, words))
