"""Reporting periods: YYYY-MM, 'latest', and ranges."""

import datetime as dt

import pytest

from icnreport.errors import PeriodError
from icnreport.period import Period, months_between, parse_period


@pytest.mark.parametrize(
    "text, end",
    [("2017-06", dt.date(2017, 6, 30)), ("2016-02", dt.date(2016, 2, 29)), ("2017-12", dt.date(2017, 12, 31))],
)
def test_period_end_is_the_last_day_of_the_month(text: str, end: dt.date) -> None:
    assert parse_period(text).end == end


@pytest.mark.parametrize(
    "today, latest",
    [
        (dt.date(2017, 7, 5), "2017-06"),  # early in July: June is the last complete month
        (dt.date(2017, 7, 1), "2017-06"),
        (dt.date(2017, 6, 30), "2017-05"),  # June is not complete until it has ended
        (dt.date(2018, 1, 15), "2017-12"),  # across a year end
    ],
)
def test_latest_is_the_last_complete_month(today: dt.date, latest: str) -> None:
    assert parse_period("latest", today=today).label == latest


def test_months_between_includes_both_ends_and_crosses_years() -> None:
    months = months_between(Period(2016, 11), Period(2017, 2))
    assert [m.label for m in months] == ["2016-11", "2016-12", "2017-01", "2017-02"]


def test_a_range_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(PeriodError):
        months_between(Period(2017, 2), Period(2016, 11))
