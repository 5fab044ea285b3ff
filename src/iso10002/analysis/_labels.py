"""Words for codes: what a reader of the review pack sees instead of ``not_upheld``."""

from __future__ import annotations

import re

__all__ = ["human_label"]

_LABELS = {
    "upheld": "Upheld",
    "partially_upheld": "Partly upheld",
    "not_upheld": "Not upheld",
    "not_a_complaint": "Not a complaint",
    "referred_externally": "Referred elsewhere",
    "process_change": "Process change",
    "goodwill": "Goodwill payment",
    "none": "None",
    "in_progress": "In progress",
    "not_applicable": "Not applicable",
    "beyond_3_sigma": "A point beyond the 3-sigma limits",
    "two_of_three_beyond_2_sigma": "2 of 3 points beyond 2 sigma, same side",
    "four_of_five_beyond_1_sigma": "4 of 5 points beyond 1 sigma, same side",
    "eight_on_one_side": "8 points in a row on one side of the centre line",
    "six_trending": "6 points in a row rising or falling",
    "fourteen_alternating": "14 points in a row alternating up and down",
    "email": "E-mail",
    "sms": "SMS",
    "(unclassified)": "Not classified",
    "(none)": "No product",
    "(unassigned)": "Not assigned",
    "at_least": "at least",
    "at_most": "at most",
}


_CODE = re.compile(r"[a-z]+(?:_[a-z0-9]+)*")


def human_label(code: str) -> str:
    """Return the words a reader expects for a code (``not_upheld`` → ``Not upheld``).

    Known codes have their own label; other codes (lower-case words joined
    by underscores) lose their underscores and start with a capital. Free
    text, names and identifiers (``handler-17``, ``iso10002.standard``) are
    returned unchanged.

    .. versionadded:: 0.2.0
    """
    text = str(code)
    if text in _LABELS:
        return _LABELS[text]
    if not _CODE.fullmatch(text):
        return text
    words = text.replace("_", " ")
    return words[:1].upper() + words[1:]
