"""Reading one input file as a table of text: CSV (UTF-8 with or without BOM, UTF-16 with a BOM, or
Windows-1252), Excel `.xlsx` or Parquet. Only this module knows file formats; every cell comes back as text
(or a date or number where the file itself typed it), with the file's own row numbers. Headings may sit
below a title and notes, as people lay out a sheet: they are looked for in the first rows."""

import csv
import datetime as dt
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from icnreport.distinct import arrow_text
from icnreport.errors import InputError
from icnreport.headings import normalise_heading

ROW = "_row"
FILE = "_file"
#: A row the file reader could not split into the file's columns; it is quarantined with this text.
FAULT = "_fault"
CSV_DELIMITERS = ",;\t|"
SNIFF_BYTES = 64 * 1024
#: Headings are looked for in this many rows at the top of a file or sheet (below a title, notes, blanks).
HEADING_SEARCH_ROWS = 20
UTF8_BOM = b"\xef\xbb\xbf"
#: Excel's "Unicode Text" is UTF-16 (little-endian) with this byte-order mark, tab delimited.
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
ZIP_MAGIC = b"PK\x03\x04"  # an .xlsx workbook is a zip archive
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an old Excel .xls workbook
SAVE_AS = "save it as .xlsx or CSV"
#: A file is binary, not text, when more than this many of its first bytes, and this share of them, are
#: control characters that text does not hold (compressed or image data has about one byte in ten).
BINARY_CONTROL_BYTES = 8
BINARY_CONTROL_SHARE = 0.01
_CONTROL_BYTES = bytes(range(0x20)).translate(None, b"\t\n\r\f")
_LINE_END = re.compile(r"\r\n|\r|\n")  # the line ends Arrow splits rows on (str.splitlines knows more)


def read_table(path: Path, sheet: str | None = None, expected: Iterable[str] = ()) -> pd.DataFrame:
    """All rows of one file below its heading row, headings as written, with `_file` and `_row` (the row
    number a person would see in the file or sheet). The heading row is the first of the top rows holding
    the most `expected` headings (normalised keys, headings.py); rows above it are not data. Raises
    InputError for a file that cannot be read."""
    if not path.exists():
        raise InputError(f"{path}: file not found")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a file")
    expected = frozenset(expected)
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        frame = _read_excel(path, sheet, expected)
    elif suffix == ".parquet":
        frame = _read_parquet(path)
    elif suffix in {".csv", ".txt", ".tsv"}:
        frame = _read_csv(path, expected)
    elif suffix == ".xls":
        raise InputError(f"{path}: old Excel .xls workbooks cannot be read; {SAVE_AS}")
    else:
        raise InputError(f"{path}: unsupported file type {suffix or '(none)'}; use .csv, .xlsx or .parquet")
    if frame.columns.empty:
        raise InputError(f"{path}: no column headings")
    frame.columns = _distinct(
        [str(column).strip() if column not in (ROW, FAULT) else column for column in frame.columns]
    )
    if ROW not in frame.columns:
        frame = frame.assign(**{ROW: np.arange(2, len(frame) + 2)})
    # One category rather than the path repeated on every row (a million copies of a string add up).
    file = pd.Categorical.from_codes(np.zeros(len(frame), dtype=np.int8), categories=[str(path)])
    return frame.assign(**{FILE: file})


def _distinct(headings: list[str]) -> list[str]:
    """Headings made distinct as pandas does, `Age`, `Age.1`, ..., so that a heading written twice (or twice
    but for spaces) leaves one column under that name instead of two: the first is used."""
    seen: dict[str, int] = {}
    distinct = []
    for heading in headings:
        repeats = seen.get(heading, 0)
        seen[heading] = repeats + 1
        distinct.append(heading if not repeats else f"{heading}.{repeats}")
    return distinct


def _heading_row(rows: list[list[str]], expected: frozenset[str]) -> int:
    """Which of the top rows holds the headings: the first holding the most expected headings; where none
    holds any, the first row with anything in it (its headings are then reported missing by name)."""
    matches = [_matches(row, expected) for row in rows]
    if max(matches, default=0) > 0:
        return matches.index(max(matches))
    return next((number for number, row in enumerate(rows) if any(str(cell).strip() for cell in row)), 0)


