"""Numbers, money and dates as committee papers write them; every expected value worked by hand."""

import datetime as dt

import pytest

from icnreport.formatting import (
    SUPPRESSED,
    count,
    count_or_c,
    long_date,
    money,
    money_k,
    money_k_or_c,
    money_m,
    money_or_c,
    month_label,
    months_inclusive,
    percent,
    percent_or_c,
    period_span,
    round_half_up,
)


@pytest.mark.parametrize("n,expected", [(0, "0"), (7, "7"), (999, "999"), (1_000, "1,000"), (1_234_567, "1,234,567")])
def test_count_has_thousands_separators(n: int, expected: str) -> None:
    assert count(n) == expected


@pytest.mark.parametrize(
    "part,whole,expected",
    [
        (1, 8, "13%"),  # 12.5% exactly: half up, where round() would give 12
        (3, 8, "38%"),  # 37.5%
        (1, 3, "33%"),  # 33.33%
        (2, 3, "67%"),  # 66.67%
        (0, 5, "0%"),
        (5, 5, "100%"),
        (1, 200, "1%"),  # 0.5%
        (1, 201, "0%"),  # 0.4975%
        (31, 201, "15%"),  # CS18067 para 4.3: 15.42%
        (27, 121, "22%"),  # CS18067 para 4.3.3: 22.31%
        (1, 0, "n/a"),
        (0, 0, "n/a"),
    ],
)
def test_percent_rounds_half_up(part: int, whole: int, expected: str) -> None:
    assert percent(part, whole) == expected


def test_percent_rounds_where_cs18067_truncated() -> None:
    # 322 of 550 is 58.545%: CS18067 printed 58% (and 42% for the 228 untracked, 41.45%); we round.
    assert percent(322, 550) == "59%"
    assert percent(228, 550) == "41%"


@pytest.mark.parametrize(
    "pounds,expected",
    [
        (28_000, "£28,000"),
        (35_000.0, "£35,000"),
        (0, "£0"),
        (0.5, "£1"),
        (0.49, "£0"),
        (1_234.5, "£1,235"),
        (-1_200, "-£1,200"),
        (-0.4, "£0"),  # rounds to nothing: no minus sign
    ],
)
def test_money_in_whole_pounds(pounds: float, expected: str) -> None:
    assert money(pounds) == expected


@pytest.mark.parametrize(
    "pounds,expected",
    [
        (1_460_000, "£1,460k"),  # CS18067 para 4.7
        (1_825_000, "£1,825k"),
        (365_000, "£365k"),
        (365_000 * 228 / 322, "£258k"),  # 258,447.20
        (365_000 + 365_000 * 228 / 322 + 150_000, "£773k"),  # 773,447.20
        (500, "£1k"),  # a tie goes up
        (499.99, "£0k"),
        (1_500, "£2k"),  # round() would give £2k too; 2,500 is the one it gets wrong
        (2_500, "£3k"),
        (-1_200, "-£1k"),
        (-1_500, "-£2k"),
        (-499, "£0k"),
    ],
)
def test_money_k_to_the_nearest_thousand(pounds: float, expected: str) -> None:
    assert money_k(pounds) == expected


@pytest.mark.parametrize(
    "pounds,expected",
    [
        (1_460_000, "£1.46m"),
        (500_000, "£0.50m"),
        (1_234_567, "£1.23m"),
        (1_235_000, "£1.24m"),
        (-2_005_000, "-£2.01m"),
    ],
)
def test_money_m_to_two_places(pounds: float, expected: str) -> None:
    assert money_m(pounds) == expected


@pytest.mark.parametrize("value,expected", [(82.0, 82), (81.5, 82), (82.5, 83), (82.49, 82), (-0.5, -1)])
def test_round_half_up(value: float, expected: int) -> None:
    assert round_half_up(value) == expected


@pytest.mark.parametrize(
    "day,expected",
    [
        (dt.date(2017, 6, 30), "30 June 2017"),
        (dt.date(2016, 10, 1), "1 October 2016"),
        (dt.date(2020, 2, 29), "29 February 2020"),
    ],
)
def test_long_date_has_no_leading_zero(day: dt.date, expected: str) -> None:
    assert long_date(day) == expected


@pytest.mark.parametrize(
    "period,expected", [("2017-06", "June 2017"), ("2016-10", "October 2016"), ("2018-01", "January 2018")]
)
def test_month_label(period: str, expected: str) -> None:
    assert month_label(period) == expected


@pytest.mark.parametrize("period", ["2017-13", "2017-00", "2017-6", "June 2017", ""])
def test_month_label_refuses_what_is_not_a_period(period: str) -> None:
    with pytest.raises(ValueError, match="YYYY-MM"):
        month_label(period)


@pytest.mark.parametrize(
    "start,end,months",
    [
        (dt.date(2016, 10, 1), dt.date(2017, 6, 30), 9),  # CS18067: October 2016 to June 2017
        (dt.date(2016, 10, 1), dt.date(2016, 10, 31), 1),
        (dt.date(2016, 10, 15), dt.date(2016, 11, 30), 2),  # part months count
        (dt.date(2016, 12, 1), dt.date(2017, 1, 31), 2),  # across the year end
        (dt.date(2016, 10, 1), dt.date(2017, 9, 30), 12),
    ],
)
def test_months_are_counted_inclusively(start: dt.date, end: dt.date, months: int) -> None:
    assert months_inclusive(start, end) == months


def test_period_span() -> None:
    assert period_span(dt.date(2016, 10, 1), dt.date(2017, 6, 30)) == "9 months to 30 June 2017"
    assert period_span(dt.date(2016, 10, 1), dt.date(2016, 10, 31)) == "1 month to 31 October 2016"


def test_period_span_refuses_an_end_before_the_start() -> None:
    with pytest.raises(ValueError, match="before the programme start"):
        period_span(dt.date(2016, 10, 1), dt.date(2016, 9, 30))


# Figures that disclosure control may have suppressed (None): the GSS symbol [c] -----------------------


@pytest.mark.parametrize(
    "function,args,expected",
    [
        (count_or_c, (1_234,), "1,234"),
        (count_or_c, (0,), "0"),
        (count_or_c, (None,), "[c]"),
        (percent_or_c, (30, 200), "15%"),
        (percent_or_c, (None, 200), "[c]"),
        (percent_or_c, (30, None), "[c]"),
        (percent_or_c, (0, 0), "n/a"),
        (money_or_c, (28_000.0,), "£28,000"),
        (money_or_c, (None,), "[c]"),
        (money_k_or_c, (258_000.0,), "£258k"),
        (money_k_or_c, (None,), "[c]"),
    ],
)
def test_maybe_suppressed_figures(function, args: tuple, expected: str) -> None:
    assert function(*args) == expected


def test_the_suppression_symbol_is_the_gss_one() -> None:
    assert SUPPRESSED == "[c]"
