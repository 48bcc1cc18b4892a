"""Malformed inputs, end to end through the command line (SPEC.md "Inputs" and "Row-level data quality").

Every case writes a small good referrals/CLD pair and a params.yaml into a temporary folder, spoils one
thing, and runs `icnreport figures --params ... --period 2017-06`. A structural fault must end with exit
status 2 and exactly one line on standard error naming the file and the column or key, never a traceback.
A row fault must set the row aside under its reason, with every row of each extract accounted for:
read = used + outside_window + quarantined + blank. What Excel does to files (Windows-1252, a BOM,
semicolons, UTF-16, headings below a title, trailing blank rows, `9.43477E+09`, `£1,250.00`) must read fine.

The good pair, programme_start 2016-10-01, period 2017-06:

    referrals   R1  943 476 5919  2017-01-15  East     80
                R2  4010232137    2017-02-01  West     75
                R3  (blank)       2017-03-01  Central  90
    CLD         P1  9434765919  Service     2016-01-01 -> open        GBP 100 Weekly
                P2  4010232137  Assessment  2017-02-05 -> 2017-02-05

so 3 referrals, 3 people, 2 tracked (R1, R2), 1 untracked with no NHS number; R1's person is in receipt at
GBP 100 a week before and after (unchanged), R2's person has no service (none).
"""

import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook

from icnreport.cli import main
from icnreport.extracts import read_referrals
from icnreport.params import load_params

PERIOD = "2017-06"

REFERRAL_HEADINGS = ["referral_id", "nhs_number", "referral_date", "network", "age"]
REFERRALS = [
    ["R1", "943 476 5919", "2017-01-15", "East", "80"],
    ["R2", "4010232137", "2017-02-01", "West", "75"],
    ["R3", "", "2017-03-01", "Central", "90"],
]
CLD_HEADINGS = [
    "LA Person Unique Identifier",
    "NHS Number",
    "Event Type",
    "Event Start Date",
    "Event End Date",
    "Service Type",
    "Unit Cost",
    "Cost Frequency (Unit Type)",
    "Planned units per week",
]
CLD = [
    ["P1", "9434765919", "Service", "2016-01-01", "", "Home care", "100", "Weekly", ""],
    ["P2", "4010232137", "Assessment", "2017-02-05", "2017-02-05", "", "", "", ""],
]
COLUMN = {heading: position for position, heading in enumerate(CLD_HEADINGS)}

#: The good pair's figures (see the module docstring).
GOOD = {
    "referrals": 3,
    "people": 3,
    "tracked": 2,
    "untracked_reasons": {"nhs_missing": 1, "nhs_invalid": 0, "not_known_to_asc": 0},
    "outcomes": {"none": 1, "new": 0, "ended": 0, "increased": 0, "decreased": 0, "unchanged": 1},
    "weekly_cost_before": 100.0,
    "weekly_cost_after": 100.0,
    "quarantined": {},
}

#: The first bytes of files that are not text: a PNG image, an old Excel (OLE2) workbook.
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


# --- writing a case ------------------------------------------------------------------------------------


def csv_text(headings: list[str], rows: list[list[str]], delimiter: str = ",", above: str = "") -> str:
    """A CSV as Excel saves it: CRLF line ends, quotes only where needed; `above` goes before the headings."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headings)
    writer.writerows(rows)
    return above + out.getvalue()


def referrals_csv(rows: list[list[str]] = REFERRALS, **options) -> bytes:
    return csv_text(REFERRAL_HEADINGS, rows, **options).encode("utf-8")


def cld_csv(rows: list[list[str]] = CLD, **options) -> bytes:
    return csv_text(CLD_HEADINGS, rows, **options).encode("utf-8")


def cld_with(**changes: str) -> bytes:
    """The CLD with P1's service row changed, e.g. `cld_with(**{"Unit Cost": "-5"})`."""
    service = list(CLD[0])
    for heading, value in changes.items():
        service[COLUMN[heading]] = value
    return cld_csv([service, *CLD[1:]])


def referrals_with(*rows: list[str]) -> bytes:
    """The good referrals and more rows after them."""
    return referrals_csv([*REFERRALS, *rows])


