"""French numbers, amounts, dates and times in the city's zone: the one formatting module."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bridge import formatting
from bridge.app import create_app
from bridge.config import Settings

NNBSP, NBSP = "\u202f", "\u00a0"


def test_numbers_and_amounts_in_french_and_english():
    assert formatting.number(1234567) == f"1{NNBSP}234{NNBSP}567"
    assert formatting.number(999) == "999"
    assert formatting.number(1234567, "en") == "1,234,567"
    assert formatting.number(1234.5, decimals=1) == f"1{NNBSP}234,5"
    assert formatting.euros(700000) == f"700{NNBSP}000{NBSP}€"
    assert formatting.euros(1234.5) == f"1{NNBSP}234,50{NBSP}€"
    assert formatting.euros(700000, "en") == "€700,000"
    assert formatting.cents(70000050) == f"700{NNBSP}000,50{NBSP}€"
    assert formatting.percent(45.5) == f"46{NNBSP}%"
    assert formatting.percent(45.5, "en") == "46%"
    # a ledger's amounts keep their cents; below zero the sign comes first in English
    assert formatting.cents(70000000, decimals=2) == f"700{NNBSP}000,00{NBSP}€"
    assert formatting.cents(70000000, "en", decimals=2) == "€700,000.00"
    assert formatting.cents(-50000, decimals=2) == f"-500,00{NBSP}€"
    assert formatting.cents(-50000, "en", decimals=2) == "-€500.00"


def test_dates_are_french_and_times_are_in_the_citys_zone():
    assert formatting.date_text(date(2026, 12, 1)) == "1er décembre 2026"
    assert formatting.date_text("2026-03-15") == "15 mars 2026"
    assert formatting.date_text(date(2026, 12, 1), "en") == "1 December 2026"
    # stored naive UTC: 23:30 UTC on 30 November is 00:30 on 1 December in Paris (winter, +1)
    late = datetime(2026, 11, 30, 23, 30)
    assert formatting.datetime_text(late) == f"1er décembre 2026 à 0{NBSP}h{NBSP}30"
    # summer time: +2
    assert formatting.datetime_text(datetime(2026, 7, 14, 8, 5)).endswith(f"10{NBSP}h{NBSP}05")
    assert formatting.datetime_text(late, "en", with_zone=True) == (
        "1 December 2026 at 00:30 (Paris time)"
    )
    assert formatting.month_name(2, short=True) == "févr."


def test_the_zone_is_a_setting(tmp_path):
    app = create_app(
        Settings(database_url=f"sqlite:///{tmp_path}/z.db", timezone="America/Montreal")
    )
    with app.app_context():
        assert formatting.datetime_text(datetime(2026, 12, 1, 12, 0)) == (
            f"1er décembre 2026 à 7{NBSP}h{NBSP}00"
        )
        assert formatting.zone_label() == "heure de Montreal"


def test_an_unknown_zone_is_refused_with_the_setting_named():
    with pytest.raises(ValueError, match="timezone"):
        Settings(timezone="Europe/Atlantis")
    with pytest.raises(ValueError, match="timezone"):
        Settings.load(env={"BRIDGE_TIMEZONE": "UTC+1"})
