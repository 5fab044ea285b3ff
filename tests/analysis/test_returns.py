from __future__ import annotations

import csv
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iso10002.analysis import Period, asic_return, fca_return
from iso10002.analysis.returns import (
    ASIC_COLUMNS,
    DEFAULT_ASIC_LAYOUT,
    FCA_RULES,
    AsicLayout,
    AsicRow,
)
from iso10002.calendars import WeekdayCalendar
from iso10002.errors import ValidationError
from iso10002.model import Channel, Outcome
from iso10002.serialization import to_dict

LONDON = ZoneInfo("Europe/London")
UK = WeekdayCalendar(zone="Europe/London")
UTC_DAYS = WeekdayCalendar(zone="UTC")
ASIC_FIELDS = tuple(a.name for a in attrs.fields(AsicRow))

# Headings a handbook could have: any script, and the characters CSV must
# quote (commas, quotes, line breaks); never blank.
_HEADINGS = st.text(
    st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cc",)),
        st.sampled_from(',"\r\n\t'),
    ),
    min_size=1,
    max_size=12,
).filter(lambda h: h.strip())


@st.composite
def asic_layouts(draw: st.DrawFn) -> AsicLayout:
    """Draw a layout: some of the fields, in any order, under unique headings."""
    fields = draw(st.permutations(ASIC_FIELDS))
    fields = fields[: draw(st.integers(1, len(fields)))]
    headers = draw(
        st.lists(_HEADINGS, min_size=len(fields), max_size=len(fields), unique=True)
    )
    return AsicLayout(columns=tuple(zip(fields, headers, strict=True)))


@pytest.fixture
def book(make):
    """Complaints around 2026-H1, each probing one counting rule."""
    comm = "DecisionCommunicated"
    return [
        make(
            "A",
            "2026-01-05T10:00",
            [(comm, "2026-01-08T16:00")],
            product="card",
            outcome=Outcome.UPHELD,
            remedies=[("100", "GBP")],
        ),
        make(
            "B",
            "2026-01-09T10:00",
            [(comm, "2026-01-15T10:00")],
            outcome=Outcome.PARTIALLY_UPHELD,
            remedies=[("20", "AUD")],
        ),
        make(
            "C",
            "2026-01-05T10:00",
            [
                ("HoldingResponseSent", "2026-02-20T10:00", {"ombudsman_rights": True}),
                (comm, "2026-03-03T10:00"),
            ],
            outcome=Outcome.NOT_UPHELD,
        ),
        make(
            "D",
            "2025-12-01T10:00",
            [("HoldingResponseSent", "2026-01-20T10:00", {"ombudsman_rights": False})],
        ),
        make("E", "2026-06-30T23:30"),
        make("F", "2026-06-30T22:30"),
        make("G", "2026-02-01T10:00", [("ComplaintRejected", "2026-02-02T10:00")]),
        make("H", "2025-11-01T10:00", [("ComplaintClosed", "2026-01-02T10:00")]),
        make("I", "2026-02-02T10:00", [(comm, "2026-07-02T10:00")]),
    ]


def figures(f):
    return (
        f.opened,
        f.closed,
        f.closed_within_3_business_days,
        f.closed_within_8_weeks,
        f.closed_after_8_weeks,
        f.upheld,
        f.redress_paid,
        f.outstanding_at_end,
        f.eight_week_due,
        f.eight_week_met,
    )


class TestFcaReturn:
    def test_hand_computed_figures(self, book):
        """Each figure of 2026-H1 equals the count worked out by hand from the rules."""
        r = fca_return(
            book,
            period=Period.parse("2026-H1", LONDON),
            calendar=UK,
            product_groups={"card": "banking"},
        )
        groups = {g.product_group: figures(g) for g in r.groups}
        assert groups == {
            "banking": (1, 1, 1, 0, 0, 1, Decimal(100), 0, 1, 1),
            "other": (4, 3, 0, 1, 2, 1, Decimal(0), 3, 4, 2),
        }
        assert figures(r.total) == (5, 4, 1, 1, 2, 2, Decimal(100), 3, 5, 3)
        assert r.other_currency_redress == {"AUD": Decimal(20)}
        assert r.rules == FCA_RULES

    def test_local_midnight_bounds_the_period(self, make):
        """23:30 UTC on 30 June is July in London: counted in H2, not H1."""
        c = make("late", "2026-06-30T23:30")
        h1 = fca_return([c], period=Period.parse("2026-H1", LONDON), calendar=UK)
        h2 = fca_return([c], period=Period.parse("2026-H2", LONDON), calendar=UK)
        assert (h1.total.opened, h2.total.opened) == (0, 1)

    def test_third_business_day_spans_a_weekend(self, make):
        """Received Friday, answered Wednesday: Mon, Tue, Wed make three days."""
        c = make(
            "w", "2026-01-09T10:00", [("DecisionCommunicated", "2026-01-14T16:59")]
        )
        r = fca_return([c], period=Period.parse("2026-H1", LONDON), calendar=UK)
        assert r.total.closed_within_3_business_days == 1

    def test_serialises_and_rejects_bad_period(self, book):
        """The return goes through to_dict; a period label string is refused."""
        data = to_dict(
            fca_return(book, period=Period.parse("2026-H1", LONDON), calendar=UK)
        )
        assert data["total"]["redress_paid"] == "100"
        with pytest.raises(ValidationError):
            fca_return(book, period="2026-H1")  # type: ignore[arg-type]


