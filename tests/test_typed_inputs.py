"""Columns a Parquet file has typed (dates as date32 or timestamps, costs as float64, NHS numbers as int64) are
read as the values they are, with no text parsing, and give what the same values written as text give.
Every expected value is worked out by hand in the test's docstring or comments.

NHS numbers, Modulus 11 by hand (weights 10..2 on digits 1-9; check = 11 - sum mod 11; 11 means 0):
4000000004: 4x10 = 40, 40 mod 11 = 7, check 11 - 7 = 4: valid. 4000000005: the check digit should be 4: invalid.
4000000012: 40 + 1x2 = 42, 42 mod 11 = 9, check 2: valid.
0123456789: 0x10 + 1x9 + 2x8 + 3x7 + 4x6 + 5x5 + 6x4 + 7x3 + 8x2 = 156, 156 mod 11 = 2, check 9: valid as text;
as the number 123456789 it has nine digits (a number column cannot hold the leading zero): invalid.
1111111111: 1x(10+9+...+2) = 54, 54 mod 11 = 10, check 1: passes the arithmetic, but all ten digits alike: invalid.
"""

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from icnreport.dates import parse_dates
from icnreport.extracts import read_asc
from icnreport.figures import figures_for
from icnreport.nhs_number import nhs_numbers
from icnreport.params import load_params
from icnreport.period import parse_period

NETWORKS = ["East", "Central", "West"]


def write_params(folder: Path, referrals: str, asc: str) -> Path:
    path = folder / "params.yaml"
    settings = {
        "area": "Testshire",
        "programme_start": "2016-10-01",
        "networks": NETWORKS,
        "data": {"referrals": referrals, "asc": asc},
        "costs": {"days_per_year": 365, "staffing_per_year": 150_000},
    }
    path.write_text(yaml.safe_dump(settings), encoding="utf-8")
    return path


def days(*texts: str | None) -> pa.Array:
    return pa.array([None if text is None else dt.date.fromisoformat(text) for text in texts], type=pa.date32())


def cld_table(rows: dict[str, pa.Array]) -> pa.Table:
    """A CLD table under its Release 1 headings; columns a test leaves out are blank text."""
    length = len(next(iter(rows.values())))
    headings = {
        "LA Person Unique Identifier": pa.array(["P1"] * length),
        "NHS Number": pa.array([None] * length, type=pa.int64()),
        "Event Type": pa.array(["Service"] * length),
        "Event Start Date": days(*["2017-01-01"] * length),
        "Event End Date": days(*[None] * length),
        "Unit Cost": pa.array([100.0] * length),
        "Cost Frequency (Unit Type)": pa.array(["Weekly"] * length),
        "Planned units per week": pa.array([None] * length, type=pa.float64()),
    }
    return pa.table({**headings, **rows})


def test_typed_parquet_extracts_give_the_hand_worked_figures(tmp_path):
    """Referrals (period 2017-06, programme start 2016-10-01):
        R1  NHS 4000000004 (int64)  2017-01-10 (date32)  East     age 79.0 (float64)
        R2  NHS 4000000012          2017-04-03           Central  age 90.0
        R3  NHS null                2017-05-20           West     age null, born 1950-06-01 (date32)
    CLD: P1 4000000004 Service from 2016-01-01 (no end) GBP 100.0 Weekly; P1 with a null NHS number, Service from
    2017-03-01 GBP 12.5 Weekly (reached through P1's person id); P2 4000000012 Assessment 2017-04-05 to 2017-04-05.

    3 people, 2 tracked (R1's and R2's numbers are on CLD rows), R3 untracked with no NHS number. R1's person is in
    receipt on 2017-01-09 at GBP 100 a week and on 2017-06-30 at GBP 112.50: increased. R2's has no service: none.
    Ages: 79, 90, and R3 born 1950-06-01 is 66 on 2017-05-20 (birthday not yet come): mean (79 + 90 + 66) / 3 = 78.33.
    """
    referrals = pa.table(
        {
            "referral_id": ["R1", "R2", "R3"],
            "nhs_number": pa.array([4000000004, 4000000012, None], type=pa.int64()),
            "referral_date": days("2017-01-10", "2017-04-03", "2017-05-20"),
            "network": ["East", "Central", "West"],
            "date_of_birth": days(None, None, "1950-06-01"),
            "age": pa.array([79.0, 90.0, None]),
        }
    )
    cld = cld_table(
        {
            "LA Person Unique Identifier": pa.array(["P1", "P1", "P2"]),
            "NHS Number": pa.array([4000000004, None, 4000000012], type=pa.int64()),
            "Event Type": pa.array(["Service", "Service", "Assessment"]),
            "Event Start Date": days("2016-01-01", "2017-03-01", "2017-04-05"),
            "Event End Date": days(None, None, "2017-04-05"),
            "Unit Cost": pa.array([100.0, 12.5, None]),
            "Cost Frequency (Unit Type)": pa.array(["Weekly", "Weekly", ""]),
        }
    )
    pq.write_table(referrals, tmp_path / "referrals.parquet")
    pq.write_table(cld, tmp_path / "cld.parquet")
    figures = figures_for(
        load_params(write_params(tmp_path, "referrals.parquet", "cld.parquet")), parse_period("2017-06")
    )
    assert (figures.referrals, figures.people, figures.tracked) == (3, 3, 2)
    assert figures.untracked_reasons == {"nhs_missing": 1, "nhs_invalid": 0, "not_known_to_asc": 0}
    assert figures.outcomes == {"none": 1, "new": 0, "ended": 0, "increased": 1, "decreased": 0, "unchanged": 0}
    assert (figures.weekly_cost_before, figures.weekly_cost_after) == (100.0, 112.5)
    assert (figures.age["min"], figures.age["max"]) == (66, 90)
    assert figures.age["mean"] == pytest.approx(235 / 3)
    assert figures.quarantined == {}


