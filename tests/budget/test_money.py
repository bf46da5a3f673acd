"""Amounts are exact cents, whatever way a finance department writes them."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plugins.budget.figures import Figures
from plugins.budget.money import AmountError, amount, euros, parse_euros, typed


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("700000", 70000000),
        ("700000.00", 70000000),
        ("1 234,56", 123456),
        ("1\u00a0234,56", 123456),
        ("1\u202f234,56", 123456),
        ("1.234.567,89", 123456789),
        ("1234.5", 123450),
        ("12,3 €", 1230),
        ("0,01", 1),
        ("1,234.56", 123456),
        ("1,234,567.8", 123456780),
    ],
)
def test_french_and_plain_amounts(text, cents):
    assert parse_euros(text) == cents


@pytest.mark.parametrize("text", ["", "abc", "12,345", "1,2,3", "-5", "1e5", "12.345,6,7"])
def test_malformed_or_negative_amounts_are_refused(text):
    with pytest.raises(AmountError):
        parse_euros(text)


@given(st.integers(min_value=0, max_value=10**13))
def test_printing_and_parsing_round_trip(cents):
    assert parse_euros(euros(cents)) == cents
    for lang in ("fr", "en"):  # what the pages show and what their forms hold, read back
        assert parse_euros(amount(cents, lang)) == cents
        assert parse_euros(typed(cents, lang)) == cents


@given(
    st.lists(st.integers(min_value=0, max_value=10**9), max_size=30),
    st.lists(st.integers(min_value=0, max_value=10**9), max_size=30),
    st.integers(min_value=0, max_value=10**11),
)
def test_figures_add_up(commitments, payments, amount):
    figures = Figures(amount, 0, sum(commitments), sum(payments))
    assert figures.remaining + figures.committed == amount
    assert any(w.startswith("committed beyond the envelope") for w in figures.warnings()) == (
        sum(commitments) > amount
    )
    assert figures.as_json()["remaining"] == euros(amount - sum(commitments))
