"""``iso10002 return fca|asic --regime NAME``: one regime's return, on SQLite and
PostgreSQL, equal to the library call with ``regimes=`` (issue 15, item 9)."""

from __future__ import annotations

import json
import secrets
from contextlib import closing
from datetime import datetime, timedelta, timezone

import attrs
import pytest

from iso10002.analysis import Period, asic_return, fca_return
from iso10002.calendars.holidays import HolidaysCalendar
from iso10002.cli._db import open_repository
from iso10002.clock import FixedClock
from iso10002.deadlines import ClassificationMatch, PackRule, PackSelection
from iso10002.handler import Actor, ComplaintsHandler
from iso10002.model import Complainant, ComplaintForm, Subject
from iso10002.repositories import iter_complaints
from iso10002.serialization import to_dict

LONDON = HolidaysCalendar("GB-ENG")
SYDNEY = HolidaysCalendar("AU-NSW")
INTAKE = Actor("web-form", roles={"intake"})
AGENT = Actor("agent:1", roles={"complaints-handler"})
START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
PAYMENTS = PackRule(
    when=ClassificationMatch(products=("payments",)), pack="uk.fca.disp.psd"
)
GIFT_CARDS = PackRule(
    when=ClassificationMatch(products=("gift card",)), pack="iso10002"
)
SELECTIONS = {
    "uk": (PackSelection(default="uk.fca.disp", rules=(PAYMENTS,)), LONDON),
    "au": (PackSelection(default="au.asic.rg271", rules=(GIFT_CARDS,)), SYDNEY),
}
PRODUCTS = ("payments", "mortgage", "gift card", "mortgage", "payments", "savings")
FORM = ComplaintForm(
    complainant=Complainant(name="Pat Example"), description="It went wrong."
)


def _store(target: str, schema: str):
    if target.startswith("postgresql://"):
        from iso10002.handler.postgres import PostgresHandlerStore  # noqa: PLC0415

        return PostgresHandlerStore(target, schema=schema)
    from iso10002.handler.sqlite import SQLiteHandlerStore  # noqa: PLC0415

    return SQLiteHandlerStore(target)


def _fill(target: str, schema: str = "iso10002") -> None:
    """Store complaints of two firms, each handler given its PackSelection."""
    with (
        closing(open_repository(target, schema, create=True)) as repository,
        closing(_store(target, schema)) as store,
    ):
        for selection, calendar in SELECTIONS.values():
            clock = FixedClock(START)
            handler = ComplaintsHandler(
                repository=repository,
                clock=clock,
                calendar=calendar,
                pack=selection,
                store=store,
            )
            for product in PRODUCTS:
                c = handler.receive(
                    attrs.evolve(FORM, subject=Subject(product=product)),
                    actor=INTAKE,
                    channel="web",
                )
                clock.advance(timedelta(hours=5))
                handler.acknowledge(c.id, actor=AGENT)
                clock.advance(timedelta(days=3))


def _complaints(target: str, schema: str = "iso10002"):
    with closing(open_repository(target, schema)) as repository:
        return list(iter_complaints(repository))


@pytest.fixture(scope="module")
def regime_db(tmp_path_factory):
    """A SQLite store whose complaints record their regimes."""
    path = tmp_path_factory.mktemp("regimes") / "regimes.db"
    _fill(str(path))
    return str(path)


def _fca_json(invoke, db, *args):
    result = invoke(
        "return", "fca", "--db", db, "--period", "2026-H1", "--holidays", "GB-ENG",
        "--format", "json", *args,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout), result