def _matches(cells: list[str], expected: frozenset[str]) -> int:
    """How many of the expected headings (normalised keys) a row holds."""
    return len({normalise_heading(cell) for cell in cells} & expected)


# --- CSV -----------------------------------------------------------------------------------------------


def _read_csv(path: Path, expected: frozenset[str]) -> pd.DataFrame:
    """A CSV file read by Arrow's multi-threaded reader, every cell as text. A row with the wrong number of
    fields does not stop the read: it comes back as an empty row whose `_fault` says what was wrong."""
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    utf16 = head.startswith(UTF16_BOMS)
    if not utf16:
        _refuse_binary(path, head)
    text = head.decode("utf-16", errors="replace") if utf16 else _decode(head.removeprefix(UTF8_BOM))
    lines = _LINE_END.split(text.removeprefix("\ufeff"))
    if len(head) == SNIFF_BYTES:
        lines = lines[:-1]  # the last line may be cut short
    if not any(line.strip() for line in lines):  # Excel writes a lone BOM for an empty sheet
        raise InputError(f"{path}: file is empty")
    heading_line, delimiter = _csv_headings(lines[:HEADING_SEARCH_ROWS], expected)
    headings = next(csv.reader([lines[heading_line]], delimiter=delimiter))
    first_row = heading_line + 2  # the heading is on line heading_line + 1
    if len(head) < SNIFF_BYTES and heading_line == len(lines) - 1:  # headings with no line end, no rows
        return pd.DataFrame(columns=headings, dtype="string[pyarrow]").assign(**{ROW: np.arange(0)})
    table, faults = _arrow_text(path, delimiter, len(headings), heading_line + 1, "utf-16" if utf16 else "utf8")
    frame = table.to_pandas(types_mapper=_TEXT.get)
    frame.columns = headings
    return _with_faults(frame, faults, len(headings), first_row)


def _csv_headings(lines: list[str], expected: frozenset[str]) -> tuple[int, str]:
    """The heading line's index and its delimiter: the first line splitting (on some delimiter) into the
    most expected headings, on a tie the delimiter written most often; where no line holds any, the first
    line that is not blank, split on its most frequent delimiter."""
    best_matches, before, _, delimiter = max(
        (
            _matches(next(csv.reader([line], delimiter=delimiter), []), expected),
            -number,
            line.count(delimiter),
            delimiter,
        )
        for number, line in enumerate(lines)
        for delimiter in CSV_DELIMITERS
    )
    if best_matches:
        return -before, delimiter
    number = _heading_row([[line] for line in lines], frozenset())
    return number, max(CSV_DELIMITERS, key=lines[number].count)


def _refuse_binary(path: Path, head: bytes) -> None:
    """An InputError for a file that is not text at all (an image, a zip, a workbook named .csv). A stray
    control character or two, as some database exports leave, does not make a file binary."""
    if head.startswith(ZIP_MAGIC):
        why = "it is a zip archive, perhaps an Excel workbook: name it .xlsx, or save it as CSV"
    elif head.startswith(OLE2_MAGIC):
        why = f"it is an old Excel .xls workbook: {SAVE_AS}"
    elif _utf16_without_bom(head):
        why = "it is UTF-16 text without a byte-order mark: save it as CSV UTF-8"
    elif _control_bytes(head) > max(BINARY_CONTROL_BYTES, len(head) * BINARY_CONTROL_SHARE):
        why = "it holds binary data, not text"
    else:
        return
    raise InputError(f"{path}: not a readable CSV table ({why})")


def _control_bytes(head: bytes) -> int:
    return len(head) - len(head.translate(None, _CONTROL_BYTES))


def _utf16_without_bom(head: bytes) -> bool:
    """Text of one-byte characters written as UTF-16: every other byte is zero."""
    zeros = head.count(0)
    return zeros > len(head) // 3 and zeros in (head[0::2].count(0), head[1::2].count(0))


