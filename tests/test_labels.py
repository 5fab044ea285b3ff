"""One set of catalogues for letters, the review pack and findings (iso10002.labels)."""

from __future__ import annotations

import gettext
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from hypothesis import given
from hypothesis import strategies as st

from iso10002 import communications
from iso10002.analysis._labels import CODE_LABELS
from iso10002.analysis.review import human_label
from iso10002.deadlines import DeadlineState
from iso10002.errors import ValidationError
from iso10002.labels import (
    DOMAIN,
    LABELS,
    LOCALES_DIR,
    check_locale,
    label,
    translate,
    translations,
)
from iso10002.principles import FindingSeverity, Principle

PACKAGE = Path(communications.__file__).parent.parent
KEYWORDS = {
    "_": None,
    "_N": None,
    "_n": None,
    "gettext": None,
    "words": None,
    "say": None,
}
HOSTILE = [
    "../../etc",
    "fr/../../x",
    "fr\x00",
    "fr\n",
    "",
    " fr",
    "a" * 40,
    "fr_" + "x" * 30,
    "..",
    "C:\\\\fr",
    "fr;rm",
    42,
    None,
]


def _catalogue(locale: str):
    with (LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as source:
        return read_po(source, locale=locale, domain=DOMAIN)


def _used(part: str) -> set[str]:
    """Every message id the sources of ``part`` mark for the catalogue."""
    if part == "labels":
        found = extract_from_file("python", PACKAGE / "labels.py", keywords=KEYWORDS)
        return {message for _, message, _, _ in found}
    method_map = [
        ("templates/**.txt", "jinja2"),
        ("templates/**.j2", "jinja2"),
        ("**.py", "python"),
    ]
    return {
        message
        for _, _, message, _, _ in extract_from_dir(
            PACKAGE / part, method_map=method_map, keywords=KEYWORDS
        )
    }


class TestCatalogues:
    def test_one_catalogue_for_letters_and_reports(self):
        """The communications package reads the labels' catalogues."""
        assert communications.LOCALES_DIR == LOCALES_DIR
        assert communications.label is label
        assert communications.LABELS is LABELS
        assert communications.catalogue("fr").gettext("Timeliness") == (
            translate("Timeliness", "fr")
        )

    def test_catalogue_holds_every_message_in_use(self):
        """Every message the letters, slots, labels and the pack use is shipped."""
        used = _used("communications") | _used("analysis") | _used("labels")
        shipped = {m.id for m in _catalogue("en") if m.id}
        assert len(used) > 150
        assert used == shipped

    def test_every_message_of_the_pack_has_a_french_translation(self):
        """The review pack's and the labels' messages are all translated to French."""
        fr = _catalogue("fr")
        used = _used("analysis") | _used("labels") | set(CODE_LABELS.values())
        missing = sorted(i for i in used if fr.get(i) is None or not fr[i].string)
        assert missing == []

    @pytest.mark.parametrize("locale", ["en", "fr"])
    def test_compiled_catalogue_is_current(self, locale):
        """The shipped .mo holds exactly the translations of its .po."""
        compiled = io.BytesIO()
        write_mo(compiled, _catalogue(locale))
        compiled.seek(0)
        expected = gettext.GNUTranslations(compiled)
        path = LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"
        with path.open("rb") as source:
            shipped = gettext.GNUTranslations(source)
        assert shipped._catalog == expected._catalog

    def test_compiled_catalogue_needs_only_the_standard_library(self):
        """Without Babel the shipped French labels still read in French."""
        code = (
            "import sys; sys.modules['babel'] = None;"
            "from iso10002.labels import translate, label;"
            "from iso10002.principles import Principle;"
            "assert translate('Timeliness', 'fr') == 'Respect des délais';"
            "assert label(Principle.COMMITMENT, 'fr_CA') == 'Engagement';"
            "assert 'babel' not in [m for m in sys.modules if sys.modules[m]]"
        )
        subprocess.run([sys.executable, "-c", code], check=True)

    def test_host_compiled_catalogue(self, tmp_path):
        """A host's folder with a compiled .mo adds a language, searched first."""
        folder = tmp_path / "de" / "LC_MESSAGES"
        folder.mkdir(parents=True)
        po = (
            'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
            'msgid "Timeliness"\nmsgstr "Pünktlichkeit"\n'
        )
        catalog = read_po(io.BytesIO(po.encode()), locale="de", domain=DOMAIN)
        with (folder / f"{DOMAIN}.mo").open("wb") as target:
            write_mo(target, catalog)
        assert label(Principle.TIMELINESS, "de_AT", locale_dirs=[tmp_path]) == (
            "Pünktlichkeit"
        )
        assert human_label("timeliness", "de", locale_dirs=[tmp_path]) == (
            "Pünktlichkeit"
        )
        assert translate("Timeliness", "de") == "Timeliness"


class TestLabels:
    def test_english_is_the_message_id(self):
        """In English every label is its message id."""
        assert all(label(v) == m for v, m in LABELS.items())
        assert label(DeadlineState.AT_RISK, "en_GB") == "At risk"

    def test_french(self):
        """Principles, severities and states read in French."""
        assert label(FindingSeverity.WARNING, "fr") == "Avertissement"
        assert human_label("not_upheld", "fr") == "Non fondée"
        assert human_label("information-integrity", "fr") == (
            translate("Information integrity", "fr")
        )
        assert human_label("beyond_3_sigma", "fr").startswith("Un point")

    def test_free_text_is_never_translated(self):
        """Names and identifiers stay as given whatever the locale."""
        assert human_label("system error", "fr") == "system error"
        assert human_label("iso10002.standard", "fr") == "iso10002.standard"

    def test_a_locale_without_catalogue_reads_english(self):
        """A locale with no catalogue gives the message ids."""
        assert translate("Timeliness", "de") == "Timeliness"
        assert isinstance(translations("de"), gettext.NullTranslations)

    def test_unlabelled_value(self):
        """A value without a label is refused, naming ``value``."""
        with pytest.raises(ValidationError) as info:
            label("upheld")  # type: ignore[arg-type]
        assert info.value.field == "value"


class TestHostileLocales:
    @pytest.mark.parametrize("locale", HOSTILE)
    def test_refused_with_a_clear_error(self, locale):
        """A path, a blank, control characters or a long name never reach a file."""
        for call in (
            lambda: translate("Timeliness", locale),
            lambda: label(Principle.TIMELINESS, locale),
            lambda: human_label("not_upheld", locale),
            lambda: communications.catalogue(locale),
        ):
            with pytest.raises(ValidationError) as info:
                call()
            assert info.value.field == "locale"

    @given(st.text(max_size=50))
    def test_any_text_is_a_locale_or_refused(self, text):
        """Any text is either a plain locale name or a ValidationError."""
        if re.fullmatch(r"[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8}){0,3}", text):
            name = check_locale(text)
            assert "/" not in name
            assert "." not in name
            assert name.replace("_", "").isalnum()
        else:
            with pytest.raises(ValidationError) as info:
                check_locale(text)
            assert info.value.field == "locale"

    def test_locale_dirs_must_be_a_list(self):
        """A single folder given as text is refused, naming ``locale_dirs``."""
        with pytest.raises(ValidationError) as info:
            translate("Timeliness", "fr", locale_dirs="my_locales")  # type: ignore[arg-type]
        assert info.value.field == "locale_dirs"


def test_every_objective_metric_is_in_the_catalogue():
    """Each metric description objectives show by default has a French label."""
    from iso10002.analysis._objectives import KPI_METRICS  # noqa: PLC0415
    from iso10002.analysis._page_words import _METRICS  # noqa: PLC0415

    assert {description for description, _ in KPI_METRICS.values()} == _METRICS
    assert all(translate(m, "fr") != m for m in _METRICS)