def _asic_csv(invoke, db, *args):
    result = invoke(
        "return", "asic", "--db", db, "--period", "2026-H1", "--holidays", "AU-NSW",
        *args,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return result.stdout, result


def _library_fca(complaints, regimes):
    period = Period.parse("2026-H1", LONDON.zone)
    report = fca_return(complaints, period=period, calendar=LONDON, regimes=regimes)
    return json.loads(json.dumps(to_dict(report)))


def _library_asic(complaints, regimes):
    period = Period.parse("2026-H1", SYDNEY.zone)
    return asic_return(
        complaints, period=period, calendar=SYDNEY, regimes=regimes
    ).to_csv()


class TestRegimeOnSqlite:
    @pytest.mark.parametrize(
        ("args", "regimes", "opened"),
        [
            (("--regime", "uk.fca.disp"), {"uk.fca.disp"}, 4),
            (("--regime", "uk.fca.disp.psd"), {"uk.fca.disp.psd"}, 2),
            (
                ("--regime", "uk.fca.disp", "--regime", "uk.fca.disp.psd"),
                {"uk.fca.disp", "uk.fca.disp.psd"},
                6,
            ),
            ((), None, 12),
        ],
    )
    def test_fca_regime_equals_fca_return(
        self, invoke, regime_db, args, regimes, opened
    ):
        """--regime (repeatable) prints fca_return(..., regimes=...)."""
        printed, _ = _fca_json(invoke, regime_db, *args)
        assert printed == _library_fca(_complaints(regime_db), regimes)
        assert printed["total"]["opened"] == opened

    @pytest.mark.parametrize(
        ("args", "regimes", "rows"),
        [
            (("--regime", "au.asic.rg271"), {"au.asic.rg271"}, 5),
            (("--regime", "iso10002"), {"iso10002"}, 1),
            ((), None, 12),
        ],
    )
    def test_asic_regime_equals_asic_return(
        self, invoke, regime_db, args, regimes, rows
    ):
        """--regime prints asic_return(..., regimes=...), row for row."""
        printed, _ = _asic_csv(invoke, regime_db, *args)
        assert printed == _library_asic(_complaints(regime_db), regimes)
        assert len(printed.splitlines()) == rows + 1

    def test_a_regime_no_complaint_records_says_so(self, invoke, demo_db):
        """The demo records no regime: an empty return and one note on stderr."""
        printed, result = _fca_json(invoke, str(demo_db), "--regime", "uk.fca.disp")
        assert printed["groups"] == []
        assert "records the regime uk.fca.disp" in result.stderr
        csv_text, result = _asic_csv(invoke, str(demo_db), "--regime", "au.asic.rg271")
        assert len(csv_text.splitlines()) == 1
        assert "records the regime au.asic.rg271" in result.stderr

    @pytest.mark.parametrize("kind", ["fca", "asic"])
    def test_blank_regime_is_a_usage_error(
        self, invoke, regime_db, one_line_failure, kind
    ):
        """--regime '' exits 2 with one line naming the option."""
        region = "GB-ENG" if kind == "fca" else "AU-NSW"
        result = invoke(
            "return", kind, "--db", regime_db, "--period", "2026-H1",
            "--holidays", region, "--regime", " ",
        )  # fmt: skip
        assert "--regime" in one_line_failure(result, 2)


@pytest.fixture(scope="module")
def pg(iso10002_postgres_dsn):
    """A fresh PostgreSQL schema holding the same complaints as ``regime_db``."""
    psycopg = pytest.importorskip("psycopg")
    schema = f"cli_regime_{secrets.token_hex(4)}"
    _fill(iso10002_postgres_dsn, schema)
    yield iso10002_postgres_dsn, schema
    with psycopg.connect(iso10002_postgres_dsn, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.mark.postgres
class TestRegimeOnPostgres:
    def test_regime_returns_equal_sqlite_and_library(self, invoke, pg, regime_db):
        """The same complaints on PostgreSQL print the same regime returns."""
        dsn, schema = pg
        complaints = _complaints(dsn, schema)
        on_pg, _ = _fca_json(
            invoke, dsn, "--schema", schema, "--regime", "uk.fca.disp.psd"
        )
        on_file, _ = _fca_json(invoke, regime_db, "--regime", "uk.fca.disp.psd")
        assert on_pg == on_file == _library_fca(complaints, {"uk.fca.disp.psd"})
        csv_pg, _ = _asic_csv(invoke, dsn, "--schema", schema, "--regime", "iso10002")
        csv_file, _ = _asic_csv(invoke, regime_db, "--regime", "iso10002")
        assert csv_pg == csv_file == _library_asic(complaints, {"iso10002"})


class TestSupersededForm:
    def test_ps25_19_period_from_2027_prints_one_note(self, cli, demo_db):
        """A period the consolidated return replaces: the figures, and one note
        line on stderr (no traceback, even with warnings turned into errors)."""
        result = cli(
            "return", "fca", "--db", str(demo_db), "--period", "2027-H1",
            "--holidays", "GB-ENG",
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert "FCA complaints return" in result.stdout
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1
        assert lines[0].startswith("Note: 2027-H1: FCA PS25/19 replaces")
