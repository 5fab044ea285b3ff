"""Letters from sandboxed Jinja2 templates in the complainant's language, slots checked.

A :class:`Letters` renders one template per letter kind (``<kind>.txt``; its
first line is ``Subject: …``) in an immutable sandbox with undefined names
refused, through the catalogue of the complainant's language. The HTML form
wraps the text's paragraphs in ``layout.html`` with autoescaping. The host's
data only ever fills the context: it is never compiled as a template. The
pack's mandatory slots (:func:`~iso10002.communications.mandatory_slots`)
must each be rendered into the text, or :class:`MissingSlotError` names the
slot; hosts that override a template keep the check.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs

from iso10002.communications._locale import LocaleFormat, catalogue, choose_locale
from iso10002.communications._slots import (
    DEFAULT_VALUES,
    SLOTS,
    MissingSlotError,
    mandatory_slots,
)
from iso10002.errors import ValidationError
from iso10002.model import (
    Channel,
    Complaint,
    DeliveryStatus,
    Direction,
    MessageContent,
    MessageFacts,
)

__all__ = ["TEMPLATES_DIR", "Letter", "Letterhead", "Letters"]

TEMPLATES_DIR = Path(__file__).parent / "templates"
"""The shipped templates (``<kind>.txt`` and ``layout.html``)."""
_SUBJECT = "Subject:"
_PLACEHOLDER_ID = "pending"


def _frozen_map(value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValidationError.single("values", "must be a mapping of names to values")
    return MappingProxyType(dict(value))


@attrs.frozen(kw_only=True)
class Letterhead:
    """Who writes the letters, and the values every letter may use.

    Args:
        organisation: The organisation's name as letters sign it.
        time_zone: Its IANA time zone: dates are shown in it.
        sender: The address letters are sent from (e-mail).
        default_locale: The locale of a complainant whose language has no
            catalogue.
        values: Standing slot values, e.g. ``{"waiver_consent": False}``
            (the firm's DISP 1 Annex 3R choice) or ``{"afca_contact": …}``.

    .. versionadded:: 0.2.0
    """

    organisation: str
    time_zone: str = "UTC"
    sender: str | None = None
    default_locale: str = "en"
    values: Mapping[str, Any] = attrs.field(factory=dict, converter=_frozen_map)


@attrs.frozen(kw_only=True)
class Letter:
    """A rendered letter, checked against its pack's mandatory slots.

    Attributes:
        kind: The letter kind.
        locale: The catalogue it was written in.
        subject: The subject line.
        text: The plain-text body (what the wording policies read).
        html: The HTML body (the text's paragraphs, escaped).
        template: The template's name.
        template_version: A digest of the template's source.
        pack: The pack whose slots were checked (``None``: none).
        slots: The mandatory slots the letter was checked to contain.

    .. versionadded:: 0.2.0
    """

    kind: str
    locale: str
    subject: str
    text: str
    html: str
    template: str
    template_version: str
    pack: str | None
    slots: tuple[str, ...]

    def facts(self, channel: Channel | str = Channel.EMAIL) -> MessageFacts:
        """Return the facts a history event records of this letter.

        The message id is a placeholder: recording gives it a new one.

        .. versionadded:: 0.2.0
        """
        try:
            chosen = Channel(channel)
        except ValueError:
            raise ValidationError.single(
                "channel", f"must be one of {[c.value for c in Channel]}"
            ) from None
        return MessageFacts(
            message_id=_PLACEHOLDER_ID,
            direction=Direction.OUTBOUND,
            channel=chosen,
            kind=self.kind,
            status=DeliveryStatus.QUEUED,
            template=self.kind,
            template_version=self.template_version,
            locale=self.locale,
            pack=self.pack,
            slots=self.slots,
        )

    def content(
        self, *, sender: str | None = None, recipients: Sequence[str] = ()
    ) -> MessageContent:
        """Return what the letter says, as the correspondence log keeps it.

        .. versionadded:: 0.2.0
        """
        return MessageContent(
            sender=sender,
            recipients=tuple(recipients),
            subject=self.subject,
            body=self.text,
        )


def _environment(dirs: tuple[Path, ...]) -> Any:
    try:
        import jinja2  # noqa: PLC0415 - optional dependency
        from jinja2.sandbox import ImmutableSandboxedEnvironment  # noqa: PLC0415
    except ImportError as exc:  # pragma: no cover - without the letters extra
        msg = "letters need Jinja2: pip install 'iso10002[letters]'"
        raise ImportError(msg) from exc
    loader = jinja2.FileSystemLoader([*map(str, dirs), str(TEMPLATES_DIR)])
    return ImmutableSandboxedEnvironment(
        loader=loader,
        autoescape=jinja2.select_autoescape(["html", "htm", "xml"]),
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        keep_trailing_newline=False,
    )


class Letters:
    """Render letters for complaints (ISO 10002 7.4, 7.6, 7.8).

    Args:
        letterhead: The organisation, its time zone and standing values.
        template_dirs: The host's template folders, searched before the
            shipped ones (a file of the same name overrides).
        locale_dirs: The host's catalogue folders (``<locale>/LC_MESSAGES/
            iso10002.po``), searched before the shipped ones.

    Raises:
        ValidationError: naming the argument, for a bad letterhead or folder.
        ImportError: without the ``letters`` extra (Jinja2 and Babel).

    .. versionadded:: 0.2.0
    """

    def __init__(
        self,
        letterhead: Letterhead,
        *,
        template_dirs: Sequence[str | Path] = (),
        locale_dirs: Sequence[str | Path] = (),
    ) -> None:
        """Check the settings and build the sandboxed environment."""
        if not isinstance(letterhead, Letterhead):
            raise ValidationError.single("letterhead", "must be a Letterhead")
        self._letterhead = letterhead
        LocaleFormat(letterhead.default_locale, letterhead.time_zone)
        self._template_dirs = tuple(Path(d) for d in template_dirs)
        self._locale_dirs = tuple(Path(d) for d in locale_dirs)
        for name, folder in (
            *(("template_dirs", d) for d in self._template_dirs),
            *(("locale_dirs", d) for d in self._locale_dirs),
        ):
            if not folder.is_dir():
                raise ValidationError.single(name, f"{folder} is not a folder")
        self._envs: dict[str, Any] = {}

    def _env(self, locale: str) -> Any:
        """Return the sandboxed environment speaking ``locale`` (one per locale)."""
        env = self._envs.get(locale)
        if env is None:
            env = _environment(self._template_dirs)
            env.install_gettext_translations(
                catalogue(locale, self._locale_dirs), newstyle=True
            )
            self._envs[locale] = env
        return env

    @property
    def letterhead(self) -> Letterhead:
        """Return the organisation's letterhead."""
        return self._letterhead

    def locale_for(self, complaint: Complaint) -> str:
        """Return the catalogue locale for the complainant's language."""
        return choose_locale(
            complaint.complainant.language,
            self._locale_dirs,
            self._letterhead.default_locale,
        )

    def render(
        self,
        kind: str,
        complaint: Complaint,
        *,
        pack: str | None = None,
        values: Mapping[str, Any] | None = None,
        locale: str | None = None,
    ) -> Letter:
        """Render the letter ``kind`` for ``complaint``, checking the pack's slots.

        Args:
            kind: One of :data:`~iso10002.communications.LETTER_KINDS`.
            complaint: The complaint (unredacted: the letter names the
                complainant).
            pack: The pack whose mandatory slots the letter must contain.
            values: Values for this letter (``delay_reasons``,
                ``expected_by``, ``message`` …), over the letterhead's and
                those derived from the complaint (``outcome``, ``reasons``).
            locale: The catalogue (the complainant's language by default).

        Returns:
            The letter.

        Raises:
            MissingSlotError: naming the slot, when the template does not
                render a mandatory slot or a value the slot needs is missing.
            ValidationError: naming ``kind``, ``values`` or ``complaint``.

        .. versionadded:: 0.2.0
        """
        required = mandatory_slots("" if pack is None else pack, kind)
        if not isinstance(complaint, Complaint):
            raise ValidationError.single("complaint", "must be a Complaint")
        chosen = self.locale_for(complaint) if locale is None else locale
        fmt = LocaleFormat(chosen, self._letterhead.time_zone)
        gettext = catalogue(chosen, self._locale_dirs).gettext
        merged = self._values(complaint, values)
        rendered: dict[str, str] = {}
        by_name = {s.name: s for s in required}

        def slot(name: str) -> str:
            found = by_name.get(name) or SLOTS.get(name)
            if found is None:
                raise MissingSlotError(str(name), "is not a known slot")
            rendered[name] = found.render(merged, gettext, fmt.value)
            return rendered[name]

        env = self._env(chosen)

        def has(name: str) -> bool:
            found = by_name.get(name) or SLOTS.get(name)
            return found is not None and all(
                not _blank(merged.get(need)) for need in found.needs
            )

        template = env.get_template(f"{kind}.txt")
        context = self._context(complaint, merged, fmt, required, gettext)
        raw = template.render(slot=slot, has=has, **context)
        subject, text = _split(raw, template.name)
        for needed in required:
            if needed.name not in rendered:
                msg = f"the template {template.name} does not render it ({needed.rule})"
                raise MissingSlotError(needed.name, msg)
            if rendered[needed.name] not in text:
                msg = f"is rendered but left out of the letter ({needed.rule})"
                raise MissingSlotError(needed.name, msg)
        html = _html(env, chosen, subject, text)
        return Letter(
            kind=kind,
            locale=chosen,
            subject=subject,
            text=text,
            html=html,
            template=kind,
            template_version=_version(env, template.name),
            pack=pack,
            slots=tuple(s.name for s in required),
        )

    def html(self, subject: str, text: str, locale: str = "en") -> str:
        """Return the HTML form of a letter's text: its paragraphs in ``layout.html``.

        The same page :meth:`render` gives as :attr:`Letter.html`, laid out by
        the host's ``layout.html`` when it has one; every value is escaped.
        The e-mail sender uses it to send the HTML part of a stored letter.

        Args:
            subject: The subject line (the page's title).
            text: The plain text; blank lines separate paragraphs.
            locale: The language of the page (its ``lang``).

        Returns:
            The HTML document.

        Raises:
            ValidationError: naming ``subject``, ``text`` or ``locale``.

        .. versionadded:: 0.2.0
        """
        for name, value in (("subject", subject), ("text", text), ("locale", locale)):
            if not isinstance(value, str):
                raise ValidationError.single(name, "must be a string")
        return _html(self._env(locale), locale, subject, text)

    def _values(
        self, complaint: Complaint, values: Mapping[str, Any] | None
    ) -> dict[str, Any]:
        merged: dict[str, Any] = dict(DEFAULT_VALUES)
        decision = complaint.decision
        if decision is not None:
            merged["outcome"] = decision.summary
            merged["reasons"] = decision.reasons or None
        merged.update(self._letterhead.values)
        if values is not None:
            merged.update(_frozen_map(values))
        return merged

    def _context(
        self,
        complaint: Complaint,
        merged: Mapping[str, Any],
        fmt: LocaleFormat,
        required: Sequence[Any],
        gettext: Any,
    ) -> dict[str, Any]:
        name = complaint.complainant.name
        greeting = (
            gettext("Dear %(name)s,") % {"name": name}
            if name
            else gettext("Dear customer,")
        )
        return {
            "greeting": greeting,
            "organisation": self._letterhead.organisation,
            "reference": complaint.reference,
            "name": complaint.complainant.name,
            "received": fmt.date(complaint.received_at),
            "values": merged,
            "required_slots": [s.name for s in required],
            "format_date": fmt.date,
            "format_datetime": fmt.datetime,
            "format_money": fmt.money,
        }


def _html(env: Any, locale: str, subject: str, text: str) -> str:
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    page: str = env.get_template("layout.html").render(
        lang=locale.replace("_", "-"), subject=subject, paragraphs=paragraphs
    )
    return page


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _split(raw: str, name: str | None) -> tuple[str, str]:
    first, _, rest = raw.strip().partition("\n")
    if not first.startswith(_SUBJECT):
        raise ValidationError.single(
            "template", f"{name}: the first line must be 'Subject: …'"
        )
    return first[len(_SUBJECT) :].strip(), rest.strip() + "\n"


def _version(env: Any, name: str | None) -> str:
    source, _, _ = env.loader.get_source(env, name)
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:12]
