"""Every pack rule and every return rule cites its rule at paragraph level (issue 15,
item 11), and the packs follow the wording of the paragraphs they cite."""

from __future__ import annotations

import re

import pytest

from iso10002.analysis.returns import ASIC_RULES, FCA_FIELDS, FCA_RULES
from iso10002.calendars.holidays import HolidaysCalendar
from iso10002.deadlines import BUILTIN_PACKS, DeadlineKind, compute_deadlines, get_pack

UK = HolidaysCalendar("GB-ENG", zone="Europe/London")
BERLIN = HolidaysCalendar("DE", zone="Europe/Berlin")

# A reference precise enough to find the sentence relied on.
PARAGRAPH = re.compile(
    r"DISP \d+\.\d+[A-Z]?\.\d+[A-Z]?[RGDE]\b"  # DISP 1.6.2AR, DISP 1.10.1R, 1.5.3G
    r"|DISP \d+ Annex \d+[A-Z]*R\b"  # DISP 1 Annex 1R
    r"|RG \d+\.\d+"  # RG 271.63
    r"|Art\. \d+\(\d+\)"  # PSD2 Art. 101(2)
    r"|\bs\. \d+(?:\.\d+)*\(\d+\)"  # Bank Act s. 627.43(1)(a)
    r"|§ ?\d+(?:\.\d+)+"  # CFPB Company Portal Manual §8.1
    r"|ISO 10002:2018, \d+\.\d+"  # ISO 10002:2018, 7.4
)
# A reference to a whole section, chapter, guide or article.
BARE = re.compile(
    r"DISP \d+\.\d+(?![\d.A-Z])"  # DISP 1.6
    r"|DISP \d+(?![\d.]| Annex)"  # DISP 1
    r"|RG \d+(?![\d.])"  # RG 271
    r"|Art(?:icle|\.) ?\d+(?![\d(])"  # PSD2 Art. 101
    r"|SOR/\d{4}-\d+(?!,? s\. ?\d)"  # SOR/2021-181 without a section
)
# A pack's own target, set where the rule book names no time: allowed for targets.
OWN_TARGET = "pack target"
OUR_CONVENTION = "our convention"


def paragraph_cited(citation: str) -> bool:
    """Tell whether ``citation`` names a paragraph and no bare section."""
    return bool(PARAGRAPH.search(citation)) and not BARE.search(citation)


def _pack_citations():
    for name in BUILTIN_PACKS:
        pack = get_pack(name)
        for deadline in pack.deadlines:
            yield f"{name}:{deadline.step}", deadline.kind, deadline.citation
            if deadline.extension is not None:
                yield (
                    f"{name}:{deadline.step}:extension",
                    None,
                    (deadline.extension.citation),
                )
            for index, override in enumerate(deadline.overrides):
                yield (
                    f"{name}:{deadline.step}:overrides[{index}]",
                    None,
                    (override.citation),
                )


PACK_CITATIONS = list(_pack_citations())


class TestTheCheckItself:
    @pytest.mark.parametrize(
        "citation",
        [
            "DISP 1.6",
            "DISP 1.5 and 1.6",
            "DISP 1",
            "RG 271",
            "RG 271 (maximum IDR timeframes)",
            "PSD2 Art. 101",
            "Directive (EU) 2015/2366, Article 101",
            "FCPF Regulations (SOR/2021-181): deal with a complaint within 56 days",
            "CFPB Company Portal Manual, Providing a timely response",
            "RG 271.63 and RG 271",
        ],
    )
    def test_bare_section_cites_are_refused(self, citation):
        """A section, a chapter, a guide or an article without its paragraph."""
        assert not paragraph_cited(citation)

    @pytest.mark.parametrize(
        "citation",
        [
            "DISP 1.6.2AR(1)",
            "DISP 1.5.1R, DISP 1.5.2AR",
            "DISP 1.10.1R",
            "DISP 1 Annex 1R (Table 1)",
            "RG 271.47",
            "PSD2 Art. 101(2), first subparagraph",
            "Bank Act s. 627.43(1)(a)",
            "CFPB Company Portal Manual §8.1",
            "ISO 10002:2018, 7.4",
        ],
    )
    def test_paragraph_cites_pass(self, citation):
        """The forms the packs and returns use."""
        assert paragraph_cited(citation)