def xlsx_bytes(rows: list[list], title: str = "Referrals", blank_after: int = 0) -> bytes:
    """An Excel workbook, one sheet, the rows as given (None is an empty cell)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for _ in range(blank_after):  # rows of single spaces, as left by clearing cells with the space bar
        sheet.append([" "] * len(rows[-1]))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def excel_referrals() -> list[list]:
    """The good referrals as Excel types them: dates as date cells, NHS numbers and ages as numbers."""
    typed = []
    for referral_id, nhs, date, network, age in REFERRALS:
        number = int(nhs.replace(" ", "")) if nhs else None
        typed.append([referral_id, number, dt.datetime.fromisoformat(date), network, int(age)])
    return typed


def write_case(
    folder: Path,
    referrals: bytes | None = None,
    cld: bytes | None = None,
    referrals_name: str = "referrals.csv",
    cld_name: str = "cld.csv",
    data: dict | None = None,
    params_text: str | None = None,
    **extra,
) -> Path:
    """The good pair (or the bytes given; None leaves the good file) and a params.yaml naming them."""
    (folder / referrals_name).write_bytes(referrals_csv() if referrals is None else referrals)
    (folder / cld_name).write_bytes(cld_csv() if cld is None else cld)
    params = {
        "area": "Testshire",
        "programme_start": dt.date(2016, 10, 1),
        "networks": ["East", "Central", "West"],
        "data": {"referrals": referrals_name, "asc": cld_name, **(data or {})},
        **extra,
    }
    path = folder / "params.yaml"
    path.write_text(yaml.safe_dump(params, sort_keys=False) if params_text is None else params_text, encoding="utf-8")
    return path


@dataclass(frozen=True)
class Result:
    status: int
    out: str
    err: str


def run(capsys, params: Path, period: str = PERIOD, strict: bool = False) -> Result:
    status = main(["figures", "--params", str(params), "--period", period, *(["--strict"] if strict else [])])
    captured = capsys.readouterr()
    return Result(status, captured.out, captured.err)


def assert_reconciles(figures: dict) -> None:
    """SPEC.md: every input row ends in exactly one place."""
    for source, ledger in figures["rows"].items():
        accounted = ledger["used"] + ledger["outside_window"] + ledger["quarantined"] + ledger["blank"]
        assert ledger["read"] == accounted, source
        assert min(ledger.values()) >= 0, source


def figures_of(result: Result) -> dict:
    assert result.status == 0, result.err
    assert result.err == ""
    figures = json.loads(result.out)
    assert_reconciles(figures)
    return figures


def assert_one_line_error(result: Result, *names: str, status: int = 2) -> str:
    assert result.status == status, result
    assert result.out == ""
    assert "Traceback" not in result.err
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    for name in names:
        assert name in lines[0], f"{name!r} not in {lines[0]!r}"
    return lines[0]


def assert_good(figures: dict, **changes) -> None:
    """The good pair's figures, but for the changes named."""
    for key, expected in {**GOOD, **changes}.items():
        assert figures[key] == expected, key


# --- structural faults: exit status 2, one line naming the file and the column or key --------------------


def _xlsx_renamed_csv(folder: Path) -> Path:
    return write_case(folder, referrals=xlsx_bytes([REFERRAL_HEADINGS, *REFERRALS]))


