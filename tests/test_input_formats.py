"""The readers accept what SPEC.md "Inputs" says, end to end: a params YAML and tiny extracts written in a
temporary folder, read through `load_params` and `figures_for`, in every accepted file format and spelling.

Every file below holds the same small cohort (the "standard extract"), and every expected figure is worked
out by hand from SPEC.md's definitions in `STANDARD` and `assert_standard_figures`.

Standard extract, programme_start 2016-10-01, period 2017-06 (period_end 2017-06-30):

    referrals
      R1  NHS 400 000 0004  2017-01-10  Beckenham Café  DOB 1937-01-11 -> age 79 (birthday is the next day)
      R2  NHS 4000000012    03/04/2017  Central         age 90            (3 April 2017, UK order)
      R3  NHS blank         2017-05-20  West            age 70            (a person of its own, nhs_missing)
      R4  NHS 4000000004    2017-02-01  Beckenham Café  DOB 1937-01-11    (R1's person again; not the index)
      R5  NHS 4000000020    2016-09-30  West            age 60            (the day before the programme start)

    CLD
      P1  4000000004  Service     2016-01-01 -> open  GBP 100 Weekly
      P1  (blank)     Service     2017-03-01 -> open  £12.50 Weekly (reached through P1's person id)
      P2  4000000012  Assessment  2017-04-05 -> 2017-04-05

NHS numbers, Modulus 11 by hand (weights 10..2 on digits 1-9; check = 11 - sum mod 11; 11 means 0):
4000000004: 4x10 = 40, 40 mod 11 = 7, 11 - 7 = 4. 4000000012: 40 + 1x2 = 42, 42 mod 11 = 9, check 2.
4000000020: 40 + 2x2 = 44, 44 mod 11 = 0, 11 means 0.

Hence: 4 referrals in the window (R5 is outside), 3 people (R1+R4, R2, R3), 2 tracked, 1 untracked with no NHS
number. The R1 person is in receipt the day before R1 (2017-01-09) at GBP 100 a week and on 2017-06-30 at
GBP 112.50: increased. The R2 person is known to ASC but has no service: none.
"""

import csv
import datetime as dt
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from openpyxl import Workbook

from icnreport.cli import main
from icnreport.errors import InputError, ParamsError
from icnreport.figures import Figures, figures_for
from icnreport.params import load_params
from icnreport.period import parse_period

PERIOD = "2017-06"
NETWORKS = ["Beckenham Café", "Central", "West"]
DAYS_PER_YEAR = 365

REFERRAL_HEADINGS = [
    "referral_id",
    "nhs_number",
    "referral_date",
    "network",
    "date_of_birth",
    "age",
    "gp_practice",
]
#: Referral rows as text, dates in ISO except R2's UK date (3 April 2017) and R1's UK date of birth.
REFERRAL_ROWS = [
    ["R1", "400 000 0004", "2017-01-10", "Beckenham Café", "11/01/1937", "", "Dr Zoë Ávila"],
    ["R2", "4000000012", "03/04/2017", "Central", "", "90", "G85001"],
    ["R3", "", "2017-05-20", "West", "", "70", "G85002"],
    ["R4", "4000000004", "2017-02-01", "Beckenham Café", "1937-01-11", "", "G85001"],
    ["R5", "4000000020", "2016-09-30", "West", "", "60", "G85003"],
]

#: CLD Release 1 raw headings.
CLD_HEADINGS = [
    "LA Person Unique Identifier",
    "NHS Number",
    "Date of Birth",
    "Event Type",
    "Event Start Date",
    "Event End Date",
    "Service Type",
    "Service Component",
    "Unit Cost",
    "Cost Frequency (Unit Type)",
    "Planned units per week",
]
CLD_ROWS = [
    [
        "P1",
        "4000000004",
        "11/01/1937",
        "Service",
        "2016-01-01",
        "",
        "Long Term Support",
        "Home care",
        "100",
        "Weekly",
        "",
    ],
    ["P1", "", "", "Service", "01/03/2017", "", "Long Term Support", "Home care", "£12.50", "Weekly", ""],
    ["P2", "4000000012", "", "Assessment", "2017-04-05", "2017-04-05", "", "", "", "", ""],
]

WEEKLY_BEFORE = 100.0
WEEKLY_AFTER = 112.5
ANNUAL_BEFORE = 100.0 * 365 / 7
ANNUAL_AFTER = 112.5 * 365 / 7
DIFFERENTIAL = 12.5 * 365 / 7