def test_typed_cld_rows_are_checked_and_listed_as_text(tmp_path):
    """Typed values go through the same row checks as text, and the quarantine listing writes them as text.
    Row 2: cost -5.0 -> negative unit cost, listed as '-5'.
    Row 3: Service with a null cost -> missing or unparseable unit cost.
    Row 4: starts 2017-02-01, ends 2017-01-31 -> service ends before it starts.
    Row 5: starts 1500-01-01 (no day pandas can hold) -> unparseable event_start_date, listed as written.
    Row 6: no start date (null) -> missing event_start_date.
    Row 7: Hourly with null planned units -> no planned units.
    Row 8: Hourly GBP 10.0 x 3.0 planned units -> kept, weekly cost GBP 30.
    Row 9: nothing in any column (null typed cells, blank text) -> a blank row, not data.
    """
    cld = cld_table(
        {
            "LA Person Unique Identifier": pa.array(["P1", "P2", "P3", "P4", "P5", "P6", "P7", ""]),
            "Event Type": pa.array(["Service"] * 7 + [""]),
            "Event Start Date": days(
                "2017-01-01", "2017-01-01", "2017-02-01", "1500-01-01", None, "2017-01-01", "2017-01-01", None
            ),
            "Event End Date": days(None, None, "2017-01-31", None, None, None, None, None),
            "Unit Cost": pa.array([-5.0, None, 100.0, 100.0, 100.0, 10.0, 10.0, None]),
            "Cost Frequency (Unit Type)": pa.array(["Weekly"] * 5 + ["Hourly", "Hourly", ""]),
            "Planned units per week": pa.array([None] * 6 + [3.0, None], type=pa.float64()),
        }
    )
    pq.write_table(cld, tmp_path / "cld.parquet")
    extract = read_asc(load_params(write_params(tmp_path, "referrals.csv", "cld.parquet")))
    assert extract.blank_rows == 1
    listing = extract.quarantined
    assert listing[["_row", "reason"]].values.tolist() == [
        [2, "negative unit cost"],
        [3, "missing or unparseable unit cost"],
        [4, "service ends before it starts"],
        [5, "unparseable event_start_date"],
        [6, "missing event_start_date"],
        [7, "no planned units for an hourly, daily or per-session cost"],
    ]
    assert listing["unit_cost"].tolist() == ["-5", "", "100", "100", "100", "10"]
    assert listing["event_start_date"].tolist() == [
        "2017-01-01",
        "2017-01-01",
        "2017-02-01",
        "1500-01-01",
        "",
        "2017-01-01",
    ]
    assert listing["event_end_date"].tolist() == ["", "", "2017-01-31", "", "", ""]
    kept = extract.kept
    assert kept["weekly_cost"].tolist() == [30.0]


def test_int64_nhs_numbers_are_the_digits_they_are_written_with():
    numbers = pd.Series([4000000004, 4000000005, -4000000004, 123456789, 1111111111], dtype="int64")
    keys, status = nhs_numbers(numbers)
    # -4000000004 written out is "-4000000004", whose hyphen is stripped as in text: valid.
    assert keys.tolist() == [4000000004, -1, 4000000004, -1, -1]
    assert status.tolist() == ["valid", "invalid", "valid", "invalid", "invalid"]


def test_float_nhs_numbers_with_nulls():
    """A Parquet int64 column with nulls arrives as float64: a whole number is its digits, a null is missing,
    a fraction or infinity is never ten digits."""
    numbers = pd.Series([4000000004.0, np.nan, 4000000004.5, np.inf, 4000000012.0])
    keys, status = nhs_numbers(numbers)
    assert keys.tolist() == [4000000004, -1, -1, -1, 4000000012]
    assert status.tolist() == ["valid", "missing", "invalid", "invalid", "valid"]


def test_text_nhs_numbers_keep_their_leading_zero():
    text = pd.Series(["0123456789", "012 345 6789", " 4000000004", "", "1111111111"], dtype="string")
    keys, status = nhs_numbers(text)
    assert keys.tolist() == [123456789, 123456789, 4000000004, -1, -1]
    assert status.tolist() == ["valid", "valid", "valid", "missing", "invalid"]


@pytest.mark.parametrize(
    "stamps, day",
    [
        pytest.param(pd.Series(pd.to_datetime(["2017-06-30 15:45"])), "2017-06-30", id="time-of-day"),
        # 23:30 UTC on 30 June is 00:30 on 1 July in London (summer time): the file's clock shows 1 July.
        pytest.param(
            pd.Series(pd.to_datetime(["2017-06-30 23:30"]).tz_localize("UTC").tz_convert("Europe/London")),
            "2017-07-01",
            id="london-summer-time",
        ),
        pytest.param(pd.Series(np.array(["2017-06-30"], dtype="datetime64[s]")), "2017-06-30", id="seconds"),
    ],
)
def test_typed_timestamps_are_their_day(stamps, day):
    assert parse_dates(stamps).tolist() == [pd.Timestamp(day)]


def test_dates_outside_what_pandas_holds_are_unparseable_as_text_or_typed():
    """1500-01-01 and 2300-01-01 are outside pandas' nanosecond timestamps (1677-09-21 to 2262-04-11): NaT
    (unparseable), never an error, whether written as text or typed."""
    text = pd.Series(["1500-01-01", "01/01/2300", "2017-06-30", ""], dtype="string")
    assert parse_dates(text).isna().tolist() == [True, True, False, True]
    typed = pd.Series(np.array(["1500-01-01", "2300-01-01", "2017-06-30", "NaT"], dtype="datetime64[s]"))
    assert parse_dates(typed).isna().tolist() == [True, True, False, True]