def _arrow_text(path: Path, delimiter: str, width: int, skip: int, encoding: str) -> tuple[pa.Table, list]:
    """The rows below the heading line; a file that is not UTF-8 is read again as Excel's Windows-1252."""
    try:
        table, faults = _arrow_csv(path, delimiter, width, skip, encoding, threads=True)
        if faults:  # read again in one thread, which numbers the faulty rows
            table, faults = _arrow_csv(path, delimiter, width, skip, encoding, threads=False)
        return table, faults
    except pa.ArrowInvalid as error:
        if encoding == "utf8" and "UTF8" in str(error):
            return _arrow_text(path, delimiter, width, skip, "cp1252")
        raise InputError(f"{path}: not a readable CSV table ({str(error).splitlines()[0]})") from None
    except UnicodeDecodeError as error:  # Arrow decodes other encodings with Python's codecs
        byte = error.object[error.start : error.start + 1].hex()
        raise InputError(
            f"{path}: not a readable CSV table (its text is not UTF-8, UTF-16 or Windows-1252: byte 0x{byte}); "
            "save it as CSV UTF-8"
        ) from None


_TEXT = {pa.string(): pd.StringDtype("pyarrow"), pa.large_string(): pd.StringDtype("pyarrow")}


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start >= len(data) - 3:  # a character cut at the end of the sniffed block
            return data[: error.start].decode("utf-8")
        return data.decode("cp1252", errors="replace")


