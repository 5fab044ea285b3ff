"""Catalogues and locale formatting: the complainant's language, the firm's zone.

Catalogues are the gettext catalogues of :mod:`iso10002.labels`, shared
with the review pack and the findings (``iso10002/locales/<locale>/
LC_MESSAGES/iso10002.po`` and its compiled ``.mo``); a host adds a language by
giving its own folder of the same layout (see ``docs/communications.md``).
Formatting dates and money needs the ``letters`` extra (Babel).
"""

from __future__ import annotations

import gettext
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from iso10002.errors import ValidationError
from iso10002.labels import DOMAIN, LOCALES_DIR, translations

__all__ = ["LocaleFormat", "catalogue", "choose_locale"]


def _babel() -> Any:
    try:
        import babel  # noqa: PLC0415 - optional dependency, imported on use
    except ImportError as exc:  # pragma: no cover - without the letters extra
        msg = "letters need Babel: pip install 'iso10002[letters]'"
        raise ImportError(msg) from exc
    return babel


def _available(dirs: tuple[Path, ...]) -> frozenset[str]:
    return frozenset(
        p.parent.parent.name
        for d in dirs
        for suffix in ("po", "mo")
        for p in d.glob(f"*/LC_MESSAGES/{DOMAIN}.{suffix}")
    )


def choose_locale(language: str, dirs: Sequence[Path] = (), default: str = "en") -> str:
    """Return the catalogue locale for a language tag such as ``fr-CA`` or ``en``.

    The tag's own locale is kept for formatting (``fr-CA`` gives ``fr_CA``:
    Canadian French dates and money) when a catalogue exists for it or for
    its language (``fr_CA``, then ``fr``); a language without a catalogue
    gets ``default``.

    Args:
        language: The complainant's language tag.
        dirs: The host's catalogue folders, searched before the shipped one.
        default: The locale used when none matches.

    Returns:
        A locale name such as ``fr`` or ``en_GB``.

    .. versionadded:: 0.2.0
    """
    babel = _babel()
    try:
        parsed = babel.Locale.parse(language.replace("-", "_"))
    except (ValueError, TypeError, babel.UnknownLocaleError):
        return default
    available = _available((*map(Path, dirs), LOCALES_DIR))
    if str(parsed) in available or parsed.language in available:
        return str(parsed)
    return default


def catalogue(locale: str, dirs: Sequence[Path] = ()) -> gettext.NullTranslations:
    """Return the gettext translations of ``locale``.

    The same catalogues as :func:`iso10002.labels.translations`.

    Args:
        locale: A locale name from :func:`choose_locale`.
        dirs: The host's catalogue folders, searched before the shipped one.

    Returns:
        The translations of ``locale`` or else of its language (``fr`` for
        ``fr_CA``); English (the message ids) when no catalogue exists.

    Raises:
        ValidationError: naming ``locale`` for a name that is not a locale.

    .. versionadded:: 0.2.0
    """
    return translations(locale, dirs)


def _zone(value: Any) -> ZoneInfo:
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValidationError.single(
            "time_zone",
            f"must be an IANA time zone such as 'Europe/London', not {value!r}",
        ) from None


@attrs.frozen
class LocaleFormat:
    """Format dates, times and money for one locale in the organisation's zone.

    Args:
        locale: A locale name, e.g. ``fr`` or ``en_GB``.
        time_zone: The organisation's IANA time zone (instants are stored in
            UTC and shown in this zone).

    Raises:
        ValidationError: naming ``locale`` or ``time_zone`` when unknown.

    .. versionadded:: 0.2.0
    """

    locale: str
    time_zone: str = "UTC"
    _tz: ZoneInfo = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        """Check the locale and resolve the zone once."""
        babel = _babel()
        try:
            babel.Locale.parse(self.locale)
        except (ValueError, TypeError, babel.UnknownLocaleError):
            raise ValidationError.single(
                "locale",
                f"must be a locale such as 'fr' or 'en_GB', not {self.locale!r}",
            ) from None
        object.__setattr__(self, "_tz", _zone(self.time_zone))

    def date(self, value: date | datetime) -> str:
        """Return a date (an instant is first moved to the zone) in long form."""
        from babel.dates import format_date  # noqa: PLC0415

        if isinstance(value, datetime):
            value = value.astimezone(self._tz).date()
        text: str = format_date(value, format="long", locale=self.locale)
        return text

    def datetime(self, value: datetime) -> str:
        """Return an instant in the organisation's zone, medium form with the zone."""
        from babel.dates import format_datetime  # noqa: PLC0415

        text: str = format_datetime(
            value, format="long", tzinfo=self._tz, locale=self.locale
        )
        return text

    def money(self, amount: Decimal | int | str, currency: str) -> str:
        """Return an amount of money, e.g. ``1 234,50 €`` in French."""
        from babel.numbers import format_currency  # noqa: PLC0415

        text: str = format_currency(Decimal(str(amount)), currency, locale=self.locale)
        return text

    def value(self, _name: str, value: Any) -> str:
        """Return any slot value as text: dates and instants in the locale, else str."""
        if isinstance(value, datetime):
            return self.date(value)
        if isinstance(value, date):
            return self.date(value)
        return str(value)