def _corrupt_xlsx(folder: Path) -> Path:
    good = xlsx_bytes([REFERRAL_HEADINGS, *REFERRALS])
    return write_case(folder, referrals=good[: len(good) // 2], referrals_name="referrals.xlsx")


def _zip_named_csv(folder: Path) -> Path:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("referrals.csv", referrals_csv())
    return write_case(folder, referrals=out.getvalue())


def _folder_not_file(folder: Path) -> Path:
    params = write_case(folder)
    (folder / "cld.csv").unlink()
    (folder / "cld.csv").mkdir()
    return params


def _missing_file(name: str) -> Callable[[Path], Path]:
    def case(folder: Path) -> Path:
        params = write_case(folder)
        (folder / name).unlink()
        return params

    return case


def _without_referral_column(heading: str) -> bytes:
    keep = [position for position, name in enumerate(REFERRAL_HEADINGS) if name != heading]
    return csv_text([REFERRAL_HEADINGS[p] for p in keep], [[row[p] for p in keep] for row in REFERRALS]).encode()


GOOD_PARAMS = """\
area: Testshire
programme_start: 2016-10-01
networks: [East, Central, West]
data:
  referrals: referrals.csv
  asc: cld.csv
"""


def _params(text: str) -> Callable[[Path], Path]:
    return lambda folder: write_case(folder, params_text=text)


STRUCTURAL = [
    # files that are not there, or hold nothing
    pytest.param(_missing_file("referrals.csv"), ["referrals.csv", "not found"], id="referrals-missing"),
    pytest.param(_missing_file("cld.csv"), ["cld.csv", "not found"], id="cld-missing"),
    pytest.param(_folder_not_file, ["cld.csv", "folder"], id="folder-not-file"),
    pytest.param(lambda f: write_case(f, cld=b""), ["cld.csv", "empty"], id="empty-file"),
    pytest.param(lambda f: write_case(f, cld=b"\xef\xbb\xbf\r\n\r\n"), ["cld.csv", "empty"], id="bom-and-blank-lines"),
    # files that are not tables
    pytest.param(lambda f: write_case(f, cld=PNG), ["cld.csv", "not a readable CSV table"], id="png-named-csv"),
    pytest.param(_zip_named_csv, ["referrals.csv", "not a readable CSV table"], id="zip-named-csv"),
    pytest.param(_xlsx_renamed_csv, ["referrals.csv", "not a readable CSV table", "Excel"], id="xlsx-named-csv"),
    pytest.param(
        lambda f: write_case(f, referrals=referrals_csv(), referrals_name="referrals.xlsx"),
        ["referrals.xlsx", "not a readable Excel workbook"],
        id="csv-named-xlsx",
    ),
    pytest.param(_corrupt_xlsx, ["referrals.xlsx", "not a readable Excel workbook"], id="corrupt-xlsx"),
    pytest.param(
        lambda f: write_case(f, referrals=OLE2, referrals_name="referrals.xls"),
        ["referrals.xls", "save it as .xlsx or CSV"],
        id="old-excel-xls",
    ),
    pytest.param(
        lambda f: write_case(f, referrals=OLE2),
        ["referrals.csv", "not a readable CSV table", "save it as .xlsx or CSV"],
        id="xls-named-csv",
    ),
    pytest.param(
        lambda f: write_case(f, referrals=referrals_csv().decode().encode("utf-16-le")),
        ["referrals.csv", "UTF-16", "byte-order mark"],
        id="utf-16-without-bom",
    ),
    pytest.param(
        lambda f: write_case(f, referrals=referrals_csv(), referrals_name="referrals.parquet"),
        ["referrals.parquet", "not a readable Parquet file"],
        id="csv-named-parquet",
    ),
    pytest.param(
        lambda f: write_case(f, referrals=b"{}", referrals_name="referrals.json"),
        ["referrals.json", ".json"],
        id="unsupported-file-type",
    ),
    pytest.param(
        lambda f: write_case(f, referrals=referrals_csv().replace(b"West", b"W\x81st")),
        ["referrals.csv", "UTF-8", "Windows-1252"],
        id="neither-utf8-nor-windows-1252",
    ),
    pytest.param(
        lambda f: write_case(
            f,
            referrals=xlsx_bytes([REFERRAL_HEADINGS, *REFERRALS]),
            referrals_name="referrals.xlsx",
            data={"referrals_sheet": "Sheet9"},
        ),
        ["referrals.xlsx", "Sheet9"],
        id="sheet-not-in-workbook",
    ),
    pytest.param(
        lambda f: write_case(f, referrals=xlsx_bytes([[None]]), referrals_name="referrals.xlsx"),
        ["referrals.xlsx", "empty"],
        id="empty-sheet",
    ),
    # headings
    pytest.param(
        lambda f: write_case(f, referrals=_without_referral_column("network")),
        ["referrals.csv", "network"],
        id="missing-required-column",
    ),
    pytest.param(
        lambda f: write_case(f, cld=cld_csv().replace(b"Unit Cost,", b"Cost,")),
        ["cld.csv", "unit_cost", "Unit Cost"],
        id="missing-cld-column",
    ),
    pytest.param(
        lambda f: write_case(f, referrals=_without_referral_column("age")),
        ["referrals.csv", "date_of_birth", "age"],
        id="neither-age-nor-date-of-birth",
    ),
    pytest.param(
        lambda f: write_case(f, referrals=referrals_csv().replace(b"nhs_number", b"Date of Referral")),
        ["referrals.csv", "referral_date", "Date of Referral"],
        id="two-headings-for-one-column",
    ),
    pytest.param(
        lambda f: write_case(f, columns={"referrals": {"network": "ICN Name"}}),
        ["referrals.csv", "network", "ICN Name"],
        id="mapped-heading-absent",
    ),
    pytest.param(
        lambda f: write_case(f, referrals=b"ICN referrals, June 2017\r\n\r\nExported by the ICN hub\r\n"),
        ["referrals.csv", "referral_id"],
        id="title-but-no-headings",
    ),
    # params
    pytest.param(_params(GOOD_PARAMS + "colour: blue\n"), ["params.yaml", "colour"], id="params-unknown-key"),
    pytest.param(
        _params(GOOD_PARAMS.replace("  asc: cld.csv", "  asc: cld.csv\n  sheet: One")),
        ["params.yaml", "data.sheet"],
        id="params-unknown-nested-key",
    ),
    pytest.param(
        _params(GOOD_PARAMS.replace("networks: [East, Central, West]\n", "")),
        ["params.yaml", "networks"],
        id="params-missing-key",
    ),
    pytest.param(
        _params(GOOD_PARAMS.replace("2016-10-01", "soon")), ["params.yaml", "programme_start"], id="params-wrong-type"
    ),
    pytest.param(
        _params(GOOD_PARAMS + "costs:\n  staffing_per_year: lots\n"),
        ["params.yaml", "costs.staffing_per_year"],
        id="params-wrong-type-number",
    ),
    pytest.param(_params(GOOD_PARAMS + "strict: [yes\n"), ["params.yaml", "YAML"], id="params-not-yaml"),
    pytest.param(_params("- a list\n- not a mapping\n"), ["params.yaml", "mapping"], id="params-not-a-mapping"),
    pytest.param(_params(""), ["params.yaml", "mapping"], id="params-empty"),
    pytest.param(
        _params(GOOD_PARAMS + "columns:\n  referrals:\n    colour: Colour\n"),
        ["params.yaml", "colour"],
        id="params-unknown-column",
    ),
    pytest.param(
        _params(GOOD_PARAMS.replace("asc: cld.csv", "asc: cld_*.csv")),
        ["params.yaml", "data.asc", "cld_*.csv"],
        id="params-glob-matches-nothing",
    ),
    pytest.param(lambda f: f / "no-such-params.yaml", ["no-such-params.yaml", "not found"], id="params-file-missing"),
]


@pytest.mark.parametrize("case, names", STRUCTURAL)
def test_structural_fault_is_one_line_naming_the_file(tmp_path, capsys, case, names):
    assert_one_line_error(run(capsys, case(tmp_path)), *names)


@pytest.mark.parametrize(
    "period, names",
    [
        pytest.param("2017-13", ["2017-13", "YYYY-MM"], id="month-13"),
        pytest.param("June", ["June", "YYYY-MM"], id="month-name"),
        pytest.param("2017-6", ["2017-6", "YYYY-MM"], id="one-digit-month"),
        pytest.param("2016-09", ["2016-09", "programme start"], id="before-programme-start"),
    ],
)
def test_bad_period_is_one_line(tmp_path, capsys, period, names):
    assert_one_line_error(run(capsys, write_case(tmp_path), period=period), *names)


def test_period_of_the_programme_start_is_not_a_fault(tmp_path, capsys):
    """October 2016 holds the programme start (1 October): a period, with no referrals in it yet."""
    figures = figures_of(run(capsys, write_case(tmp_path), period="2016-10"))
    assert (figures["referrals"], figures["rows"]["referrals"]["outside_window"]) == (0, 3)


# --- strict mode -----------------------------------------------------------------------------------------


def test_strict_fails_on_a_quarantined_row(tmp_path, capsys):
    params = write_case(tmp_path, referrals=referrals_with(["R4", "", "2017-04-01", "North", "70"]))
    line = assert_one_line_error(run(capsys, params, strict=True), "strict", "unknown network: 1", status=3)
    assert "1 input rows quarantined" in line


def test_strict_in_the_params_fails_on_a_quarantined_row(tmp_path, capsys):
    params = write_case(tmp_path, cld=cld_with(**{"Unit Cost": "-100"}), strict=True)
    assert_one_line_error(run(capsys, params), "negative unit cost: 1", status=3)


def test_strict_passes_when_nothing_is_quarantined(tmp_path, capsys):
    assert_good(figures_of(run(capsys, write_case(tmp_path), strict=True)))


# --- Excel's habits, and other files that must read fine ----------------------------------------------


def _windows_1252(folder: Path) -> Path:
    """Excel's "CSV (Comma delimited)": Windows-1252, where é is 0xE9 and £ is 0xA3."""
    referrals = [[*row[:4], row[4]] for row in REFERRALS]
    referrals_text = csv_text([*REFERRAL_HEADINGS, "gp_practice"], [[*row, "Dr Ménière"] for row in referrals])
    cld_rows = [list(row) for row in CLD]
    cld_rows[0][COLUMN["Service Type"]] = "Ménière clinic"
    cld_rows[0][COLUMN["Unit Cost"]] = "£1,250.00"
    cld_bytes = csv_text(CLD_HEADINGS, cld_rows).encode("cp1252")
    assert b"M\xe9ni\xe8re" in cld_bytes and b"\xa31,250.00" in cld_bytes
    return write_case(folder, referrals=referrals_text.encode("cp1252"), cld=cld_bytes)


def _utf16(delimiter: str) -> Callable[[Path], Path]:
    """Excel's "Unicode Text": UTF-16 little-endian with a BOM, tab delimited; a £ cost in it."""

    def case(folder: Path) -> Path:
        cld_rows = [list(row) for row in CLD]
        cld_rows[0][COLUMN["Unit Cost"]] = "£1,250.00"
        cld_bytes = csv_text(CLD_HEADINGS, cld_rows, delimiter=delimiter).encode("utf-16")
        assert cld_bytes.startswith(b"\xff\xfe")
        return write_case(
            folder, referrals=csv_text(REFERRAL_HEADINGS, REFERRALS, delimiter).encode("utf-16"), cld=cld_bytes
        )

    return case


def _headings_on_row_3_xlsx(folder: Path) -> Path:
    rows = [["ICN referrals to 30 June 2017"], [], REFERRAL_HEADINGS, *excel_referrals()]
    return write_case(folder, referrals=xlsx_bytes(rows), referrals_name="referrals.xlsx")


def _headings_on_row_3_csv(folder: Path) -> Path:
    above = "ICN referrals to 30 June 2017,,,,\r\n\r\n"
    cld_above = "Client Level Data; Q1 2017-18\r\n\r\n"
    return write_case(
        folder,
        referrals=referrals_csv(above=above),
        cld=csv_text(CLD_HEADINGS, CLD, delimiter=";", above=cld_above).encode("cp1252"),
    )


def _trailing_blank_rows_xlsx(folder: Path) -> Path:
    """Below the data, an empty row and two rows of single spaces: three blank rows."""
    rows = [REFERRAL_HEADINGS, *excel_referrals(), [None] * 5]
    return write_case(folder, referrals=xlsx_bytes(rows, blank_after=2), referrals_name="referrals.xlsx")


def _nhs_number_as_excel_shows_it(folder: Path) -> Path:
    rows = [list(row) for row in REFERRALS]
    rows[1][1] = "4.01023E+09"  # R2's 4010232137, as Excel displays (and saves) a long number
    return write_case(folder, referrals=referrals_csv(rows))


def _excel_date_time(folder: Path) -> Path:
    rows = [list(row) for row in REFERRALS]
    rows[0][2] = "2017-01-05 00:00:00"
    cld_rows = [list(row) for row in CLD]
    cld_rows[0][COLUMN["Event Start Date"]] = "2016-01-01 00:00:00"
    return write_case(folder, referrals=referrals_csv(rows), cld=cld_csv(cld_rows))


READ_FINE = [
    pytest.param(_windows_1252, {"weekly_cost_before": 1250.0, "weekly_cost_after": 1250.0}, id="windows-1252"),
    pytest.param(
        lambda f: write_case(f, referrals=b"\xef\xbb\xbf" + referrals_csv(), cld=b"\xef\xbb\xbf" + cld_csv()),
        {},
        id="utf-8-with-bom",
    ),
    pytest.param(
        lambda f: write_case(f, referrals=referrals_csv(delimiter=";"), cld=cld_csv(delimiter=";")),
        {},
        id="semicolon-delimited",
    ),
    pytest.param(
        lambda f: write_case(f, referrals=referrals_csv(delimiter="\t"), cld=cld_csv(delimiter="\t")),
        {},
        id="tab-delimited",
    ),
    pytest.param(_utf16("\t"), {"weekly_cost_before": 1250.0, "weekly_cost_after": 1250.0}, id="utf-16-unicode-text"),
    pytest.param(_utf16(","), {"weekly_cost_before": 1250.0, "weekly_cost_after": 1250.0}, id="utf-16-comma"),
    pytest.param(
        _nhs_number_as_excel_shows_it,
        {
            "tracked": 1,
            "untracked_reasons": {"nhs_missing": 1, "nhs_invalid": 1, "not_known_to_asc": 0},
            "outcomes": {"none": 0, "new": 0, "ended": 0, "increased": 0, "decreased": 0, "unchanged": 1},
        },
        id="nhs-number-in-excel-notation",
    ),
    pytest.param(_headings_on_row_3_xlsx, {}, id="xlsx-headings-on-row-3"),
    pytest.param(_headings_on_row_3_csv, {}, id="csv-headings-on-row-3"),
    pytest.param(
        lambda f: write_case(f, cld=cld_with(**{"Unit Cost": "£1,250.00"})),
        {"weekly_cost_before": 1250.0, "weekly_cost_after": 1250.0},
        id="pound-sign-and-thousands",
    ),
    pytest.param(_excel_date_time, {}, id="date-with-midnight-time"),
    pytest.param(
        lambda f: write_case(f, referrals=referrals_csv().replace(b"referral_id,", b"Referral ID,")),
        {},
        id="heading-in-another-spelling",
    ),
    pytest.param(
        lambda f: write_case(
            f, referrals=xlsx_bytes([REFERRAL_HEADINGS, *excel_referrals()]), referrals_name="referrals.xlsx"
        ),
        {},
        id="xlsx-typed-cells",
    ),
    pytest.param(
        lambda f: write_case(
            f,
            referrals=xlsx_bytes([REFERRAL_HEADINGS, *excel_referrals()], title="ICN Referrals"),
            referrals_name="referrals.xlsx",
            data={"referrals_sheet": "icn referrals"},  # Excel's sheet names ignore case
        ),
        {},
        id="xlsx-named-sheet",
    ),
    pytest.param(
        lambda f: write_case(f, cld=cld_csv().replace(b"Home care", b"Home\x00care\x00")),
        {},
        id="stray-nul-bytes-are-still-text",
    ),
]


@pytest.mark.parametrize("case, changes", READ_FINE)
def test_excel_habits_read_fine(tmp_path, capsys, case, changes):
    figures = figures_of(run(capsys, case(tmp_path)))
    assert_good(figures, **changes)
    assert figures["rows"]["referrals"]["read"] == len(REFERRALS)
    assert figures["rows"]["asc"]["read"] == len(CLD)


@pytest.mark.parametrize(
    "case, blank",
    [
        pytest.param(lambda f: write_case(f, referrals=referrals_csv() + b",,,,\r\n" * 3), 3, id="csv-commas"),
        pytest.param(lambda f: write_case(f, referrals=referrals_csv() + b"\r\n\r\n"), 2, id="csv-empty-lines"),
        pytest.param(lambda f: write_case(f, referrals=referrals_csv() + b" , ,,,\r\n"), 1, id="csv-spaces"),
        pytest.param(lambda f: write_case(f, referrals=referrals_csv() + b",,\r\n,\r\n"), 2, id="csv-short-rows"),
        pytest.param(_trailing_blank_rows_xlsx, 3, id="xlsx"),
    ],
)
def test_trailing_blank_rows_are_counted_as_blank(tmp_path, capsys, case, blank):
    figures = figures_of(run(capsys, case(tmp_path)))
    assert_good(figures)
    ledger = figures["rows"]["referrals"]
    assert (ledger["blank"], ledger["quarantined"], ledger["used"]) == (blank, 0, len(REFERRALS))


def test_a_blank_line_between_rows_is_blank(tmp_path, capsys):
    text = referrals_csv().replace(b"\r\nR2", b"\r\n\r\nR2")
    figures = figures_of(run(capsys, write_case(tmp_path, referrals=text)))
    assert_good(figures)
    assert figures["rows"]["referrals"]["blank"] == 1


@pytest.mark.parametrize("extract", ["referrals", "cld"])
def test_headings_only_is_zero_rows(tmp_path, capsys, extract):
    """A file with its headings and no rows is read: an extract with nothing in it yet."""
    empty = {"referrals": referrals_csv([])} if extract == "referrals" else {"cld": cld_csv([])}
    figures = figures_of(run(capsys, write_case(tmp_path, **empty)))
    ledger = figures["rows"]["referrals" if extract == "referrals" else "asc"]
    assert ledger == {"read": 0, "used": 0, "outside_window": 0, "quarantined": 0, "blank": 0}
    if extract == "referrals":
        assert (figures["referrals"], figures["people"], figures["tracked"]) == (0, 0, 0)
    else:
        assert (figures["people"], figures["tracked"]) == (3, 0)
        assert figures["untracked_reasons"] == {"nhs_missing": 1, "nhs_invalid": 0, "not_known_to_asc": 2}


def test_headings_without_a_line_end(tmp_path, capsys):
    params = write_case(tmp_path, referrals=",".join(REFERRAL_HEADINGS).encode())
    figures = figures_of(run(capsys, params))
    assert (figures["referrals"], figures["people"], figures["rows"]["referrals"]["read"]) == (0, 0, 0)


def test_xlsx_headings_only(tmp_path, capsys):
    params = write_case(tmp_path, referrals=xlsx_bytes([REFERRAL_HEADINGS]), referrals_name="referrals.xlsx")
    figures = figures_of(run(capsys, params))
    assert (figures["referrals"], figures["people"], figures["rows"]["referrals"]["read"]) == (0, 0, 0)


# --- headings below a title: row numbers stay those a person sees -------------------------------------


def test_rows_above_the_headings_of_a_sheet_are_not_data(tmp_path, capsys):
    """Headings on row 3; R2's network unknown on row 5 of the sheet: it is quarantined as row 5."""
    typed = excel_referrals()
    typed[1][3] = "North"
    rows = [["ICN referrals to 30 June 2017"], [], REFERRAL_HEADINGS, *typed]
    params = write_case(tmp_path, referrals=xlsx_bytes(rows), referrals_name="referrals.xlsx")
    quarantined = read_referrals(load_params(params)).quarantined
    assert quarantined[["_row", "reason"]].values.tolist() == [[5, "unknown network"]]
    figures = figures_of(run(capsys, params))
    assert figures["rows"]["referrals"] == {"read": 3, "used": 2, "outside_window": 0, "quarantined": 1, "blank": 0}


def test_rows_above_the_headings_of_a_csv_are_not_data(tmp_path, capsys):
    """Headings on line 3 below a title and a blank line; R2 with an unquoted comma on line 5 and R3 with an
    unknown network on line 6: each quarantined under the line number a person sees."""
    rows = [list(row) for row in REFERRALS]
    rows[2][3] = "North"
    text = csv_text(REFERRAL_HEADINGS, rows, above="ICN referrals to 30 June 2017\r\n\r\n")
    text = text.replace("R2,4010232137,", "R2,4010232137,Smith, Jones,")
    params = write_case(tmp_path, referrals=text.encode())
    quarantined = read_referrals(load_params(params)).quarantined
    assert quarantined[["_row", "reason"]].values.tolist() == [[5, "wrong number of fields"], [6, "unknown network"]]
    figures = figures_of(run(capsys, params))
    assert figures["rows"]["referrals"] == {"read": 3, "used": 1, "outside_window": 0, "quarantined": 2, "blank": 0}


def test_a_title_that_looks_like_a_heading_does_not_win(tmp_path, capsys):
    """A title line holding one heading word ("Network") is not the heading row: the row holding the most
    headings is."""
    text = referrals_csv(above="Network referrals\r\nNetwork,,,,\r\n")
    figures = figures_of(run(capsys, write_case(tmp_path, referrals=text)))
    assert_good(figures)


# --- row faults: quarantined by reason, other rows used --------------------------------------------------

HOURLY = {"Cost Frequency (Unit Type)": "Hourly", "Planned units per week": ""}

ROW_FAULTS = [
    pytest.param(
        lambda f: write_case(f, referrals=referrals_with(["R4", "", "soon", "East", "70"])),
        {"unparseable referral_date": 1},
        4,
        id="unparseable-date",
    ),
    pytest.param(
        lambda f: write_case(f, referrals=referrals_with(["R4", "", "06/31/2017", "East", "70"])),
        {"unparseable referral_date": 1},
        4,
        id="us-order-date",
    ),
    pytest.param(
        lambda f: write_case(f, referrals=referrals_with(["R4", "", "", "East", "70"])),
        {"missing referral_date": 1},
        4,
        id="missing-date",
    ),
    pytest.param(
        lambda f: write_case(f, referrals=referrals_with(["R4", "", "2017-04-01", "North", "70"])),
        {"unknown network": 1},
        4,
        id="unknown-network",
    ),
    pytest.param(
        lambda f: write_case(f, referrals=referrals_with(["R3", "", "2017-04-01", "East", "70"])),
        {"duplicate referral_id": 1},
        4,
        id="duplicate-referral-id",
    ),
    pytest.param(
        lambda f: write_case(f, referrals=referrals_with(["", "", "2017-04-01", "East", "70"])),
        {"missing referral_id": 1},
        4,
        id="missing-referral-id",
    ),
    pytest.param(
        lambda f: write_case(f, referrals=referrals_csv().replace(b"R3,,", b"R3,Smith, Jones,")),
        {"wrong number of fields": 1},
        3,
        id="unquoted-comma",
    ),
    pytest.param(
        lambda f: write_case(f, referrals=referrals_with(["R4", "", "2017-04-01"])),
        {"wrong number of fields": 1},
        4,
        id="too-few-fields",
    ),
    pytest.param(
        lambda f: write_case(f, cld=cld_with(**{"Event End Date": "2015-12-31"})),
        {"service ends before it starts": 1},
        3,
        id="service-ends-before-start",
    ),
    pytest.param(
        lambda f: write_case(f, cld=cld_with(**{"Unit Cost": "-100"})), {"negative unit cost": 1}, 3, id="negative-cost"
    ),
    pytest.param(
        lambda f: write_case(f, cld=cld_with(**{"Unit Cost": "one hundred"})),
        {"missing or unparseable unit cost": 1},
        3,
        id="text-cost",
    ),
    pytest.param(
        lambda f: write_case(f, cld=cld_with(**{"Cost Frequency (Unit Type)": "Biweekly"})),
        {"unknown cost frequency": 1},
        3,
        id="unknown-frequency",
    ),
    pytest.param(
        lambda f: write_case(f, cld=cld_with(**HOURLY)),
        {"no planned units for an hourly, daily or per-session cost": 1},
        3,
        id="hourly-without-planned-units",
    ),
    pytest.param(
        lambda f: write_case(f, cld=cld_with(**{"LA Person Unique Identifier": ""})),
        {"missing person id": 1},
        3,
        id="missing-person-id",
    ),
    pytest.param(
        lambda f: write_case(f, cld=cld_with(**{"Event Type": "Visit"})),
        {"unknown event type": 1},
        3,
        id="unknown-event-type",
    ),
    pytest.param(
        lambda f: write_case(f, cld=cld_with(**{"Event Start Date": "31/02/2016"})),
        {"unparseable event_start_date": 1},
        3,
        id="impossible-start-date",
    ),
    pytest.param(
        lambda f: write_case(f, cld=cld_csv().replace(b"Home care,100", b"Home care,1,250.00")),
        {"wrong number of fields": 1},
        3,
        id="unquoted-thousands-separator",
    ),
]


def _excel_error_values(folder: Path) -> Path:
    """Cells holding Excel's error values, as a formula left them: #VALUE! in a date, #N/A in a network. The
    reader sees an error cell as empty, so the date is missing."""
    typed = excel_referrals()
    typed[0][2] = "#VALUE!"
    typed[1][3] = "#N/A"
    return write_case(folder, referrals=xlsx_bytes([REFERRAL_HEADINGS, *typed]), referrals_name="referrals.xlsx")


ROW_FAULTS.append(
    pytest.param(_excel_error_values, {"missing referral_date": 1, "unknown network": 1}, 3, id="xlsx-error-values")
)


@pytest.mark.parametrize("case, quarantined, referral_rows", ROW_FAULTS)
def test_row_fault_is_quarantined_and_the_rest_used(tmp_path, capsys, case, quarantined, referral_rows):
    """The bad row is set aside under its reason; every other row (all in the window) is used."""
    figures = figures_of(run(capsys, case(tmp_path)))
    assert figures["quarantined"] == quarantined
    read = {"referrals": referral_rows, "asc": len(CLD)}
    for source, ledger in figures["rows"].items():
        assert ledger["read"] == read[source], source
        assert ledger["used"] == ledger["read"] - ledger["quarantined"], source
    assert sum(ledger["quarantined"] for ledger in figures["rows"].values()) == sum(quarantined.values())
    assert figures["referrals"] == figures["rows"]["referrals"]["used"]
