"""The Australian ASIC IDR data report (RG 271): one CSV row per complaint."""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterable, Mapping
from datetime import timedelta
from decimal import Decimal

import attrs

from iso10002.analysis._asic_layout import DEFAULT_ASIC_LAYOUT, AsicLayout, AsicRow
from iso10002.analysis._facts import NO_CLASS, standing_at
from iso10002.analysis._periods import Period
from iso10002.analysis._return_options import business_calendar, chosen_regimes
from iso10002.calendars import BusinessCalendar
from iso10002.deadlines import get_pack, limit_end
from iso10002.errors import ValidationError
from iso10002.model import Channel, Complaint, Outcome

__all__ = ["ASIC_COLUMNS", "ASIC_RULES", "AsicReturn", "asic_return"]

_JUST_BEFORE = timedelta(microseconds=1)

ASIC_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("complaint_id", "Unique complaint identifier", "Complaint.reference"),
    (
        "date_received",
        "Date complaint received",
        "received_at, local date (YYYY-MM-DD)",
    ),
    ("channel", "Complaint channel", "Complaint.channel via the channel mapping"),
    ("status", "Complaint status", "Open or Closed at the end of the period"),
    (
        "date_closed",
        "Date complaint closed",
        "closure (see rules), local date; empty if open",
    ),
    (
        "days_to_close",
        "Complaint resolution time (days)",
        "calendar days from date received to date closed; empty if open",
    ),
    (
        "closed_within_5_business_days",
        "Resolved within 5 business days",
        (
            "Y/N: closed by the end of the fifth business day after the day of "
            "receipt (the au.asic.rg271 pack's window); empty if open"
        ),
    ),
    (
        "product",
        "Product or service",
        "Subject.product via product codes (else as recorded)",
    ),
    (
        "issue",
        "Complaint issue",
        "Classification.category via issue codes (else as recorded)",
    ),
    (
        "outcome",
        "Complaint outcome",
        "outcome via the outcome mapping; empty if undecided",
    ),
    (
        "financial_compensation",
        "Monetary remedy amount",
        "sum of remedy amounts in AUD; empty if none",
    ),
    ("remedies", "Non-monetary remedy", "remedy kinds, ';'-separated"),
)
"""``(column, ASIC data element, where our value comes from)``, in CSV order.

The column is an :class:`AsicRow` field and the default CSV heading
(:data:`DEFAULT_ASIC_LAYOUT`); the data element is a description, not the
handbook's heading. Give :meth:`AsicReturn.to_csv` an :class:`AsicLayout` for
the headings of the handbook version you lodge against.

Complainant demographics (gender, age, postcode) are optional elements and
are never exported: they are personal data.
"""

ASIC_RULES: tuple[str, ...] = (
    (
        "Rows: every complaint received before the period's end and open at some "
        "time in the period (received in it, open when it began, or reopened in "
        "it) (our convention, from ASIC's IDR data reporting handbook as read "
        "from secondary sources; RG 271.27 defines the complaints)."
    ),
    (
        "Scope: complaints ended by ComplaintRejected or with outcome not_a_complaint "
        "are left out; a duplicate is reported once, under its original "
        "(our convention; RG 271.27 defines what a complaint is)."
    ),
    (
        "Closed: the closure (first DecisionCommunicated, ComplaintClosed or "
        "ComplaintWithdrawn) of the latest spell before the period's end; a "
        "complaint reopened and not closed again is Open, and events after the "
        "period's end are ignored (our convention: the report describes the "
        "period as it ended)."
    ),
    (
        "Closed within 5 business days: by the end of the fifth business "
        "day after the day of receipt, counted by the au.asic.rg271 pack's "
        "informal_closure window (RG 271.71: complaints closed within five "
        "business days)."
    ),
    (
        "Dates are local dates in the calendar's zone (RG 271.56: time frames in "
        "calendar days after receipt)."
    ),
    (
        "Regime: with regimes given, only complaints whose history records one "
        "of those packs by the period's end (PackSelection) are reported, as "
        "for the FCA return (our convention)."
    ),
)
"""The counting rules of :func:`asic_return`, in words."""

DEFAULT_CHANNELS: Mapping[Channel, str] = {
    Channel.WEB: "Online",
    Channel.APP: "Online",
    Channel.CHAT: "Online",
    Channel.EMAIL: "Email",
    Channel.PHONE: "Phone",
    Channel.LETTER: "Letter",
    Channel.FAX: "Other",  # RG 271's channels name no fax
    Channel.IN_PERSON: "In person",
    Channel.SOCIAL_MEDIA: "Social media",
    Channel.THIRD_PARTY: "Other",
    Channel.OTHER: "Other",
}

DEFAULT_OUTCOMES: Mapping[Outcome, str] = {
    Outcome.UPHELD: "Resolved in favour of the complainant",
    Outcome.PARTIALLY_UPHELD: "Resolved partly in favour of the complainant",
    Outcome.NOT_UPHELD: "Resolved in favour of the financial firm",
    Outcome.WITHDRAWN: "Complaint withdrawn",
    Outcome.DUPLICATE: "Duplicate complaint",
    Outcome.REFERRED_EXTERNALLY: "Referred to external dispute resolution",
    Outcome.NOT_A_COMPLAINT: "Not a complaint",
}


