"""The DISP 1 Annex 1R form: each figure's wording, counting rule and citation."""

from __future__ import annotations

import attrs

__all__ = ["FCA_FIELDS", "FCA_RULES", "FcaField"]


@attrs.frozen(kw_only=True)
class FcaField:
    """One figure of the FCA return: field, form wording, counting rule, citation.

    Args:
        name: The :class:`FcaFigures` field.
        form_wording: The wording of DISP 1 Annex 1R (or ``(not on the
            form)`` for figures we add).
        rule: How we count it.
        citation: The paragraph the count rests on.

    .. versionadded:: 0.2.0
    """

    name: str
    form_wording: str
    rule: str
    citation: str


FCA_FIELDS: tuple[FcaField, ...] = (
    FcaField(
        name="outstanding_at_start",
        form_wording="Complaints outstanding at reporting period start date",
        rule=(
            "Spells of handling that began before the period's start and were not "
            "closed before it."
        ),
        citation="DISP 1 Annex 1R (return details, item 3)",
    ),
    FcaField(
        name="opened",
        form_wording="Complaints opened during the reporting period",
        rule=(
            "Complaints received in the period, plus complaints reopened in it "
            "(a reopened complaint is a new spell, counted where it reopens)."
        ),
        citation="DISP 1 Annex 1R (return details, item 4); DISP 1.10.1R(1)",
    ),
    FcaField(
        name="closed",
        form_wording="Complaints closed",
        rule=(
            "Spells closed in the period: the first final communication (final "
            "response or summary resolution), closure or withdrawal after "
            "receipt or reopening."
        ),
        citation="DISP 1 Annex 1R (Table 1)",
    ),
    FcaField(
        name="closed_within_3_business_days",
        form_wording="Closed within 3 business days",
        rule=(
            "Closed by close of business on the third business day following "
            "the day of receipt (or reopening), as the uk.fca.disp pack's "
            "summary_resolution window counts it; no deeming."
        ),
        citation="DISP 1.5.1R; DISP 1 Annex 1R (Table 1)",
    ),
    FcaField(
        name="closed_within_8_weeks",
        form_wording="Closed after 3 business days but within 8 weeks",
        rule=(
            "Not within 3 business days, and closed by the end of the day eight "
            "weeks after the day of receipt (or reopening), as the uk.fca.disp "
            "pack's final_response limit counts it."
        ),
        citation="DISP 1.6.2R(1); DISP 1 Annex 1R (Table 1)",
    ),
    FcaField(
        name="closed_after_8_weeks",
        form_wording="Closed after 8 weeks",
        rule="Closed in the period after the end of the eight weeks.",
        citation="DISP 1.6.2R(1); DISP 1 Annex 1R (Table 1)",
    ),
    FcaField(
        name="upheld",
        form_wording="Complaints upheld",
        rule=(
            "Spells closed in the period with outcome upheld or partially upheld "
            "(a partial uphold counts as upheld)."
        ),
        citation="DISP 1 Annex 1R (Table 1); DISP 1.10.3G(2) (2013 text)",
    ),
    FcaField(
        name="redress_paid",
        form_wording="Total redress paid",
        rule=(
            "Remedy amounts in the return's currency of complaints with a spell "
            "closed in the period (once per complaint and period); other "
            "currencies are reported apart. A decision after a reopening "
            "states the whole remedy (our convention), so a period books only "
            "what it adds to the redress booked by earlier periods."
        ),
        citation="DISP 1 Annex 1R (Table 1); DISP 1.10.3G(3) (2013 text)",
    ),
    FcaField(
        name="outstanding_at_end",
        form_wording="(not on the form) outstanding at reporting period end date",
        rule=(
            "Spells begun before the period's end and not closed by it; equals "
            "outstanding at start + opened - closed."
        ),
        citation="DISP 1 Annex 1R (next period's start figure)",
    ),
    FcaField(
        name="eight_week_due",
        form_wording="(not on the form) eight-week limit fell in the period",
        rule="Spells whose eight-week limit (end of day) falls in the period.",
        citation="DISP 1.6.2R(1)",
    ),
    FcaField(
        name="eight_week_met",
        form_wording="(not on the form) eight-week limit met",
        rule=(
            "Of those, spells closed, or sent a holding response with "
            "ombudsman_rights=true, by the limit."
        ),
        citation="DISP 1.6.2R(1), DISP 1.6.2R(2)",
    ),
)
"""Every figure of :class:`FcaFigures`: form wording, counting rule and citation."""

FCA_RULES: tuple[str, ...] = (
    (
        "Period: from start (included) to end (excluded); boundaries are instants, "
        "so a period parsed in Europe/London starts at local midnight "
        "(DISP 1.10.1R(1): twice a year, for the relevant reporting period of "
        "DISP 1.10.4R)."
    ),
    (
        "Scope: complaints ended by ComplaintRejected or with outcome "
        "not_a_complaint are not complaints; a complaint with outcome duplicate is "
        "counted once, under its original (DISP 1.10.1R(1): a report of the "
        "complaints received)."
    ),
    (
        "Reopened complaints: counted as opened in the period they reopen and "
        "closed again when they next close; each spell is counted on its own "
        "(our convention: no rule we could read says how a reopened complaint "
        "is reported)."
    ),
    (
        "Counting: the 3-business-day and 8-week figures use the uk.fca.disp "
        "pack's rules through iso10002.deadlines.limit_end, the same code path "
        "as the complaint's due dates (DISP 1.5.1R, DISP 1.6.2R(1))."
    ),
    (
        "Product group: subject.product looked up in the product-group mapping; "
        "unmapped products count under 'other' (DISP 1 Annex 1R (Table 1): "
        "complaints by product group)."
    ),
    (
        "Regime: with regimes given, only complaints whose history records one "
        "of those packs by the period's end (PackSelection) are counted (our "
        "convention: the "
        "payment-services complaints of DISP 1.6.2AR have a return of their "
        "own, whose notes are DISP 1 Annex 1AA)."
    ),
    *(f"{f.form_wording}: {f.rule} ({f.citation})" for f in FCA_FIELDS),
)
"""The counting rules of :func:`fca_return`, in words (printed with the return)."""
