"""Reading one input file as a table of text: CSV (UTF-8 with or without BOM, or Windows-1252), Excel
`.xlsx` or Parquet. Only this module knows file formats; every cell comes back as text (or a date or
number where the file itself typed it), with the file's own row numbers."""

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from icnreport.errors import InputError

ROW = "_row"
FILE = "_file"
#: A row the file reader could not split into the file's columns; it is quarantined with this text.
FAULT = "_fault"
CSV_DELIMITERS = ",;\t|"
SNIFF_BYTES = 64 * 1024
UTF8_BOM = b"\xef\xbb\xbf"


def read_table(path: Path, sheet: str | None = None) -> pd.DataFrame:
    """All rows of one file, headings as written, with `_file` and `_row` (the row number a person would
    see in the file or sheet: the heading is row 1). Raises InputError for a file that cannot be read."""
    if not path.exists():
        raise InputError(f"{path}: file not found")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a file")
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        frame = _read_excel(path, sheet)
    elif suffix == ".parquet":
        frame = _read_parquet(path)
    elif suffix in {".csv", ".txt", ".tsv"}:
        frame = _read_csv(path)
    else:
        raise InputError(f"{path}: unsupported file type {suffix or '(none)'}; use .csv, .xlsx or .parquet")
    if frame.columns.empty:
        raise InputError(f"{path}: no column headings")
    frame.columns = [str(column).strip() if column not in (ROW, FAULT) else column for column in frame.columns]
    if ROW not in frame.columns:
        frame = frame.assign(**{ROW: np.arange(2, len(frame) + 2)})
    return frame.assign(**{FILE: str(path)})


def _read_csv(path: Path) -> pd.DataFrame:
    """A CSV file read by Arrow's multi-threaded reader, every cell as text. A row with the wrong number of
    fields does not stop the read: it comes back as an empty row whose `_fault` says what was wrong."""
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if not head.removeprefix(UTF8_BOM).strip():  # Excel writes a lone BOM for an empty sheet
        raise InputError(f"{path}: file is empty")
    first_line = _decode(head.removeprefix(UTF8_BOM)).splitlines()[0]
    delimiter = max(CSV_DELIMITERS, key=first_line.count)
    headings = next(csv.reader([first_line], delimiter=delimiter))
    for encoding in ("utf8", "cp1252"):
        try:
            table, faults = _arrow_csv(path, delimiter, len(headings), encoding, threads=True)
            if faults:  # read again in one thread, which numbers the faulty rows
                table, faults = _arrow_csv(path, delimiter, len(headings), encoding, threads=False)
            break
        except pa.ArrowInvalid as error:
            if encoding == "utf8" and "UTF8" in str(error):
                continue  # not UTF-8: Excel's Windows-1252
            raise InputError(f"{path}: not a readable CSV table ({str(error).splitlines()[0]})") from None
    frame = table.to_pandas(types_mapper=_TEXT.get)
    frame.columns = headings
    return _with_faults(frame, faults, len(headings))


_TEXT = {pa.string(): pd.StringDtype("pyarrow"), pa.large_string(): pd.StringDtype("pyarrow")}


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start >= len(data) - 3:  # a character cut at the end of the sniffed block
            return data[: error.start].decode("utf-8")
        return data.decode("cp1252", errors="replace")


def _arrow_csv(path: Path, delimiter: str, width: int, encoding: str, threads: bool) -> tuple[pa.Table, list]:
    faults: list[tuple[int | None, int]] = []

    def wrong_width(row) -> str:
        faults.append((row.number, row.actual_columns))
        return "skip"

    names = [f"column_{i}" for i in range(width)]
    table = pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, encoding=encoding, use_threads=threads),
        parse_options=pacsv.ParseOptions(
            delimiter=delimiter, ignore_empty_lines=False, invalid_row_handler=wrong_width, newlines_in_values=False
        ),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False, quoted_strings_can_be_null=False
        ),
    )
    return table, faults


def _with_faults(frame: pd.DataFrame, faults: list[tuple[int | None, int]], width: int) -> pd.DataFrame:
    """The rows with their physical row numbers, the faulty rows put back in place as empty rows with a fault."""
    if not faults:
        return frame.assign(**{ROW: np.arange(2, len(frame) + 2)})
    bad_rows = np.array(sorted(number for number, _ in faults))
    total = len(frame) + len(bad_rows)
    good_rows = np.setdiff1d(np.arange(2, total + 2), bad_rows)
    blanks = pd.DataFrame("", index=range(len(bad_rows)), columns=frame.columns, dtype="string[pyarrow]")
    fault_text = {number: f"{actual} fields where the heading row has {width}" for number, actual in faults}
    combined = pd.concat([frame.assign(**{ROW: good_rows}), blanks.assign(**{ROW: bad_rows})], ignore_index=True)
    combined[FAULT] = combined[ROW].map(fault_text).astype("string")
    return combined.sort_values(ROW, kind="stable").reset_index(drop=True)


def _read_excel(path: Path, sheet: str | None) -> pd.DataFrame:
    try:
        return pd.read_excel(path, sheet_name=sheet or 0, dtype=object, keep_default_na=False, engine="openpyxl")
    except ValueError as error:
        raise InputError(f"{path}: {str(error).splitlines()[0]}") from None
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise InputError(f"{path}: not a readable Excel workbook ({type(error).__name__})") from None


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except Exception as error:  # pyarrow raises many kinds for a damaged file
        raise InputError(f"{path}: not a readable Parquet file ({type(error).__name__})") from None


def as_text(values: pd.Series) -> pd.Series:
    """Cells as trimmed text ('' for blank); whole numbers typed by Excel or Parquet lose their '.0', and
    dates or timestamps typed by the file become their day, `YYYY-MM-DD`."""
    if pd.api.types.is_datetime64_any_dtype(values):  # a Parquet timestamp, with or without a time zone
        return values.dt.strftime("%Y-%m-%d").astype("string").fillna("")
    if pd.api.types.is_float_dtype(values):
        whole = values.notna() & (values % 1 == 0)
        text = values.astype("string")
        text[whole] = values[whole].astype("int64").astype("string")
        return text.fillna("")
    if values.dtype == object:
        values = values.map(_cell_text)
    return values.astype("string").fillna("").str.strip()


def _cell_text(cell: object) -> object:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.date):  # an Excel or Parquet date cell (datetime is a date too)
        return cell.strftime("%Y-%m-%d")
    return cell
