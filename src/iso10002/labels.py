"""Labels in the reader's language, from the catalogues the letters use.

One set of gettext catalogues (domain :data:`DOMAIN`, shipped under
:data:`LOCALES_DIR` as ``<locale>/LC_MESSAGES/iso10002.po`` and its compiled
``iso10002.mo``) speaks for the letters, the management review pack, the
findings and the audit screens. Reading a compiled catalogue needs only the
standard library's ``gettext``; a host's catalogue given as a ``.po`` file
alone is compiled with Babel on first use (the ``letters`` extra).

:func:`label` names a guiding principle, a finding's severity, a deadline's
state or an outcome; :func:`translate` reads any message of the catalogue.
A locale name is checked before it touches the file system
(:func:`check_locale`).

.. versionadded:: 0.2.0
"""

from __future__ import annotations

import enum
import functools
import gettext
import io
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType

from iso10002.deadlines import DeadlineState
from iso10002.errors import ValidationError
from iso10002.model import Outcome
from iso10002.principles import FindingSeverity, Principle

__all__ = [
    "DOMAIN",
    "LABELS",
    "LOCALES_DIR",
    "check_locale",
    "label",
    "translate",
    "translations",
]

DOMAIN = "iso10002"
"""The gettext domain of the shipped catalogues."""
LOCALES_DIR = Path(__file__).parent / "locales"
"""Where the shipped catalogues are (``<locale>/LC_MESSAGES/iso10002.po``, ``.mo``)."""

# A language (2-3 letters), then optional script, region or variant parts:
# ``fr``, ``fr_CA``, ``fr-CA``, ``zh_Hant_TW``. Nothing else reaches a path.
_LOCALE = re.compile(r"[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,8}){0,3}")
_MAX_LOCALE = 35


def _n(message: str) -> str:
    """Mark ``message`` for the catalogue; it is translated where it is shown."""
    return message


LABELS: Mapping[enum.Enum, str] = MappingProxyType(
    {
        Principle.COMMITMENT: _n("Commitment"),
        Principle.CAPABILITY: _n("Capability"),
        Principle.TRANSPARENCY: _n("Transparency"),
        Principle.ACCESSIBILITY: _n("Accessibility"),
        Principle.RESPONSIVENESS: _n("Responsiveness"),
        Principle.OBJECTIVITY: _n("Objectivity"),
        Principle.CHARGES: _n("Charges"),
        Principle.INFORMATION_INTEGRITY: _n("Information integrity"),
        Principle.CONFIDENTIALITY: _n("Confidentiality"),
        Principle.CUSTOMER_FOCUSED_APPROACH: _n("Customer-focused approach"),
        Principle.ACCOUNTABILITY: _n("Accountability"),
        Principle.IMPROVEMENT: _n("Improvement"),
        Principle.COMPETENCE: _n("Competence"),
        Principle.TIMELINESS: _n("Timeliness"),
        Principle.VISIBILITY: _n("Visibility"),
        Principle.CONTINUAL_IMPROVEMENT: _n("Continual improvement"),
        FindingSeverity.BLOCKING: _n("Blocking"),
        FindingSeverity.WARNING: _n("Warning"),
        FindingSeverity.INFO: _n("Information"),
        DeadlineState.MET: _n("Met"),
        DeadlineState.PENDING: _n("Pending"),
        DeadlineState.AT_RISK: _n("At risk"),
        DeadlineState.PAUSED: _n("Paused"),
        DeadlineState.BREACHED: _n("Breached"),
        DeadlineState.LAPSED: _n("Lapsed"),
        DeadlineState.VOID: _n("Void"),
        Outcome.UPHELD: _n("Upheld"),
        Outcome.PARTIALLY_UPHELD: _n("Partly upheld"),
        Outcome.NOT_UPHELD: _n("Not upheld"),
        Outcome.WITHDRAWN: _n("Withdrawn"),
        Outcome.NOT_A_COMPLAINT: _n("Not a complaint"),
        Outcome.DUPLICATE: _n("Duplicate"),
        Outcome.REFERRED_EXTERNALLY: _n("Referred elsewhere"),
    }
)
"""The English label (the catalogue's message id) of each labelled value.

.. versionadded:: 0.2.0
"""