@attrs.frozen(kw_only=True)
class AsicReturn:
    """An IDR data report: the period, its rules and one row per complaint.

    .. versionadded:: 0.1.0
    """

    period: Period
    rules: tuple[str, ...]
    rows: tuple[AsicRow, ...]

    def to_csv(self, layout: AsicLayout | None = None) -> str:
        """Render the rows as CSV text with a header line (rows sorted by identifier).

        Args:
            layout: The columns to write and their headings, e.g. those of
                the handbook version you lodge against. By default
                (:data:`DEFAULT_ASIC_LAYOUT`) every field, headed by its
                own name, which is not ASIC's heading.

        Returns:
            The CSV text, CRLF line endings as RFC 4180 has them.

        Raises:
            ValidationError: if ``layout`` is not an :class:`AsicLayout`.
        """
        if layout is None:
            layout = DEFAULT_ASIC_LAYOUT
        elif not isinstance(layout, AsicLayout):
            raise ValidationError.single(
                "layout", f"must be an AsicLayout, not {type(layout).__name__}"
            )
        fields = layout.fields
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(layout.headers)
        for row in self.rows:
            writer.writerow([getattr(row, field) for field in fields])
        return out.getvalue()


def asic_return(  # noqa: PLR0913 - each mapping is a documented knob
    complaints: Iterable[Complaint],
    *,
    period: Period,
    calendar: BusinessCalendar | None = None,
    product_codes: Mapping[str, str] | None = None,
    issue_codes: Mapping[str, str] | None = None,
    channel_codes: Mapping[Channel, str] | None = None,
    outcome_codes: Mapping[Outcome, str] | None = None,
    regimes: Collection[str] | None = None,
) -> AsicReturn:
    """Build the ASIC IDR data report for ``period`` (ASIC periods are half-years).

    Map our product and category names to the codes of ASIC's reference
    tables with ``product_codes`` and ``issue_codes``; unmapped values are
    exported as recorded.

    Args:
        complaints: Any iterable of complaints (consumed once; rows are kept).
        period: The reporting period, e.g. ``Period.parse("2026-H1", sydney)``.
        calendar: The firm's business calendar, e.g.
            ``HolidaysCalendar("AU-NSW")``; without one, weekdays in UTC and a
            :class:`~iso10002.calendars.MissingCalendarWarning`.
        product_codes: Our product names to ASIC product codes.
        issue_codes: Our categories to ASIC issue codes.
        channel_codes: Channels to ASIC channel values.
        outcome_codes: Outcomes to ASIC outcome values.
        regimes: Report only complaints run on these packs (one name or a
            collection), as recorded in their history up to the period's
            end by a handler given a
            :class:`~iso10002.deadlines.PackSelection` (e.g.
            ``{"au.asic.rg271"}``); a complaint with no recorded pack is then
            left out. All complaints when ``None``, as for
            :func:`~iso10002.analysis.fca_return`.

    Returns:
        The report; :meth:`AsicReturn.to_csv` gives the file.

    Raises:
        ValidationError: for a wrong period, regimes or a non-complaint item.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       ``regimes``.
    """
    if not isinstance(period, Period):
        raise ValidationError.single("period", "must be a Period")
    chosen = chosen_regimes(regimes)
    products = dict(product_codes or {})
    issues = dict(issue_codes or {})
    channels = {**DEFAULT_CHANNELS, **(channel_codes or {})}
    outcomes = {**DEFAULT_OUTCOMES, **(outcome_codes or {})}
    cal = business_calendar(calendar, "asic_return")
    window = get_pack("au.asic.rg271").deadline("informal_closure")
    cutoff = period.end - _JUST_BEFORE
    rows = []
    for complaint in complaints:
        if not isinstance(complaint, Complaint):
            raise ValidationError.single("complaints", "must hold Complaint objects")
        if complaint.received_at >= period.end:
            continue
        standing = standing_at(complaint, cutoff)
        last = standing.episodes[-1]
        closed_at = last.closed_at
        if (
            not standing.in_scope
            or (chosen is not None and standing.regime not in chosen)
            or not any(
                e.closed_at is None or e.closed_at >= period.start
                for e in standing.episodes
            )
        ):
            continue
        received_day = cal.local_date(complaint.received_at)
        closed_day = None if closed_at is None else cal.local_date(closed_at)
        quick = closed_at is not None and closed_at <= limit_end(
            window, complaint.received_at, cal
        )
        money = Decimal(0)
        kinds = []
        for remedy in standing.remedies:
            kinds.append(remedy.kind.value)
            if remedy.amount is not None and remedy.currency == "AUD":
                money += remedy.amount
        classification = standing.classification
        category = NO_CLASS if classification is None else classification.category
        product = standing.product or ""
        rows.append(
            AsicRow(
                complaint_id=complaint.reference,
                date_received=received_day.isoformat(),
                channel=channels[complaint.channel],
                status="Open" if closed_day is None else "Closed",
                date_closed="" if closed_day is None else closed_day.isoformat(),
                days_to_close=""
                if closed_day is None
                else str((closed_day - received_day).days),
                closed_within_5_business_days=""
                if closed_day is None
                else ("Y" if quick else "N"),
                product=products.get(product, product),
                issue=issues.get(category, category),
                outcome="" if standing.outcome is None else outcomes[standing.outcome],
                financial_compensation=str(money) if money else "",
                remedies=";".join(sorted(set(kinds))),
            )
        )
    rows.sort(key=lambda r: r.complaint_id)
    return AsicReturn(period=period, rules=ASIC_RULES, rows=tuple(rows))