def _arrow_csv(
    path: Path, delimiter: str, width: int, skip: int, encoding: str, threads: bool
) -> tuple[pa.Table, list]:
    faults: list[tuple[int | None, int | None]] = []
    nothing = f"{delimiter}\"' \t"

    def wrong_width(row) -> str:
        # a row of nothing but delimiters (`,,` under five headings) is blank, not faulty: no field count
        faults.append((row.number, row.actual_columns if row.text.strip(nothing) else None))
        return "skip"

    names = [f"column_{i}" for i in range(width)]
    table = pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(column_names=names, skip_rows=skip, encoding=encoding, use_threads=threads),
        parse_options=pacsv.ParseOptions(
            delimiter=delimiter, ignore_empty_lines=False, invalid_row_handler=wrong_width, newlines_in_values=False
        ),
        convert_options=pacsv.ConvertOptions(
            # large_string is what pandas' Arrow-backed strings hold: no cast when the table becomes a frame
            column_types=dict.fromkeys(names, pa.large_string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    return table, faults


def _with_faults(
    frame: pd.DataFrame, faults: list[tuple[int | None, int | None]], width: int, first_row: int
) -> pd.DataFrame:
    """The rows with their physical row numbers (the first data row is `first_row`), the faulty rows put
    back in place as empty rows with a fault (none for a row of nothing but delimiters, which is blank).
    Arrow numbers faulty rows as the file's rows, the heading row and any rows above it included."""
    if not faults:
        return frame.assign(**{ROW: np.arange(first_row, len(frame) + first_row)})
    bad_rows = np.array(sorted(number for number, _ in faults))
    total = len(frame) + len(bad_rows)
    good_rows = np.setdiff1d(np.arange(first_row, total + first_row), bad_rows)
    blanks = pd.DataFrame("", index=range(len(bad_rows)), columns=frame.columns, dtype="string[pyarrow]")
    fault_text = {
        number: f"{actual} fields where the heading row has {width}" for number, actual in faults if actual is not None
    }
    combined = pd.concat([frame.assign(**{ROW: good_rows}), blanks.assign(**{ROW: bad_rows})], ignore_index=True)
    combined[FAULT] = combined[ROW].map(fault_text).astype("string")
    return combined.sort_values(ROW, kind="stable").reset_index(drop=True)


# --- Excel and Parquet ---------------------------------------------------------------------------------


def _read_excel(path: Path, sheet: str | None, expected: frozenset[str]) -> pd.DataFrame:
    """One sheet (the first unless named), every cell as Excel typed it, rows below the heading row."""
    try:
        with pd.ExcelFile(path, engine="openpyxl") as book:
            name = _sheet_name(path, book.sheet_names, sheet)
            cells = pd.read_excel(book, sheet_name=name, header=None, dtype=object, keep_default_na=False)
    except InputError:
        raise
    except zipfile.BadZipFile:
        raise InputError(f"{path}: not a readable Excel workbook ({_not_xlsx(path)})") from None
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise InputError(f"{path}: not a readable Excel workbook ({type(error).__name__})") from None
    if cells.empty:
        raise InputError(f"{path}: sheet {name!r} is empty")
    top = cells.head(HEADING_SEARCH_ROWS).astype(str).to_numpy().tolist()
    heading = _heading_row(top, expected)
    frame = cells.iloc[heading + 1 :].reset_index(drop=True)
    frame.columns = [_cell_text(cell) for cell in cells.iloc[heading]]
    return frame.assign(**{ROW: np.arange(heading + 2, heading + 2 + len(frame))})


def _sheet_name(path: Path, names: list[str], sheet: str | None) -> str:
    """The sheet to read: the one named (matched ignoring case, as Excel does), else the first."""
    if sheet is None:
        return names[0]
    found = [name for name in names if name.strip().casefold() == sheet.strip().casefold()]
    if not found:
        raise InputError(f"{path}: no sheet named {sheet!r}; its sheets are {', '.join(map(repr, names))}")
    return sheet if sheet in found else found[0]


def _not_xlsx(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(len(OLE2_MAGIC))
    if head.startswith(OLE2_MAGIC):
        return f"it is an old Excel .xls workbook: {SAVE_AS}"
    if head.startswith(ZIP_MAGIC):
        return "the workbook is damaged or incomplete"
    return "it is not an .xlsx workbook inside; is it a CSV file named .xlsx?"


def _read_parquet(path: Path) -> pd.DataFrame:
    """Every column as the file typed it: text as Arrow-backed strings, dates and timestamps as datetimes
    (never Python date objects), numbers as numbers."""
    try:
        table = pq.read_table(path)
        return table.to_pandas(types_mapper=_TEXT.get, date_as_object=False)
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
    text = arrow_text(values)
    if text is not None:
        return pd.Series(pd.arrays.ArrowStringArray(trimmed_text(text)), index=values.index)
    if values.dtype == object:
        values = values.map(_cell_text)
    return values.astype("string").fillna("").str.strip()


def trimmed_text(text: pa.ChunkedArray) -> pa.ChunkedArray:
    """Arrow text trimmed of white space at either end, '' for missing, by Arrow's kernel directly. Text
    that has nothing to trim, as most extracts' columns have not, is kept as it is (no copy)."""
    if text.null_count:
        text = pc.fill_null(text, "")
    if not any(_may_need_trimming(chunk) for chunk in text.chunks):
        return text
    return pc.utf8_trim_whitespace(text)


#: Text with nothing to trim begins and ends with printable ASCII other than the space (0x21 to 0x7E). White
#: space is either ASCII (the space, tab, line ends and other control characters) or a character of two or
#: more bytes in UTF-8, whose first and last bytes are 0x80 or above.
_PRINTABLE_FROM = np.uint8(0x21)
_PRINTABLE_SPAN = 0x7E - 0x21


def _may_need_trimming(chunk: pa.Array) -> bool:
    """Whether any text of a chunk (no nulls) begins or ends with a byte that may be white space: a quick
    look at two bytes of each text, in Arrow's own buffers, rather than trimming every text to see."""
    if not pa.types.is_string(chunk.type) and not pa.types.is_large_string(chunk.type):
        return True
    _, offsets_buffer, data_buffer = chunk.buffers()
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.zeros(0, np.uint8)
    if not len(data) or not len(chunk):  # no text has a byte: all are ''
        return False
    offset_type = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
    offsets = np.frombuffer(offsets_buffer, dtype=offset_type)[chunk.offset : chunk.offset + len(chunk) + 1]
    starts, ends = offsets[:-1], offsets[1:]
    # Bytes below 0x21 wrap round to 0xDF and above when 0x21 is taken away: one comparison finds both ends.
    first = data.take(starts, mode="clip") - _PRINTABLE_FROM
    last = data.take(ends - 1, mode="clip") - _PRINTABLE_FROM
    return bool((((first > _PRINTABLE_SPAN) | (last > _PRINTABLE_SPAN)) & (ends > starts)).any())


def _cell_text(cell: object) -> object:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.date):  # an Excel or Parquet date cell (datetime is a date too)
        return cell.strftime("%Y-%m-%d")
    return cell