def check_locale(locale: object, field: str = "locale") -> str:
    """Return ``locale`` as a catalogue name (``fr-CA`` gives ``fr_CA``).

    Args:
        locale: A locale name such as ``fr``, ``fr_CA`` or ``en-GB``.
        field: The name the error gives the value.

    Returns:
        The name with ``_`` between its parts.

    Raises:
        ValidationError: naming ``field`` for anything else (a path, a blank,
            control characters, a name longer than 35 characters).

    .. versionadded:: 0.2.0
    """
    if (
        not isinstance(locale, str)
        or len(locale) > _MAX_LOCALE
        or not _LOCALE.fullmatch(locale)
    ):
        shown = repr(locale)[:60]
        raise ValidationError.single(
            field, f"must be a locale name such as 'fr' or 'en_GB', not {shown}"
        )
    return locale.replace("-", "_")


@functools.lru_cache(maxsize=64)
def _read_mo(path: Path, _stamp: float) -> gettext.NullTranslations:
    with path.open("rb") as source:
        return gettext.GNUTranslations(source)


@functools.lru_cache(maxsize=64)
def _read_po(path: Path, _stamp: float, locale: str) -> gettext.NullTranslations:
    try:
        from babel.messages.mofile import write_mo  # noqa: PLC0415
        from babel.messages.pofile import read_po  # noqa: PLC0415
    except ImportError as exc:  # pragma: no cover - without the letters extra
        msg = (
            f"{path} is not compiled: compile it to iso10002.mo "
            "(pybabel compile) or pip install 'iso10002[letters]'"
        )
        raise ImportError(msg) from exc
    with path.open("rb") as source:
        parsed = read_po(source, locale=locale, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, parsed)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def _folders(dirs: Sequence[str | Path]) -> tuple[Path, ...]:
    if isinstance(dirs, (str, Path)):
        raise ValidationError.single("locale_dirs", "must be a list of folders")
    return (*(Path(d) for d in dirs), LOCALES_DIR)


def translations(
    locale: str, locale_dirs: Sequence[str | Path] = ()
) -> gettext.NullTranslations:
    """Return the catalogue of ``locale`` as ``gettext`` translations.

    Looks for ``<locale>`` then its language (``fr`` for ``fr_CA``) in each
    of the host's folders, then in :data:`LOCALES_DIR`; in each folder a
    compiled ``iso10002.mo`` is read with the standard library, else an
    ``iso10002.po`` is compiled with Babel.

    Args:
        locale: A locale name (see :func:`check_locale`).
        locale_dirs: The host's catalogue folders, searched first.

    Returns:
        The translations; the message ids themselves (English) when no
        catalogue exists for the locale.

    Raises:
        ValidationError: naming ``locale`` or ``locale_dirs``.

    .. versionadded:: 0.2.0
    """
    name = check_locale(locale)
    folders = _folders(locale_dirs)
    for candidate in dict.fromkeys((name, name.split("_", maxsplit=1)[0])):
        for folder in folders:
            base = folder / candidate / "LC_MESSAGES" / DOMAIN
            mo, po = base.with_suffix(".mo"), base.with_suffix(".po")
            if mo.is_file():
                return _read_mo(mo, mo.stat().st_mtime)
            if po.is_file():
                return _read_po(po, po.stat().st_mtime, candidate)
    return gettext.NullTranslations()


def translate(
    message: str, locale: str = "en", *, locale_dirs: Sequence[str | Path] = ()
) -> str:
    """Return ``message`` (a message id of the catalogue) in ``locale``.

    Args:
        message: The English message id.
        locale: The reader's locale.
        locale_dirs: The host's catalogue folders, searched first.

    Returns:
        The translation; ``message`` itself where the catalogue has none.

    Raises:
        ValidationError: naming ``message``, ``locale`` or ``locale_dirs``.

    .. versionadded:: 0.2.0
    """
    if not isinstance(message, str):
        raise ValidationError.single("message", "must be a string")
    return translations(locale, locale_dirs).gettext(message)


def label(
    value: enum.Enum, locale: str = "en", *, locale_dirs: Sequence[str | Path] = ()
) -> str:
    """Return the label of ``value`` in ``locale``.

    Args:
        value: A :class:`~iso10002.principles.Principle`,
            :class:`~iso10002.principles.FindingSeverity`,
            :class:`~iso10002.deadlines.DeadlineState` or
            :class:`~iso10002.model.Outcome`.
        locale: The catalogue, e.g. ``fr`` or ``fr_CA``.
        locale_dirs: The host's catalogue folders, searched first.

    Returns:
        The label; English where the catalogue has no translation.

    Raises:
        ValidationError: naming ``value`` when it has no label, or
            ``locale``.

    .. versionadded:: 0.2.0
    """
    message = LABELS.get(value) if isinstance(value, enum.Enum) else None
    if message is None:
        raise ValidationError.single("value", f"has no label: {value!r}")
    return translate(message, locale, locale_dirs=locale_dirs)
