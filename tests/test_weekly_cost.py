"""Weekly cost of a CLD service row (SPEC.md weekly cost rule). A unit cost of GBP 52 makes the arithmetic
plain: 52 a week, 26 a fortnight's share, 13 four-weekly, 52 x 12/52 = 12 monthly, 52 x 4/52 = 4 quarterly,
52 x 1/52 = 1 annually."""

import math

import pandas as pd
import pytest

from icnreport.weekly_cost import parse_money, weekly_cost


def _one(cost: str, frequency: str, units: str = "") -> pd.Series:
    return weekly_cost(pd.Series([cost]), pd.Series([frequency]), pd.Series([units])).iloc[0]


@pytest.mark.parametrize(
    "frequency, expected",
    [
        ("Weekly", 52.0),
        ("Fortnightly", 26.0),
        ("Four-weekly", 13.0),
        ("4 Weekly", 13.0),
        ("four_weekly", 13.0),
        ("Monthly", 12.0),
        ("Quarterly", 4.0),
        ("Annually", 1.0),
        ("WEEKLY", 52.0),
    ],
)
def test_fixed_frequencies(frequency: str, expected: float) -> None:
    assert _one("52", frequency)["weekly_cost"] == pytest.approx(expected)


@pytest.mark.parametrize("frequency", ["Hourly", "Daily", "Per session", "per-session"])
def test_planned_unit_frequencies_use_planned_units(frequency: str) -> None:
    # GBP 18.50 an hour for 14 planned hours a week = GBP 259.00.
    row = _one("18.50", frequency, "14")
    assert row["weekly_cost"] == pytest.approx(259.0)
    assert not row["needs_units"]


def test_planned_unit_frequency_without_units_is_flagged() -> None:
    assert _one("18.50", "Hourly", "")["needs_units"]


def test_one_off_has_no_weekly_cost() -> None:
    row = _one("500", "One-off")
    assert row["one_off"]
    assert math.isnan(row["weekly_cost"])


def test_unknown_frequency() -> None:
    assert pd.isna(_one("52", "Biweekly")["frequency"])


def test_money_as_excel_and_people_write_it() -> None:
    parsed = parse_money(pd.Series(["£1,040.00", " 12.5 ", "", "twelve", "-3"]))
    assert parsed.iloc[0] == 1040.0
    assert parsed.iloc[1] == 12.5
    assert math.isnan(parsed.iloc[2]) and math.isnan(parsed.iloc[3])
    assert parsed.iloc[4] == -3.0
