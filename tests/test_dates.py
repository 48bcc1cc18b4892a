"""Dates in extracts: ISO and UK order only (SPEC.md "Inputs")."""

import pandas as pd

from icnreport.dates import parse_dates


def test_iso_and_uk_dates() -> None:
    parsed = parse_dates(pd.Series(["2017-06-30", "30/06/2017", "1/2/2017", "2017-01-05 00:00:00"]))
    assert parsed.tolist() == [
        pd.Timestamp("2017-06-30"),
        pd.Timestamp("2017-06-30"),
        pd.Timestamp("2017-02-01"),
        pd.Timestamp("2017-01-05"),
    ]


def test_uk_order_never_us_order() -> None:
    # 03/04/2017 is the 3rd of April; 06/31/2017 (US order) is no date at all.
    parsed = parse_dates(pd.Series(["03/04/2017", "06/31/2017"]))
    assert parsed.iloc[0] == pd.Timestamp("2017-04-03")
    assert pd.isna(parsed.iloc[1])


def test_blank_and_impossible_dates_are_missing() -> None:
    parsed = parse_dates(pd.Series(["", "31/02/2017", "yesterday", "2017-13-01", None]))
    assert parsed.isna().all()


def test_date_cells_pass_through() -> None:
    cells = pd.Series([pd.Timestamp("2017-01-05 13:45"), pd.Timestamp("2017-02-01")])
    assert parse_dates(cells).tolist() == [pd.Timestamp("2017-01-05"), pd.Timestamp("2017-02-01")]


def test_uk_date_time_cells_as_excel_writes_them_are_their_day() -> None:
    parsed = parse_dates(pd.Series(["15/01/2017 00:00", "15/01/2017 00:00:00", "15/01/2017 13:45"]))
    assert parsed.iloc[0] == pd.Timestamp("2017-01-15") and parsed.iloc[1] == pd.Timestamp("2017-01-15")
    assert pd.isna(parsed.iloc[2]), "a real time of day is not a date cell; it is not guessed at"
