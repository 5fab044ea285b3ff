"""Letters: sandboxed templates, checked regulatory slots, the complainant's tongue."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from hypothesis import given
from hypothesis import strategies as st
from jinja2.exceptions import SecurityError

from iso10002.communications import (
    FCA_OMBUDSMAN_WEBSITE,
    LETTER_KINDS,
    LOCALES_DIR,
    MANDATORY_SLOTS,
    Letterhead,
    Letters,
    LocaleFormat,
    MissingSlotError,
    choose_locale,
    mandatory_slots,
)
from iso10002.errors import ValidationError
from iso10002.model import (
    Channel,
    Complainant,
    Complaint,
    ComplaintForm,
    Decision,
    Outcome,
)

LATE_EVENING = datetime(2026, 3, 2, 23, 30, tzinfo=timezone.utc)
POLICY_PACKS = sorted({pack for pack, _ in MANDATORY_SLOTS} | {"us.cfpb", "ca.bank"})


def complaint(
    *, language: str = "en", name: str | None = "Camille Martin"
) -> Complaint:
    """Return a decided complaint received late on a Monday evening (UTC)."""
    form = ComplaintForm(
        complainant=Complainant(name=name, email="c@example.org", language=language),
        description="Charged twice.",
    )
    received = Complaint.receive(
        form,
        id="c1",
        reference="CMP-2026-000001",
        received_at=LATE_EVENING,
        channel=Channel.EMAIL,
        received_by="mail",
    )
    decision = Decision(
        outcome=Outcome.UPHELD,
        summary="We upheld your complaint and refunded the second payment.",
        reasons="The payment was taken twice by mistake.",
        decided_by="agent:1",
        decided_at=LATE_EVENING,
    )
    return Complaint(**{**_fields(received), "decision": decision})


def _fields(value: Complaint) -> dict[str, object]:
    return {a.name: getattr(value, a.name) for a in Complaint.__attrs_attrs__}


LETTERS = Letters(
    Letterhead(
        organisation="Example Bank",
        time_zone="Europe/London",
        values={"waiver_consent": False},
    )
)
HOLDING = {
    "delay_reasons": "we are waiting for the card scheme.",
    "expected_by": date(2026, 4, 24),
}


class TestFcaFinalResponse:
    def test_contains_every_annex_3r_element(self):
        """An FCA final response states referral right, limit, waiver and website."""
        letter = LETTERS.render("final_response", complaint(), pack="uk.fca.disp")
        assert "Financial Ombudsman Service" in letter.text
        assert "within six months of the date of this letter" in letter.text
        assert "will not have our permission" in letter.text
        assert FCA_OMBUDSMAN_WEBSITE in letter.text
        assert "refunded the second payment" in letter.text
        assert letter.slots == (
            "outcome",
            "ombudsman_referral_right",
            "time_limit",
            "ombudsman_website",
            "waiver",
        )
        assert letter.subject == "Our final response to your complaint CMP-2026-000001"

    def test_waiver_consent_changes_the_wording(self):
        """With waiver consent the letter says the firm consents to a late referral."""
        letter = LETTERS.render(
            "final_response",
            complaint(),
            pack="uk.fca.disp",
            values={"waiver_consent": True},
        )
        assert "we consent to the Ombudsman considering it" in letter.text

    def test_missing_waiver_choice_names_the_slot(self):
        """Without the firm's waiver choice the letter is refused, naming ``waiver``."""
        letters = Letters(Letterhead(organisation="Example Bank"))
        with pytest.raises(MissingSlotError) as info:
            letters.render("final_response", complaint(), pack="uk.fca.disp")
        assert info.value.slot == "waiver"
        assert info.value.field == "slot.waiver"
        assert "waiver_consent" in str(info.value)

    def test_version_is_a_digest_of_the_template(self, tmp_path):
        """A host's changed template gets another version; the same one the same."""
        first = LETTERS.render("acknowledgement", complaint())
        again = LETTERS.render("acknowledgement", complaint())
        (tmp_path / "acknowledgement.txt").write_text(
            "Subject: Received {{ reference }}\nThanks.\n", encoding="utf-8"
        )
        host = Letters(LETTERS.letterhead, template_dirs=[tmp_path])
        other = host.render("acknowledgement", complaint())
        assert first.template_version == again.template_version
        assert other.template_version != first.template_version
        assert other.text == "Thanks.\n"