class TestAsicReturn:
    def test_rows_and_hand_computed_values(self, book):
        """Rows cover complaints received in or open at the start of the period."""
        r = asic_return(
            book,
            period=Period.parse("2026-H1"),
            calendar=UTC_DAYS,
            product_codes={"card": "CC01"},
        )
        assert [row.complaint_id for row in r.rows] == [f"REF-{x}" for x in "ABCDEFHI"]
        a, b = r.rows[0], r.rows[1]
        assert (a.date_received, a.status, a.date_closed, a.days_to_close) == (
            "2026-01-05",
            "Closed",
            "2026-01-08",
            "3",
        )
        assert (a.closed_within_5_business_days, a.product, a.issue) == (
            "Y",
            "CC01",
            "billing",
        )
        assert a.financial_compensation == ""
        assert b.financial_compensation == "20"
        assert b.outcome == "Resolved partly in favour of the complainant"
        i = r.rows[-1]
        assert (i.status, i.date_closed, i.outcome) == ("Open", "", "")

    def test_csv_has_documented_header_and_no_personal_data(self, book, secrets):
        """The CSV has the documented header, one row each, nothing personal."""
        text = asic_return(
            book, period=Period.parse("2026-H1"), calendar=UTC_DAYS
        ).to_csv()
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == [c[0] for c in ASIC_COLUMNS]
        assert len(rows) == 9
        assert not any(s in text for s in secrets)

    def test_default_layout_keeps_the_field_names(self, book):
        """Without a layout the CSV is what it always was: field names, every field."""
        r = asic_return(book, period=Period.parse("2026-H1"), calendar=UTC_DAYS)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([c[0] for c in ASIC_COLUMNS])
        writer.writerows([getattr(row, c[0]) for c in ASIC_COLUMNS] for row in r.rows)
        assert r.to_csv() == r.to_csv(DEFAULT_ASIC_LAYOUT) == out.getvalue()
        assert r.to_csv().startswith(
            "complaint_id,date_received,channel,status,date_closed,days_to_close,"
            "closed_within_5_business_days,product,issue,outcome,"
            "financial_compensation,remedies\r\n"
        )
        assert DEFAULT_ASIC_LAYOUT.columns == tuple((c[0], c[0]) for c in ASIC_COLUMNS)

    @settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(layout=asic_layouts())
    def test_layout_sets_headers_and_cells(self, book, layout):
        """Any layout gives exactly its headings, and each row its fields in order."""
        r = asic_return(book, period=Period.parse("2026-H1"), calendar=UTC_DAYS)
        fields = [field for field, _ in layout.columns]
        parsed = list(csv.reader(io.StringIO(r.to_csv(layout), newline="")))
        assert parsed[0] == [header for _, header in layout.columns]
        assert parsed[1:] == [[getattr(row, f) for f in fields] for row in r.rows]

    @pytest.mark.parametrize("layout", [{"status": "Status"}, "status", ()])
    def test_layout_must_be_a_layout(self, book, layout):
        """A table or text where a layout belongs is refused, naming ``layout``."""
        r = asic_return(book, period=Period.parse("2026-H1"), calendar=UTC_DAYS)
        with pytest.raises(ValidationError) as caught:
            r.to_csv(layout)  # type: ignore[arg-type]
        assert caught.value.field == "layout"

    def test_channel_mapping_can_be_overridden(self, make):
        """A host's own channel codes replace the defaults."""
        c = make("x", "2026-01-05T10:00", channel=Channel.PHONE)
        r = asic_return(
            [c],
            period=Period.parse("2026-H1"),
            calendar=UTC_DAYS,
            channel_codes={Channel.PHONE: "TEL"},
        )
        assert r.rows[0].channel == "TEL"


