"""Words for codes: what a reader of the review pack sees instead of ``not_upheld``.

The words are message ids of the catalogues the letters use
(:mod:`iso10002.labels`), so the review pack, its findings and its audit
evidence read in the reader's language like the letters.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from iso10002.labels import LABELS, translations

__all__ = ["CODE_LABELS", "human_label"]


def _n(message: str) -> str:
    """Mark ``message`` for the catalogue; it is translated where it is shown."""
    return message


# Outcomes, principles, severities and deadline states come from LABELS.
_OWN = {
    "apology": _n("Apology"),
    "explanation": _n("Explanation"),
    "refund": _n("Refund"),
    "replacement": _n("Replacement"),
    "repair": _n("Repair"),
    "compensation": _n("Compensation"),
    "process_change": _n("Process change"),
    "goodwill": _n("Goodwill payment"),
    "none": _n("None"),
    "open": _n("Open"),
    "in_progress": _n("In progress"),
    "done": _n("Done"),
    "evidenced": _n("Evidenced"),
    "partly_evidenced": _n("Partly evidenced"),
    "missing": _n("Missing"),
    "not_applicable": _n("Not applicable"),
    "beyond_3_sigma": _n("A point beyond the 3-sigma limits"),
    "two_of_three_beyond_2_sigma": _n("2 of 3 points beyond 2 sigma, same side"),
    "four_of_five_beyond_1_sigma": _n("4 of 5 points beyond 1 sigma, same side"),
    "eight_on_one_side": _n("8 points in a row on one side of the centre line"),
    "six_trending": _n("6 points in a row rising or falling"),
    "fourteen_alternating": _n("14 points in a row alternating up and down"),
    "web": _n("Web"),
    "email": _n("E-mail"),
    "phone": _n("Phone"),
    "letter": _n("Letter"),
    "fax": _n("Fax"),
    "in_person": _n("In person"),
    "chat": _n("Chat"),
    "social_media": _n("Social media"),
    "app": _n("App"),
    "third_party": _n("Third party"),
    "other": _n("Other"),
    "sms": _n("SMS"),
    "acknowledge": _n("Acknowledge"),
    "acknowledgement": _n("Acknowledgement"),
    "final_response": _n("Final response"),
    "keep_informed": _n("Keep informed"),
    "(unclassified)": _n("Not classified"),
    "(none)": _n("No product"),
    "(unassigned)": _n("Not assigned"),
    "at_least": _n("at least"),
    "at_most": _n("at most"),
}

CODE_LABELS = {
    **{str(value.value): message for value, message in LABELS.items()},
    **_OWN,
}
"""The English words (message ids) of each code the review pack shows.

The labels of :data:`iso10002.labels.LABELS` (principles, severities,
deadline states, outcomes) by their codes, and the pack's own codes.
"""

_CODE = re.compile(r"[a-z]+(?:_[a-z0-9]+)*")


def human_label(
    code: str, locale: str = "en", *, locale_dirs: Sequence[str | Path] = ()
) -> str:
    """Return the words a reader expects for a code (``not_upheld`` → ``Not upheld``).

    Known codes (``CODE_LABELS``) read as their label in ``locale``,
    from the catalogues the letters use; other codes (lower-case words
    joined by underscores) lose their underscores and start with a capital.
    Free text, names and identifiers (``handler-17``, ``iso10002.standard``)
    are returned unchanged.

    Args:
        code: The code.
        locale: The reader's locale (English by default).
        locale_dirs: The host's catalogue folders, searched first.

    Returns:
        The words.

    Raises:
        ValidationError: naming ``locale`` when it is not a locale name.

    .. versionadded:: 0.2.0
    """
    text = str(code)
    message = CODE_LABELS.get(text)
    if message is not None:
        return translations(locale, locale_dirs).gettext(message)
    if not _CODE.fullmatch(text):
        return text
    words = text.replace("_", " ")
    return words[:1].upper() + words[1:]