class TestOtherPacks:
    def test_asic_idr_response_has_afca_contact_details(self):
        """An ASIC IDR response gives reasons and AFCA's contact details."""
        letter = LETTERS.render("final_response", complaint(), pack="au.asic.rg271")
        assert "The payment was taken twice by mistake." in letter.text
        assert "www.afca.org.au" in letter.text
        assert "1800 931 678" in letter.text

    def test_asic_response_without_reasons_names_reasons(self):
        """A decision without reasons cannot make an ASIC IDR response."""
        c = complaint()
        bare = Complaint(
            **{
                **_fields(c),
                "decision": Decision(
                    outcome=Outcome.NOT_UPHELD,
                    summary="Not upheld.",
                    decided_by="agent:1",
                    decided_at=LATE_EVENING,
                ),
            }
        )
        with pytest.raises(MissingSlotError) as info:
            LETTERS.render("final_response", bare, pack="au.asic.rg271")
        assert info.value.slot == "reasons"

    def test_psd2_holding_reply_needs_reasons_and_date(self):
        """A PSD2 holding reply without the expected date names ``expected_by``."""
        with pytest.raises(MissingSlotError) as info:
            LETTERS.render(
                "holding_response",
                complaint(),
                pack="eu.psd2",
                values={"delay_reasons": "the merchant has not answered."},
            )
        assert info.value.slot == "expected_by"
        letter = LETTERS.render(
            "holding_response",
            complaint(language="en-GB"),
            pack="eu.psd2",
            values=HOLDING,
        )
        assert "24 April 2026" in letter.text


class TestHostTemplates:
    def test_override_that_omits_a_slot_is_refused(self, tmp_path):
        """A host template leaving out the time limit is refused, naming it."""
        (tmp_path / "final_response.txt").write_text(
            "Subject: Decision\n{{ slot('outcome') }}\n\n"
            "{{ slot('ombudsman_referral_right') }}\n{{ slot('ombudsman_website') }}\n"
            "{{ slot('waiver') }}\n",
            encoding="utf-8",
        )
        host = Letters(LETTERS.letterhead, template_dirs=[tmp_path])
        with pytest.raises(MissingSlotError) as info:
            host.render("final_response", complaint(), pack="uk.fca.disp")
        assert info.value.slot == "time_limit"
        assert "does not render it" in str(info.value)

    def test_slot_rendered_but_dropped_is_refused(self, tmp_path):
        """Calling a slot without putting its text in the letter does not count."""
        (tmp_path / "summary_resolution.txt").write_text(
            "Subject: Resolved\n{% set hidden = slot('ombudsman_referral_right') %}"
            "{{ slot('ombudsman_website') }}\n",
            encoding="utf-8",
        )
        host = Letters(LETTERS.letterhead, template_dirs=[tmp_path])
        with pytest.raises(MissingSlotError) as info:
            host.render("summary_resolution", complaint(), pack="uk.fca.disp")
        assert info.value.slot == "ombudsman_referral_right"
        assert "left out" in str(info.value)

    def test_sandbox_refuses_unsafe_access(self, tmp_path):
        """A template cannot reach Python internals (sandboxed)."""
        (tmp_path / "acknowledgement.txt").write_text(
            "Subject: x\n{{ format_date.__globals__ }}\n", encoding="utf-8"
        )
        host = Letters(LETTERS.letterhead, template_dirs=[tmp_path])
        with pytest.raises(SecurityError):
            host.render("acknowledgement", complaint())

    def test_template_syntax_in_data_is_not_run(self):
        """Template syntax in the complainant's name is printed, never evaluated."""
        letter = LETTERS.render("acknowledgement", complaint(name="{{ 7 * 7 }}"))
        assert "{{ 7 * 7 }}" in letter.text
        assert "49" not in letter.text

    def test_html_is_escaped(self):
        """The HTML form escapes the host's data."""
        letter = LETTERS.render("acknowledgement", complaint(name="<script>x</script>"))
        assert "<script>" not in letter.html
        assert "&lt;script&gt;" in letter.html
        assert "<script>x</script>" in letter.text

    def test_subject_line_is_required(self, tmp_path):
        """A template whose first line is not a subject is refused."""
        (tmp_path / "acknowledgement.txt").write_text("Hello\n", encoding="utf-8")
        host = Letters(LETTERS.letterhead, template_dirs=[tmp_path])
        with pytest.raises(ValidationError) as info:
            host.render("acknowledgement", complaint())
        assert info.value.field == "template"

    def test_unknown_slot_is_named(self, tmp_path):
        """A template calling an unknown slot names it."""
        (tmp_path / "acknowledgement.txt").write_text(
            "Subject: x\n{{ slot('free_pizza') }}\n", encoding="utf-8"
        )
        host = Letters(LETTERS.letterhead, template_dirs=[tmp_path])
        with pytest.raises(MissingSlotError) as info:
            host.render("acknowledgement", complaint())
        assert info.value.slot == "free_pizza"


class TestArguments:
    def test_unknown_kind(self):
        """An unknown letter kind names ``kind``."""
        with pytest.raises(ValidationError) as info:
            LETTERS.render("love_letter", complaint())
        assert info.value.field == "kind"

    def test_unknown_time_zone(self):
        """An unknown time zone names ``time_zone``."""
        with pytest.raises(ValidationError) as info:
            Letters(Letterhead(organisation="X", time_zone="Mars/Olympus"))
        assert info.value.field == "time_zone"

    @pytest.mark.parametrize("locale", ["xx_YY", "not a locale", ""])
    def test_unknown_locale(self, locale):
        """An explicit locale Babel does not know names ``locale``."""
        with pytest.raises(ValidationError) as info:
            LETTERS.render("acknowledgement", complaint(), locale=locale)
        assert info.value.field == "locale"

    def test_missing_template_folder(self, tmp_path):
        """A template folder that does not exist names ``template_dirs``."""
        with pytest.raises(ValidationError) as info:
            Letters(LETTERS.letterhead, template_dirs=[tmp_path / "none"])
        assert info.value.field == "template_dirs"


