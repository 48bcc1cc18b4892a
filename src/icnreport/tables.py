"""Reading one input file as a table of text: CSV (UTF-8 with or without BOM, or Windows-1252), Excel
`.xlsx` or Parquet. Only this module knows file formats; every cell comes back as text (or a date or
number where the file itself typed it), with the file's own row numbers."""

import csv
import datetime as dt
from pathlib import Path

import pandas as pd

from icnreport.errors import InputError

ROW = "_row"
FILE = "_file"
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
    frame.columns = [str(column).strip() for column in frame.columns]
    return frame.assign(**{FILE: str(path), ROW: range(2, len(frame) + 2)})


def _read_csv(path: Path) -> pd.DataFrame:
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if not head.removeprefix(UTF8_BOM).strip():  # Excel writes a lone BOM for an empty sheet
        raise InputError(f"{path}: file is empty")
    encoding = _encoding(path)
    first_line = head.decode(encoding, errors="replace").splitlines()[0]
    delimiter = max(CSV_DELIMITERS, key=first_line.count)
    try:
        return pd.read_csv(
            path,
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            encoding=encoding,
            skip_blank_lines=False,
            quoting=csv.QUOTE_MINIMAL,
        )
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as error:
        raise InputError(f"{path}: not a readable CSV table ({str(error).splitlines()[0]})") from None


def _encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as UTF-8, else Windows-1252 (Excel's CSV)."""
    try:
        with path.open("r", encoding="utf-8-sig") as handle:
            while handle.read(1 << 20):
                pass
        return "utf-8-sig"
    except UnicodeDecodeError:
        return "cp1252"


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