BAD_LAYOUTS = [
    pytest.param(
        (("complaint_id", "Reference"), ("nope", "Nope")),
        "columns[1]",
        "unknown field 'nope'; the fields are complaint_id, date_received,",
        id="unknown-field",
    ),
    pytest.param(
        (("status", "A"), ("channel", "B"), ("status", "C")),
        "columns[2]",
        "field 'status' is already in columns[0]",
        id="field-twice",
    ),
    pytest.param(
        (("status", "A"), ("channel", "")),
        "columns[1]",
        "header of 'channel' must not be empty",
        id="empty-header",
    ),
    pytest.param(
        (("channel", " \t\r\n"),),
        "columns[0]",
        "header of 'channel' must not be empty",
        id="blank-header",
    ),
    pytest.param(
        (("status", "A"), ("channel", 3)),
        "columns[1]",
        "header of 'channel' must be a string, not int",
        id="header-not-text",
    ),
    pytest.param(
        (("status", "Status"), ("channel", "Status")),
        "columns[1]",
        "header 'Status' of 'channel' is already used by columns[0]",
        id="header-twice",
    ),
    pytest.param(
        (("status", "A"), ("channel", "B\x00")),
        "columns[1]",
        "must not contain control characters",
        id="control-character",
    ),
    pytest.param(
        ((3, "A"),),
        "columns[0]",
        "field must be a string, not int",
        id="field-not-text",
    ),
    pytest.param(
        (("status", "A"), ("channel",)),
        "columns[1]",
        "must be a (field, header) pair, not 1 items",
        id="not-a-pair",
    ),
    pytest.param(
        (("status", "A"), "channel"),
        "columns[1]",
        "must be a (field, header) pair, not str",
        id="text-not-a-pair",
    ),
    pytest.param((), "columns", "must hold at least one", id="no-columns"),
    pytest.param(
        {"status": "A"}, "columns", "must be a tuple of (field, header)", id="dict"
    ),
]


class TestAsicLayout:
    @pytest.mark.parametrize(("columns", "path", "message"), BAD_LAYOUTS)
    def test_bad_layout_names_the_entry(self, columns, path, message):
        """Each bad layout raises ValidationError at the offending entry."""
        with pytest.raises(ValidationError) as caught:
            AsicLayout(columns=columns)
        assert any(
            where == path and message in problem
            for where, problem in caught.value.problems
        ), caught.value.problems

    def test_every_problem_is_listed(self):
        """One error lists the problems of every entry, in order."""
        with pytest.raises(ValidationError) as caught:
            AsicLayout(
                columns=(("status", "S"), ("state", "S"), ("status", ""), ("issue", 1))
            )
        assert [where for where, _ in caught.value.problems] == [
            "columns[1]",
            "columns[1]",
            "columns[2]",
            "columns[2]",
            "columns[3]",
        ]

    def test_lists_become_tuples(self):
        """Lists of lists (as JSON has them) are stored as a tuple of pairs."""
        layout = AsicLayout(columns=[["status", "S"], ("issue", "I")], name="v1")
        assert layout.columns == (("status", "S"), ("issue", "I"))
        assert (layout.fields, layout.headers, layout.name) == (
            ("status", "issue"),
            ("S", "I"),
            "v1",
        )

    def test_name_must_be_text(self):
        """A name that is not text is refused, naming ``name``."""
        with pytest.raises(ValidationError) as caught:
            AsicLayout(columns=(("status", "S"),), name=1)  # type: ignore[arg-type]
        assert caught.value.field == "name"

    def test_from_mapping_keeps_the_order(self):
        """from_mapping writes the columns in the mapping's order."""
        layout = AsicLayout.from_mapping(
            {"remedies": "R", "complaint_id": "Id"}, name="handbook 2026"
        )
        assert layout == AsicLayout(
            columns=(("remedies", "R"), ("complaint_id", "Id")), name="handbook 2026"
        )

    @pytest.mark.parametrize(
        ("mapping", "path", "message"),
        [
            (["status"], "mapping", "must be a mapping of field names to headings"),
            ("status", "mapping", "must be a mapping"),
            (None, "mapping", "must be a mapping"),
            ({}, "columns", "must hold at least one"),
            ({"status": None}, "columns[0]", "must be a string, not NoneType"),
            ({1: "One"}, "columns[0]", "field must be a string, not int"),
            ({"nope": "Nope"}, "columns[0]", "unknown field 'nope'"),
        ],
    )
    def test_from_mapping_refuses_bad_tables(self, mapping, path, message):
        """from_mapping raises ValidationError (never TypeError or KeyError)."""
        with pytest.raises(ValidationError) as caught:
            AsicLayout.from_mapping(mapping)
        assert caught.value.field == path
        assert message in caught.value.problems[0][1]