class TestLanguages:
    def test_french_letter_with_paris_dates(self):
        """A French complainant gets French text and dates in the firm's zone."""
        letters = Letters(Letterhead(organisation="Banque", time_zone="Europe/Paris"))
        letter = letters.render("acknowledgement", complaint(language="fr-CA"))
        assert letter.locale == "fr_CA"
        assert letter.subject == "Nous avons bien reçu votre plainte CMP-2026-000001"
        assert "reçue le 3 mars 2026" in letter.text
        assert 'lang="fr-CA"' in letter.html

    def test_language_without_catalogue_falls_back(self):
        """A language without a catalogue gets the letterhead's default locale."""
        assert choose_locale("de-DE") == "en"
        assert choose_locale("not a tag") == "en"
        assert choose_locale("fr_FR") == "fr_FR"
        assert choose_locale("en") == "en"

    def test_host_catalogue_adds_a_language(self, tmp_path):
        """A host's .po folder adds a language without touching the package."""
        folder = tmp_path / "de" / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "iso10002.po").write_text(
            'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
            'msgid "Yours sincerely,"\nmsgstr "Mit freundlichen Grüßen"\n',
            encoding="utf-8",
        )
        letters = Letters(LETTERS.letterhead, locale_dirs=[tmp_path])
        letter = letters.render("acknowledgement", complaint(language="de"))
        assert letter.locale == "de"
        assert "Mit freundlichen Grüßen" in letter.text

    def test_money_and_dates(self):
        """Money and instants are formatted for the locale and zone."""
        fr = LocaleFormat("fr", "America/Toronto")
        assert (
            fr.money("1234.5", "CAD").replace("\u202f", " ").replace("\xa0", " ")
            == "1 234,50 $CA"
        )
        assert fr.date(LATE_EVENING) == "2 mars 2026"
        assert "18:30:00" in fr.datetime(LATE_EVENING)
        assert LocaleFormat("en_GB", "Europe/London").date(date(2026, 4, 24)) == (
            "24 April 2026"
        )

    def test_french_catalogue_is_complete(self):
        """Every message the shipped letters use has a French translation."""
        path = LOCALES_DIR / "fr" / "LC_MESSAGES" / "iso10002.po"
        with path.open("rb") as source:
            fr = read_po(source)
        with (LOCALES_DIR / "en" / "LC_MESSAGES" / "iso10002.po").open("rb") as source:
            en = read_po(source)
        ids = {m.id for m in en if m.id}
        assert ids
        assert all(fr[i] is not None and fr[i].string for i in ids)

    def test_catalogue_holds_every_message_in_use(self):
        """Every message the templates and slots use is in the shipped catalogue."""
        package = LOCALES_DIR.parent
        used = {
            message
            for _, _, message, _, _ in extract_from_dir(
                package,
                method_map=[("templates/**.txt", "jinja2"), ("**.py", "python")],
                keywords={"_": None, "_N": None, "gettext": None},
            )
        }
        with (LOCALES_DIR / "en" / "LC_MESSAGES" / "iso10002.po").open("rb") as source:
            shipped = {m.id for m in read_po(source) if m.id}
        assert len(used) > 30
        assert used == shipped


VALUE_NAMES = ("waiver_consent", "delay_reasons", "expected_by", "outcome", "reasons")


@st.composite
def letter_values(draw: st.DrawFn) -> dict[str, object]:
    """Draw any subset of the slot values, some blank."""
    values: dict[str, object] = {}
    for name in VALUE_NAMES:
        if draw(st.booleans()):
            values[name] = {
                "waiver_consent": draw(st.booleans()),
                "expected_by": date(2026, 5, 1),
            }.get(name, draw(st.sampled_from(["a reason.", "  ", None])))
    return values


class TestEveryTemplateEveryPack:
    @given(
        pack=st.sampled_from(POLICY_PACKS),
        kind=st.sampled_from(LETTER_KINDS),
        values=letter_values(),
        language=st.sampled_from(["en", "fr", "fr-CA", "de"]),
    )
    def test_contains_every_slot_or_names_the_missing_one(
        self, pack, kind, values, language
    ):
        """Any template for any pack contains each mandatory slot, or names one."""
        required = mandatory_slots(pack, kind)
        c = complaint(language=language)
        try:
            letter = LETTERS.render(kind, c, pack=pack, values=values)
        except MissingSlotError as exc:
            missing = exc.slot
        else:
            missing = None
        if missing is not None:
            assert missing in {s.name for s in required}
            slot = next(s for s in required if s.name == missing)
            assert any(
                values.get(n, "x") in (None, "  ") or n not in values
                for n in slot.needs
            )
            return
        assert letter.slots == tuple(s.name for s in required)
        for slot in required:
            assert slot.name in letter.slots
        if pack.startswith("uk.fca") and kind == "final_response":
            assert "Financial Ombudsman Service" in letter.text