STANDARD = {
    "referrals": 4,
    "people": 3,
    "tracked": 2,
    "untracked": 1,
    "untracked_reasons": {"nhs_missing": 1, "nhs_invalid": 0, "not_known_to_asc": 0},
    "outcomes": {"none": 1, "new": 0, "ended": 0, "increased": 1, "decreased": 0, "unchanged": 0},
    "in_receipt_before": 1,
    "not_in_receipt_before": 1,
    "quarantined": {},
}


# --- writers -------------------------------------------------------------------------------------------


def write_csv(path: Path, headings: list[str], rows: list[list], encoding: str = "utf-8", delimiter: str = ","):
    """A CSV file as Excel or a council system would write it."""
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(headings)
        writer.writerows(rows)
    return path


def write_params(folder: Path, referrals: str, asc: str | list[str], data: dict | None = None, **extra) -> Path:
    """A params YAML beside the extracts; `data` adds keys under `data:`, `extra` at the top level."""
    params = {
        "area": "Bromley",
        "programme_start": dt.date(2016, 10, 1),
        "networks": NETWORKS,
        "data": {"referrals": referrals, "asc": asc, **(data or {})},
        **extra,
    }
    path = folder / "params.yaml"
    path.write_text(yaml.safe_dump(params, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def write_standard_csvs(folder: Path, encoding: str = "utf-8", delimiter: str = ",") -> Path:
    write_csv(folder / "referrals.csv", REFERRAL_HEADINGS, REFERRAL_ROWS, encoding, delimiter)
    write_csv(folder / "cld.csv", CLD_HEADINGS, CLD_ROWS, encoding, delimiter)
    return write_params(folder, "referrals.csv", "cld.csv")


def figures_of(params_path: Path, period: str = PERIOD) -> Figures:
    return figures_for(load_params(params_path), parse_period(period))


def assert_standard_figures(figures: Figures) -> None:
    """The standard extract's figures, worked out by hand (see the module docstring)."""
    for key, expected in STANDARD.items():
        assert getattr(figures, key) == expected, key
    assert figures.period_end == dt.date(2017, 6, 30)
    assert figures.tracking_coverage == pytest.approx(2 / 3)
    assert figures.weekly_cost_before == pytest.approx(WEEKLY_BEFORE)
    assert figures.weekly_cost_after == pytest.approx(WEEKLY_AFTER)
    assert figures.annual_cost_before == pytest.approx(ANNUAL_BEFORE)
    assert figures.annual_cost_after == pytest.approx(ANNUAL_AFTER)
    assert figures.annual_differential == pytest.approx(DIFFERENTIAL)
    # differential x untracked / tracked = differential x 1 / 2
    assert figures.extrapolated_untracked == pytest.approx(DIFFERENTIAL / 2)
    # ages at the index referral: 79 (from the date of birth), 90 and 70
    assert figures.age["mean"] == pytest.approx((79 + 90 + 70) / 3)
    assert (figures.age["min"], figures.age["max"]) == (70, 90)
    assert figures.by_network == {
        "Beckenham Café": {"people": 1, "tracked": 1, "tracking_coverage": 1.0},
        "Central": {"people": 1, "tracked": 1, "tracking_coverage": 1.0},
        "West": {"people": 1, "tracked": 0, "tracking_coverage": 0.0},
    }
    # R2 (03/04/2017) is an April referral: UK order, never US order (which would make it March)
    assert {month: (row["referrals"], row["people"]) for month, row in figures.by_month.items()} == {
        "2017-01": (1, 1),
        "2017-02": (1, 0),
        "2017-04": (1, 1),
        "2017-05": (1, 1),
    }
    ledger = figures.rows["referrals"]
    assert (ledger.read, ledger.used, ledger.outside_window, ledger.quarantined) == (5, 4, 1, 0)
    ledger = figures.rows["asc"]
    assert (ledger.read, ledger.used, ledger.outside_window, ledger.quarantined) == (3, 3, 0, 0)


def one_line_error(capsys, argv: list[str]) -> str:
    """Run the CLI expecting a user error: exit status 2, exactly one line on stderr, no traceback."""
    status = main(argv)
    captured = capsys.readouterr()
    assert status == 2
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err
    return lines[0]


def figures_argv(params_path: Path) -> list[str]:
    return ["figures", "--params", str(params_path), "--period", PERIOD]


# --- CSV encodings and delimiters ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "encoding, delimiter",
    [
        pytest.param("utf-8", ",", id="utf-8"),
        pytest.param("utf-8-sig", ",", id="utf-8-with-bom"),
        pytest.param("cp1252", ",", id="windows-1252"),
        pytest.param("utf-8", ";", id="semicolon"),
        pytest.param("cp1252", ";", id="windows-1252-semicolon"),
    ],
)
def test_csv_encodings_and_delimiters(tmp_path, encoding, delimiter):
    params_path = write_standard_csvs(tmp_path, encoding, delimiter)
    assert_standard_figures(figures_of(params_path))


def test_bom_does_not_hide_the_first_heading(tmp_path):
    """With a BOM before `referral_id`, the first column is still found (a missing one would stop the run)."""
    params_path = write_standard_csvs(tmp_path, "utf-8-sig")
    assert (tmp_path / "referrals.csv").read_bytes().startswith(b"\xef\xbb\xbfreferral_id")
    assert figures_of(params_path).referrals == 4


def test_windows_1252_pound_sign_and_accents(tmp_path):
    """The £ of `£12.50` and the é of `Café` are single bytes 0xA3 and 0xE9 in Windows-1252."""
    params_path = write_standard_csvs(tmp_path, "cp1252")
    assert b"\xa312.50" in (tmp_path / "cld.csv").read_bytes()
    assert b"Beckenham Caf\xe9" in (tmp_path / "referrals.csv").read_bytes()
    figures = figures_of(params_path)
    assert figures.by_network["Beckenham Café"]["people"] == 1
    assert figures.weekly_cost_after == pytest.approx(112.5)


# --- Excel ---------------------------------------------------------------------------------------------


def _excel_cell(text: str, heading: str):
    """Excel-typed cells: real dates for date columns, numbers for NHS numbers, costs and ages."""
    if text == "":
        return None
    if "date" in heading.lower() or heading == "date_of_birth":
        if "/" in text:
            day, month, year = (int(part) for part in text.split("/"))
            return dt.datetime(year, month, day)
        return dt.datetime.fromisoformat(text)
    if "nhs" in heading.lower():
        return int(text.replace(" ", ""))
    if heading in {"age", "Unit Cost"}:
        return float(text.lstrip("£"))
    return text


def write_xlsx(path: Path, sheets: dict[str, tuple[list[str], list[list]]]) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, (headings, rows) in sheets.items():
        sheet = workbook.create_sheet(title)
        sheet.append(headings)
        for row in rows:
            sheet.append([_excel_cell(text, heading) for text, heading in zip(row, headings, strict=True)])
    workbook.save(path)
    return path


def test_xlsx_with_date_cells_numeric_nhs_number_and_named_sheet(tmp_path):
    """Referrals on a second sheet named in `data.referrals_sheet` (the first sheet holds something else),
    dates as Excel date cells, NHS numbers as number cells; the CLD workbook is read from its first sheet."""
    notes = (["referral_id", "referral_date", "network"], [["X1", "2017-01-01", "Nowhere"]] * 3)
    write_xlsx(tmp_path / "referrals.xlsx", {"Notes": notes, "Referrals": (REFERRAL_HEADINGS, REFERRAL_ROWS)})
    write_xlsx(tmp_path / "cld.xlsx", {"CLD": (CLD_HEADINGS, CLD_ROWS), "Other": (["x"], [["y"]])})
    params_path = write_params(tmp_path, "referrals.xlsx", "cld.xlsx", data={"referrals_sheet": "Referrals"})

    from openpyxl import load_workbook

    cell = load_workbook(tmp_path / "referrals.xlsx")["Referrals"]["C2"]
    assert cell.is_date and isinstance(cell.value, dt.datetime)
    assert isinstance(load_workbook(tmp_path / "referrals.xlsx")["Referrals"]["B3"].value, int)
    assert_standard_figures(figures_of(params_path))


def test_xlsx_first_sheet_by_default(tmp_path):
    """Without `referrals_sheet` the first sheet is read: here the notes sheet, whose network is unknown."""
    notes = (["referral_id", "referral_date", "network", "age"], [["X1", "2017-01-01", "Nowhere", "50"]])
    write_xlsx(tmp_path / "referrals.xlsx", {"Notes": notes, "Referrals": (REFERRAL_HEADINGS, REFERRAL_ROWS)})
    write_csv(tmp_path / "cld.csv", CLD_HEADINGS, CLD_ROWS)
    figures = figures_of(write_params(tmp_path, "referrals.xlsx", "cld.csv"))
    assert figures.referrals == 0
    assert figures.quarantined == {"unknown network": 1}


def test_xlsx_missing_named_sheet_is_an_input_error(tmp_path):
    write_xlsx(tmp_path / "referrals.xlsx", {"Referrals": (REFERRAL_HEADINGS, REFERRAL_ROWS)})
    write_csv(tmp_path / "cld.csv", CLD_HEADINGS, CLD_ROWS)
    params_path = write_params(tmp_path, "referrals.xlsx", "cld.csv", data={"referrals_sheet": "Sheet9"})
    with pytest.raises(InputError, match="referrals.xlsx"):
        figures_of(params_path)


# --- Parquet -------------------------------------------------------------------------------------------


def _parquet_dates(column: list[str]) -> pa.Array:
    def to_date(text: str) -> dt.date | None:
        if text == "":
            return None
        if "/" in text:
            day, month, year = (int(part) for part in text.split("/"))
            return dt.date(year, month, day)
        return dt.date.fromisoformat(text)

    return pa.array([to_date(text) for text in column], type=pa.date32())


def write_parquet(path: Path, headings: list[str], rows: list[list]) -> Path:
    columns = {}
    for position, heading in enumerate(headings):
        values = [row[position] for row in rows]
        if "date" in heading.lower():
            columns[heading] = _parquet_dates(values)
        else:
            columns[heading] = pa.array(values, type=pa.string())
    pq.write_table(pa.table(columns), path)
    return path


def test_parquet_with_date_columns(tmp_path):
    write_parquet(tmp_path / "referrals.parquet", REFERRAL_HEADINGS, REFERRAL_ROWS)
    write_parquet(tmp_path / "cld.parquet", CLD_HEADINGS, CLD_ROWS)
    assert pq.read_schema(tmp_path / "referrals.parquet").field("referral_date").type == pa.date32()
    assert_standard_figures(figures_of(write_params(tmp_path, "referrals.parquet", "cld.parquet")))


def test_parquet_numeric_nhs_number_and_age(tmp_path):
    """Whole numbers typed by Parquet (NHS number as int64 with nulls, age as float) are read as digits."""
    table = pa.table(
        {
            "referral_id": ["R1", "R2"],
            "nhs_number": pa.array([4000000004, None], type=pa.int64()),
            "referral_date": _parquet_dates(["2017-01-10", "2017-02-10"]),
            "network": ["Central", "West"],
            "age": pa.array([80.0, None], type=pa.float64()),
        }
    )
    pq.write_table(table, tmp_path / "referrals.parquet")
    write_csv(tmp_path / "cld.csv", CLD_HEADINGS, CLD_ROWS[:1])
    figures = figures_of(write_params(tmp_path, "referrals.parquet", "cld.csv"))
    assert (figures.people, figures.tracked) == (2, 1)
    assert figures.untracked_reasons["nhs_missing"] == 1
    assert (figures.age["min"], figures.age["max"], figures.age["known"]) == (80, 80, 1)


@pytest.mark.parametrize(
    "timestamp",
    [
        pytest.param(pa.array([dt.datetime(2017, 6, 30, 0, 0)], type=pa.timestamp("us")), id="midnight"),
        pytest.param(pa.array([dt.datetime(2017, 6, 30, 15, 45)], type=pa.timestamp("us")), id="time-of-day"),
        pytest.param(pa.array([dt.datetime(2017, 6, 30)], type=pa.timestamp("us", tz="UTC")), id="utc"),
        pytest.param(pa.array([dt.datetime(2017, 6, 30, 9)], type=pa.timestamp("ms", tz="UTC")), id="utc-ms"),
    ],
)
def test_parquet_timestamps_are_their_day(tmp_path, timestamp):
    """A referral stamped on 30 June 2017, at any time of day or with a time zone, is a June referral and in
    the window ending 30 June 2017 (as an Excel date-time cell is)."""
    table = pa.table({"referral_id": ["R1"], "referral_date": timestamp, "network": ["West"], "age": ["70"]})
    pq.write_table(table, tmp_path / "referrals.parquet")
    write_csv(tmp_path / "cld.csv", CLD_HEADINGS, CLD_ROWS)
    figures = figures_of(write_params(tmp_path, "referrals.parquet", "cld.csv"))
    assert figures.quarantined == {}
    assert figures.referrals == 1
    assert list(figures.by_month) == ["2017-06"]


def test_xlsx_date_time_cell_is_its_day(tmp_path):
    rows = [["R1", "", "", "West", "", "", ""]]
    write_xlsx(tmp_path / "referrals.xlsx", {"Referrals": (REFERRAL_HEADINGS, rows)})
    from openpyxl import load_workbook

    workbook = load_workbook(tmp_path / "referrals.xlsx")
    workbook["Referrals"]["C2"] = dt.datetime(2017, 6, 30, 15, 45)
    workbook["Referrals"]["F2"] = 70
    workbook.save(tmp_path / "referrals.xlsx")
    write_csv(tmp_path / "cld.csv", CLD_HEADINGS, CLD_ROWS)
    figures = figures_of(write_params(tmp_path, "referrals.xlsx", "cld.csv"))
    assert (figures.referrals, list(figures.by_month)) == (1, ["2017-06"])


# --- several CLD files ---------------------------------------------------------------------------------


def _write_split_cld(folder: Path) -> None:
    """The CLD rows over two files (as two quarterly returns), the second with other heading spellings."""
    write_csv(folder / "cld_2017q1.csv", CLD_HEADINGS, CLD_ROWS[:1])
    other = [
        "LA_PERSON_UNIQUE_IDENTIFIER",
        "NHS_NUMBER",
        *CLD_HEADINGS[2:9],
        "cost_frequency",
        "planned_units_per_week",
    ]
    write_csv(folder / "cld_2017q2.csv", other, CLD_ROWS[1:])
    write_csv(folder / "referrals.csv", REFERRAL_HEADINGS, REFERRAL_ROWS)


def test_several_cld_files_as_a_list(tmp_path):
    _write_split_cld(tmp_path)
    params_path = write_params(tmp_path, "referrals.csv", ["cld_2017q1.csv", "cld_2017q2.csv"])
    assert_standard_figures(figures_of(params_path))


def test_several_cld_files_as_a_glob(tmp_path):
    _write_split_cld(tmp_path)
    assert_standard_figures(figures_of(write_params(tmp_path, "referrals.csv", "cld_*.csv")))


def test_only_the_listed_cld_file_is_read(tmp_path):
    """One file of the two: the £12.50 row is not read, so the R1 person is unchanged at GBP 100."""
    _write_split_cld(tmp_path)
    figures = figures_of(write_params(tmp_path, "referrals.csv", ["cld_2017q1.csv"]))
    assert figures.rows["asc"].read == 1
    # the R2 person's only CLD row (P2) is in the unread file: not known to ASC
    assert (figures.tracked, figures.untracked_reasons["not_known_to_asc"]) == (1, 1)
    assert figures.outcomes["unchanged"] == 1
    assert figures.weekly_cost_after == pytest.approx(100.0)


def test_glob_matching_nothing_is_a_params_error(tmp_path):
    write_csv(tmp_path / "referrals.csv", REFERRAL_HEADINGS, REFERRAL_ROWS)
    with pytest.raises(ParamsError, match="data.asc"):
        figures_of(write_params(tmp_path, "referrals.csv", "cld_*.csv"))


# --- headings ------------------------------------------------------------------------------------------


def test_headings_in_other_spellings(tmp_path):
    headings = [
        "Referral ID",
        "NHS_NUMBER",
        "Referral-Date",
        "NETWORK",
        "Date Of Birth",
        "Age",
        "GP Practice",
    ]
    write_csv(tmp_path / "referrals.csv", headings, REFERRAL_ROWS)
    cld = ["la person unique identifier", "nhs number", "date of birth", "EVENT_TYPE", "event-start-date"]
    cld += ["Event End Date.", "service type", "service component", "unit_cost", "cost_frequency"]
    cld += ["[Planned Units Per Week]"]
    write_csv(tmp_path / "cld.csv", cld, CLD_ROWS)
    assert_standard_figures(figures_of(write_params(tmp_path, "referrals.csv", "cld.csv")))


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_heading_written_twice_uses_the_first_column(tmp_path, extension):
    """`age` twice (the second with a trailing space): the run goes on, reading the first (ages 90 and 70)."""
    headings = ["referral_id", "referral_date", "network", "age", "age "]
    rows = [["R2", "2017-04-03", "Central", "90", "19"], ["R3", "2017-05-20", "West", "70", "17"]]
    if extension == "csv":
        write_csv(tmp_path / "referrals.csv", headings, rows)
    else:
        write_xlsx(tmp_path / "referrals.xlsx", {"Referrals": (headings, rows)})
    write_csv(tmp_path / "cld.csv", CLD_HEADINGS, CLD_ROWS)
    figures = figures_of(write_params(tmp_path, f"referrals.{extension}", "cld.csv"))
    assert (figures.age["min"], figures.age["max"]) == (70, 90)


def test_params_column_mapping_to_a_local_heading(tmp_path):
    headings = ["Ref", "NHS No.", "Date Received", "Care Network", "date_of_birth", "age", "gp_practice"]
    write_csv(tmp_path / "referrals.csv", headings, REFERRAL_ROWS)
    write_csv(tmp_path / "cld.csv", ["Client ID", *CLD_HEADINGS[1:]], CLD_ROWS)
    columns = {
        "referrals": {"referral_id": "Ref", "referral_date": "date received", "network": "Care Network"},
        "asc": {"person_id": "Client ID"},
    }
    assert_standard_figures(figures_of(write_params(tmp_path, "referrals.csv", "cld.csv", columns=columns)))


def test_mapped_heading_that_is_absent_names_it(tmp_path):
    write_csv(tmp_path / "referrals.csv", REFERRAL_HEADINGS, REFERRAL_ROWS)
    write_csv(tmp_path / "cld.csv", CLD_HEADINGS, CLD_ROWS)
    columns = {"referrals": {"referral_date": "Date Received"}}
    with pytest.raises(InputError) as raised:
        figures_of(write_params(tmp_path, "referrals.csv", "cld.csv", columns=columns))
    message = str(raised.value)
    assert "referrals.csv" in message and "referral_date" in message and "Date Received" in message


def test_cost_frequencies_matched_like_headings(tmp_path):
    """`4 Weekly` is a quarter of the unit cost a week and `Per session` takes the planned units:
    GBP 40 four-weekly = GBP 10 a week, GBP 6 per session x 2.5 = GBP 15 a week;
    `FORTNIGHTLY` GBP 8 = GBP 4 a week."""
    write_csv(tmp_path / "referrals.csv", REFERRAL_HEADINGS, REFERRAL_ROWS[:1])
    rows = [
        ["P1", "4000000004", "", "Service", "2016-01-01", "", "", "", "40", "4 Weekly", ""],
        ["P1", "4000000004", "", "service", "2016-01-01", "", "", "", "6", "Per session", "2.5"],
        ["P1", "4000000004", "", "SERVICE", "2016-01-01", "", "", "", "8", "FORTNIGHTLY", ""],
    ]
    write_csv(tmp_path / "cld.csv", CLD_HEADINGS, rows)
    figures = figures_of(write_params(tmp_path, "referrals.csv", "cld.csv"))
    assert figures.quarantined == {}
    assert figures.weekly_cost_before == pytest.approx(10 + 15 + 4)
    assert figures.outcomes["unchanged"] == 1


# --- dates ---------------------------------------------------------------------------------------------


def _dated_referrals(folder: Path, dates: list[str]) -> Path:
    rows = [[f"R{n}", "", day, "Central", "", "70", ""] for n, day in enumerate(dates, start=1)]
    write_csv(folder / "referrals.csv", REFERRAL_HEADINGS, rows)
    write_csv(folder / "cld.csv", CLD_HEADINGS, CLD_ROWS)
    return write_params(folder, "referrals.csv", "cld.csv")


def test_iso_and_uk_dates_are_the_same_day(tmp_path):
    """3 April 2017 written three ways: all in April."""
    figures = figures_of(_dated_referrals(tmp_path, ["2017-04-03", "03/04/2017", "3/4/2017"]))
    assert figures.referrals == 3
    assert {month: row["referrals"] for month, row in figures.by_month.items()} == {"2017-04": 3}


@pytest.mark.parametrize(
    "period, in_window",
    [("2017-03", 0), ("2017-04", 1)],
)
def test_uk_date_is_day_first_at_the_window_edge(tmp_path, period, in_window):
    """03/04/2017 is 3 April: outside a window ending 31 March 2017, inside one ending 30 April 2017.
    Read as 4 March it would be inside both."""
    figures = figures_of(_dated_referrals(tmp_path, ["03/04/2017"]), period)
    assert figures.referrals == in_window
    assert figures.rows["referrals"].outside_window == 1 - in_window


def test_us_order_and_impossible_dates_are_quarantined(tmp_path):
    """04/13/2017 has no 13th month in UK order, so it is unparseable (never read as 13 April)."""
    figures = figures_of(_dated_referrals(tmp_path, ["04/13/2017", "2017-02-30", "31/04/2017", "2017-04-03"]))
    assert figures.quarantined == {"unparseable referral_date": 3}
    assert figures.referrals == 1


def test_window_includes_programme_start_and_period_end(tmp_path):
    """programme_start <= referral_date <= period_end, both days included."""
    dates = ["2016-09-30", "2016-10-01", "30/06/2017", "2017-07-01"]
    figures = figures_of(_dated_referrals(tmp_path, dates))
    assert figures.referrals == 2
    assert sorted(figures.by_month) == ["2016-10", "2017-06"]


# --- structural errors ---------------------------------------------------------------------------------


def test_missing_required_referral_column(tmp_path):
    headings = [h for h in REFERRAL_HEADINGS if h != "referral_date"]
    rows = [
        [cell for cell, h in zip(row, REFERRAL_HEADINGS, strict=True) if h != "referral_date"] for row in REFERRAL_ROWS
    ]
    write_csv(tmp_path / "referrals.csv", headings, rows)
    write_csv(tmp_path / "cld.csv", CLD_HEADINGS, CLD_ROWS)
    with pytest.raises(InputError) as raised:
        figures_of(write_params(tmp_path, "referrals.csv", "cld.csv"))
    assert "referrals.csv" in str(raised.value) and "referral_date" in str(raised.value)


def test_missing_required_cld_column(tmp_path):
    write_csv(tmp_path / "referrals.csv", REFERRAL_HEADINGS, REFERRAL_ROWS)
    keep = [position for position, heading in enumerate(CLD_HEADINGS) if heading != "Event Type"]
    write_csv(tmp_path / "cld.csv", [CLD_HEADINGS[p] for p in keep], [[row[p] for p in keep] for row in CLD_ROWS])
    with pytest.raises(InputError) as raised:
        figures_of(write_params(tmp_path, "referrals.csv", "cld.csv"))
    message = str(raised.value)
    assert "cld.csv" in message and ("event_type" in message or "Event Type" in message)


def test_missing_age_and_date_of_birth(tmp_path):
    """One of date_of_birth and age is required."""
    headings = ["referral_id", "nhs_number", "referral_date", "network"]
    write_csv(tmp_path / "referrals.csv", headings, [row[:4] for row in REFERRAL_ROWS])
    write_csv(tmp_path / "cld.csv", CLD_HEADINGS, CLD_ROWS)
    with pytest.raises(InputError) as raised:
        figures_of(write_params(tmp_path, "referrals.csv", "cld.csv"))
    message = str(raised.value)
    assert "referrals.csv" in message and "date_of_birth" in message and "age" in message


@pytest.mark.parametrize("missing", ["referrals.csv", "cld.csv"])
def test_missing_file(tmp_path, missing):
    write_standard_csvs(tmp_path)
    (tmp_path / missing).unlink()
    with pytest.raises(InputError, match=missing):
        figures_of(tmp_path / "params.yaml")


@pytest.mark.parametrize("empty", ["referrals.csv", "cld.csv"])
@pytest.mark.parametrize(
    "content",
    [b"", b"\r\n\r\n", b"\xef\xbb\xbf"],
    ids=["no-bytes", "blank-lines", "lone-bom"],  # Excel's "CSV UTF-8" of an empty sheet is a lone BOM
)
def test_empty_file(tmp_path, empty, content):
    write_standard_csvs(tmp_path)
    (tmp_path / empty).write_bytes(content)
    with pytest.raises(InputError, match=empty):
        figures_of(tmp_path / "params.yaml")


def _params_text(tmp_path: Path, text: str) -> Path:
    write_csv(tmp_path / "referrals.csv", REFERRAL_HEADINGS, REFERRAL_ROWS)
    write_csv(tmp_path / "cld.csv", CLD_HEADINGS, CLD_ROWS)
    path = tmp_path / "params.yaml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD_PARAMS = """\
area: Bromley
programme_start: 2016-10-01
networks: [Central, West]
data:
  referrals: referrals.csv
  asc: cld.csv
"""

PARAMS_FAULTS = [
    pytest.param(GOOD_PARAMS + "colour: blue\n", "colour", id="unknown-key"),
    pytest.param(GOOD_PARAMS.replace("  asc: cld.csv", "  asc: cld.csv\n  sheet: One"), "sheet", id="unknown-nested"),
    pytest.param(GOOD_PARAMS.replace("networks: [Central, West]\n", ""), "networks", id="missing-key"),
    pytest.param(GOOD_PARAMS.replace("  asc: cld.csv\n", ""), "asc", id="missing-nested-key"),
    pytest.param(GOOD_PARAMS.replace("2016-10-01", "soon"), "programme_start", id="wrong-type-date"),
    pytest.param(GOOD_PARAMS.replace("[Central, West]", "{Central: 1}"), "networks", id="wrong-type-list"),
    pytest.param(GOOD_PARAMS + "costs:\n  staffing_per_year: lots\n", "staffing_per_year", id="wrong-type-number"),
]


@pytest.mark.parametrize("text, key", PARAMS_FAULTS)
def test_params_faults_name_the_key_and_the_file(tmp_path, text, key):
    path = _params_text(tmp_path, text)
    with pytest.raises(ParamsError) as raised:
        load_params(path)
    message = str(raised.value)
    assert key in message and "params.yaml" in message


def test_good_params_text_is_accepted(tmp_path):
    """The faults above are faults: the same text without them loads and gives figures."""
    figures = figures_of(_params_text(tmp_path, GOOD_PARAMS))
    # R1 and R4 are in the unlisted network Beckenham Café: quarantined; R5 is outside the window
    assert figures.quarantined == {"unknown network": 2}
    assert (figures.referrals, figures.people) == (2, 2)


def test_missing_params_file(tmp_path):
    with pytest.raises(ParamsError, match="nothing.yaml"):
        load_params(tmp_path / "nothing.yaml")


# --- the command line ----------------------------------------------------------------------------------


def test_cli_prints_the_figures(tmp_path, capsys):
    assert main(figures_argv(write_standard_csvs(tmp_path, "cp1252", ";"))) == 0
    figures = json.loads(capsys.readouterr().out)
    assert (figures["referrals"], figures["people"], figures["tracked"]) == (4, 3, 2)
    assert figures["weekly_cost_after"] == pytest.approx(112.5)


@pytest.mark.parametrize("text, key", PARAMS_FAULTS)
def test_cli_params_faults(tmp_path, capsys, text, key):
    line = one_line_error(capsys, figures_argv(_params_text(tmp_path, text)))
    assert key in line and "params.yaml" in line


def test_cli_bad_period(tmp_path, capsys):
    argv = ["figures", "--params", str(write_standard_csvs(tmp_path)), "--period", "2017-13"]
    assert "2017-13" in one_line_error(capsys, argv)


def test_cli_missing_params_file(tmp_path, capsys):
    line = one_line_error(capsys, figures_argv(tmp_path / "nothing.yaml"))
    assert "nothing.yaml" in line


@pytest.mark.parametrize("missing", ["referrals.csv", "cld.csv"])
def test_cli_missing_file(tmp_path, capsys, missing):
    write_standard_csvs(tmp_path)
    (tmp_path / missing).unlink()
    assert missing in one_line_error(capsys, figures_argv(tmp_path / "params.yaml"))


@pytest.mark.parametrize("empty", ["referrals.csv", "cld.csv"])
@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf"], ids=["no-bytes", "lone-bom"])
def test_cli_empty_file(tmp_path, capsys, empty, content):
    write_standard_csvs(tmp_path)
    (tmp_path / empty).write_bytes(content)
    assert empty in one_line_error(capsys, figures_argv(tmp_path / "params.yaml"))


def test_cli_missing_required_column(tmp_path, capsys):
    write_standard_csvs(tmp_path)
    keep = [position for position, heading in enumerate(CLD_HEADINGS) if heading != "Unit Cost"]
    write_csv(tmp_path / "cld.csv", [CLD_HEADINGS[p] for p in keep], [[row[p] for p in keep] for row in CLD_ROWS])
    line = one_line_error(capsys, figures_argv(tmp_path / "params.yaml"))
    assert "cld.csv" in line and ("unit_cost" in line or "Unit Cost" in line)


# --- bad rows in a readable file ---------------------------------------------------------------------


def test_row_with_an_extra_field_is_quarantined_not_fatal(tmp_path):
    """SPEC.md: a single bad row is set aside and does not stop a report. R3's GP written as Smith, Jones
    without quotes gives that row one field too many: R3 is quarantined, the rest are read."""
    rows = [list(row) for row in REFERRAL_ROWS]
    rows[2] = [*rows[2][:6], "Smith", "Jones"]
    write_csv(tmp_path / "referrals.csv", REFERRAL_HEADINGS, rows)
    write_csv(tmp_path / "cld.csv", CLD_HEADINGS, CLD_ROWS)
    figures = figures_of(write_params(tmp_path, "referrals.csv", "cld.csv"))
    assert figures.rows["referrals"].read == 5
    assert figures.rows["referrals"].quarantined == 1
    assert sum(figures.quarantined.values()) == 1
    assert figures.referrals == 3  # R1, R2 and R4 (R5 is outside the window)
    assert (figures.people, figures.untracked_reasons["nhs_missing"]) == (2, 0)