class TestPackCitations:
    @pytest.mark.parametrize(
        ("where", "kind", "citation"),
        PACK_CITATIONS,
        ids=[c[0] for c in PACK_CITATIONS],
    )
    def test_every_pack_rule_cites_a_paragraph(self, where, kind, citation):
        """Deadlines, extensions and overrides of every built-in pack."""
        if kind is DeadlineKind.TARGET and citation.lower().startswith(OWN_TARGET):
            assert not BARE.search(citation), where
            return
        assert paragraph_cited(citation), f"{where}: {citation!r}"

    def test_psd2_art_101_2_extension_is_in_the_first_subparagraph(self):
        """The 35 business days are the first subparagraph's last sentences; the
        second lets member states set rules more favourable to the user."""
        extension = get_pack("eu.psd2").deadline("final_response").extension
        assert extension is not None
        assert "first subparagraph" in extension.citation
        assert "second subparagraph" not in extension.citation


class TestReturnCitations:
    @pytest.mark.parametrize("field", FCA_FIELDS, ids=[f.name for f in FCA_FIELDS])
    def test_every_fca_field_cites_a_paragraph(self, field):
        """Each figure's counting rule rests on a paragraph (DISP 1 Annex 1R ...)."""
        assert paragraph_cited(field.citation), field

    @pytest.mark.parametrize("rule", [*FCA_RULES, *ASIC_RULES])
    def test_every_return_rule_cites_a_paragraph_or_says_it_is_ours(self, rule):
        """Each counting rule ends with its citation in brackets, or says that it is
        our convention where no rule decides."""
        cited = re.search(r"\(([^()]*(?:\([^()]*\)[^()]*)*)\)\.?$", rule)
        assert cited, rule
        citation = cited.group(1)
        if citation.startswith(OUR_CONVENTION):
            assert not BARE.search(citation), rule
        else:
            assert paragraph_cited(citation), rule


def _holding(make_complaint, local, data, zone="Europe/London"):
    received = local("2026-03-02T10:00", zone)
    holding = local("2026-03-20T12:00", zone)
    return make_complaint(received, [("HoldingResponseSent", holding, None, data)])


class TestHoldingReplyContent:
    """DISP 1.6.2AR(2)(a) and PSD2 Art. 101(2): a holding reply clearly indicates the
    reasons for the delay and the deadline of the final response; only such a reply
    opens the 35-business-day limit."""

    @pytest.mark.parametrize(
        "data",
        [{}, {"reason_code": "third_party"}, {"expected_by": "2026-04-10"}],
    )
    def test_disp_1_6_2ar_2_a_holding_reply_without_reasons_and_deadline(
        self, make_complaint, local, data
    ):
        """A holding reply lacking the reasons or the deadline keeps 15 days."""
        c = _holding(make_complaint, local, data)
        (d,) = [
            x
            for x in compute_deadlines(c, get_pack("uk.fca.disp.psd"), UK)
            if x.step == "final_response"
        ]
        assert not d.extended
        assert d.due_at == local("2026-03-23T23:59:59", "Europe/London")

    def test_disp_1_6_2ar_2_a_holding_reply_with_reasons_and_deadline(
        self, make_complaint, local
    ):
        """With both, the limit is the end of the 35th business day."""
        data = {"reason_code": "third_party", "expected_by": "2026-04-10"}
        c = _holding(make_complaint, local, data)
        (d,) = [
            x
            for x in compute_deadlines(c, get_pack("uk.fca.disp.psd"), UK)
            if x.step == "final_response"
        ]
        assert d.extended
        assert d.due_at == local("2026-04-22T23:59:59", "Europe/London")

    @pytest.mark.parametrize(
        ("data", "extended"),
        [
            ({}, False),
            ({"reason": "Card scheme enquiry"}, False),
            ({"reason": "Card scheme enquiry", "expected_by": "2026-04-15"}, True),
        ],
    )
    def test_psd2_art_101_2_holding_reply_gives_reasons_and_deadline(
        self, make_complaint, local, data, extended
    ):
        """Berlin: 15 business days end 23 March; 35 end 22 April (Easter)."""
        c = _holding(make_complaint, local, data, zone="Europe/Berlin")
        (d,) = compute_deadlines(c, get_pack("eu.psd2"), BERLIN)
        assert d.extended is extended
        want = "2026-04-22T23:59:59" if extended else "2026-03-23T23:59:59"
        assert d.due_at == local(want, "Europe/Berlin")
