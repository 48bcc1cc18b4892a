"""The two extracts, read and checked: headings matched to canonical columns, values parsed, and every
row either kept or set aside (quarantined) with its file, row number and reason. Nothing is dropped."""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api.types import union_categoricals

from icnreport.columns import ASC_COLUMNS, DATE, NHS_NUMBER, NUMBER, REFERRAL_AGE_COLUMNS, REFERRAL_COLUMNS, Column
from icnreport.dates import days_of, is_blank, parse_dates
from icnreport.distinct import codes_of, factorize, map_distinct
from icnreport.errors import InputError, StrictModeError
from icnreport.headings import normalise_codes, normalise_heading
from icnreport.nhs_number import nhs_numbers
from icnreport.params import Params
from icnreport.tables import FAULT, FILE, ROW, as_text, read_table
from icnreport.weekly_cost import EVENT_TYPES, SERVICE, weekly_cost

REASON = "reason"
#: The reason for a row the reader could not split into the file's columns (an unquoted delimiter, say).
WRONG_WIDTH = "wrong number of fields"

#: Ages outside this range are typing errors, not people (whole years at referral).
OLDEST_PLAUSIBLE_AGE = 120


@dataclass(frozen=True)
class Extract:
    """One input, all files together: `rows` holds every non-blank row, parsed, with `reason` set (not NA)
    on quarantined rows; `raw` holds the same rows as text, for the quarantine listing; `blank_rows`
    counts rows with nothing in them (Excel's trailing rows), which are not data."""

    rows: pd.DataFrame
    raw: pd.DataFrame
    blank_rows: int

    @cached_property
    def kept(self) -> pd.DataFrame:
        """Rows that passed every check."""
        return self.rows[self.passed]

    @cached_property
    def passed(self) -> np.ndarray:
        """For each of `rows`, whether it passed every check: `kept` without copying the rows, for work that
        reads a few columns of millions of rows."""
        return self.rows[REASON].isna().to_numpy()

    @property
    def quarantined(self) -> pd.DataFrame:
        """The raw text of quarantined rows, with file, row and reason (a cell the file typed, a date or a
        number, written as the text it stands for)."""
        bad = self.rows[REASON].notna()
        listing = self.raw[bad.to_numpy()]
        typed = {
            name: as_text(listing[name])
            for name in listing.columns
            if name not in (FILE, ROW, FAULT) and _is_typed(listing[name])
        }
        return listing.assign(**typed, **{REASON: self.rows.loc[bad, REASON].to_numpy()})


def read_referrals(params: Params) -> Extract:
    """The referrals extract, checked against the params' networks."""
    raw, blank = _read_all(
        params.referral_files(), params.data.referrals_sheet, REFERRAL_COLUMNS, params.columns.referrals
    )
    _require_age_column(raw, params.referral_files()[0])
    return Extract(check_referrals(raw, params.networks), raw, blank)


def check_strict(quarantined: dict[str, int], strict: bool) -> None:
    """In strict mode any quarantined row fails the run (StrictModeError, exit status 3)."""
    total = sum(quarantined.values())
    if strict and total:
        reasons = ", ".join(f"{reason}: {count}" for reason, count in quarantined.items())
        raise StrictModeError(f"strict mode: {total} input rows quarantined ({reasons})")


def read_extracts(params: Params) -> tuple[Extract, Extract]:
    """Both extracts, read at once: each is mostly Arrow work that leaves the other core free."""
    both = _in_parallel(referrals=lambda: read_referrals(params), asc=lambda: read_asc(params))
    return both["referrals"], both["asc"]


def read_asc(params: Params) -> Extract:
    """The council's CLD extract, all files read together."""
    raw, blank = _read_all(params.asc_files(), params.data.asc_sheet, ASC_COLUMNS, params.columns.asc)
    return Extract(check_asc(raw), raw, blank)


def _read_all(
    paths: list[Path], sheet: str | None, columns: tuple[Column, ...], mapping: dict[str, str]
) -> tuple[pd.DataFrame, int]:
    expected = {normalise_heading(heading) for column in columns for heading in _headings_for(column, mapping)}
    frames = [canonical_columns(read_table(path, sheet, expected), columns, mapping, path) for path in paths]
    if len(frames) > 1:
        # The files' own categories joined once: concatenating categoricals that differ would make text.
        files = union_categoricals([frame[FILE] for frame in frames])
        raw = pd.concat([frame.drop(columns=FILE) for frame in frames], ignore_index=True)
        raw.insert(0, FILE, pd.Categorical(files, categories=files.categories))
    else:
        raw = frames[0]
    data = [column.name for column in columns if column.name in raw.columns]
    blank = _blank_rows(raw, data)
    if not blank.any():
        return raw, 0
    return raw[~blank].reset_index(drop=True), int(blank.sum())


def _blank_rows(raw: pd.DataFrame, data: list[str]) -> np.ndarray:
    """Rows with no fault and nothing in any data column. Once a column has ruled most rows out (a filled
    person id, say), the next columns are looked at only in the rows still in question."""
    blank = raw[FAULT].isna().to_numpy().copy()  # written in place below
    for name in data:
        rows = np.flatnonzero(blank)
        if not len(rows):
            break
        if 2 * len(rows) > len(blank):
            blank &= _empty(raw[name])
        else:
            blank[rows] = _empty(raw[name].iloc[rows])
    return blank


def _empty(values: pd.Series) -> np.ndarray:
    """True where a cell holds nothing: canonical_columns has trimmed every text cell, so an empty one is
    exactly ''; a typed cell is empty when the file left it blank."""
    if _is_typed(values):
        return values.isna().to_numpy()
    return (values == "").to_numpy(dtype=bool, na_value=True)


def _is_typed(values: pd.Series) -> bool:
    """Whether a column holds a file's typed dates or numbers rather than text."""
    return pd.api.types.is_datetime64_any_dtype(values) or (
        pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    )


def canonical_columns(
    table: pd.DataFrame, columns: tuple[Column, ...], mapping: dict[str, str], path: Path
) -> pd.DataFrame:
    """The table with its headings renamed to canonical names, unknown columns dropped, every value as text.
    A missing required column, or two headings for one column, is an InputError naming the file."""
    by_key: dict[str, str] = {}
    for heading in table.columns:
        if heading not in (FILE, ROW, FAULT):
            by_key.setdefault(normalise_heading(heading), heading)
    renamed: dict[str, str] = {}
    for column in columns:
        wanted = _headings_for(column, mapping)
        found = [by_key[key] for key in dict.fromkeys(normalise_heading(w) for w in wanted) if key in by_key]
        if len(found) > 1:
            raise InputError(f"{path}: columns {found[0]!r} and {found[1]!r} both look like {column.name!r}")
        if found:
            renamed[found[0]] = column.name
        elif column.required:
            raise InputError(f"{path}: missing required column {column.name!r} ({_looked_for(column, mapping)})")
    kinds = {column.name: column.kind for column in columns}
    cells = {name: _cells(table[heading], kinds[name]) for heading, name in renamed.items()}
    fault = table[FAULT] if FAULT in table.columns else pd.Series(pd.NA, index=table.index, dtype="string")
    return pd.DataFrame({FILE: table[FILE], ROW: table[ROW], FAULT: fault, **cells})


def _cells(values: pd.Series, kind: str) -> pd.Series:
    """One column's cells as the checks take them: dates and numbers as the file typed them, when it typed
    them as the column's kind (a Parquet date32 or float64 column, say), so they need no parsing; anything
    else as trimmed text, parsed as text always is."""
    if kind == DATE and pd.api.types.is_datetime64_any_dtype(values):
        return days_of(values)
    if kind in (NUMBER, NHS_NUMBER) and _is_typed(values) and not pd.api.types.is_datetime64_any_dtype(values):
        return values
    return as_text(values)


def _headings_for(column: Column, mapping: dict[str, str]) -> list[str]:
    """The headings a column is known by: the params' local heading if it names one, else its own."""
    return [mapping[column.name]] if column.name in mapping else [column.name, *column.aliases]


def _looked_for(column: Column, mapping: dict[str, str]) -> str:
    """The headings a missing column was looked for under, for its error message."""
    if column.name in mapping:
        return f"the params map it to the heading {mapping[column.name]!r}, which the file does not have"
    headings = [repr(heading) for heading in (column.name, *column.aliases)]
    return (
        f"no heading {headings[0]}"
        if len(headings) == 1
        else f"no heading {', '.join(headings[:-1])} or {headings[-1]}"
    )


def _require_age_column(raw: pd.DataFrame, path: Path) -> None:
    if not any(name in raw.columns for name in REFERRAL_AGE_COLUMNS):
        raise InputError(f"{path}: missing required column 'date_of_birth' or 'age' (one of them is needed)")


def _first_reason(checks: list[tuple[str, pd.Series | np.ndarray]], index: pd.Index) -> pd.Series:
    """The first failing check's reason for each row (checks in order of precedence), NA where all pass."""
    return _reason_text(_first_failed(checks, len(index)), [label for label, _ in checks], index)


#: The code of a row that passes every check.
PASSES = -1


def _first_failed(checks: list[tuple[str, pd.Series | np.ndarray]], rows: int) -> np.ndarray:
    """For each row, the position in `checks` of the first check it fails; PASSES where it fails none."""
    first = np.full(rows, PASSES, dtype=np.int32)
    for number in range(len(checks) - 1, -1, -1):
        first[np.asarray(checks[number][1], dtype=bool)] = number
    return first


def _reason_text(codes: np.ndarray, labels: list[str], index: pd.Index) -> pd.Series:
    """Reason codes as text (NA for PASSES), built by Arrow from the few labels rather than row by row."""
    text = pc.take(pa.array(labels, pa.large_string()), pa.array(codes, mask=codes == PASSES))
    return pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array([text], pa.large_string())), index=index)


def check_referrals(raw: pd.DataFrame, networks: list[str]) -> pd.DataFrame:
    """Parse and check referral rows (canonical text columns) against SPEC.md's row rules."""
    column = _getter(raw)
    referral_id = column("referral_id")
    referral_date = parse_dates(column("referral_date"))
    by_key = {normalise_heading(name): name for name in networks}
    network = normalise_codes(column("network")).map(by_key)
    keys, status = nhs_numbers(column("nhs_number"))
    rows = pd.DataFrame(
        {
            FILE: raw[FILE],
            ROW: raw[ROW],
            "referral_id": referral_id,
            "nhs_number": keys,
            "nhs_status": status,
            "referral_date": referral_date,
            "network": network,
            "date_of_birth": parse_dates(column("date_of_birth")),
            "stated_age": _whole_years(column("age")),
            "gp_practice": _category(column("gp_practice")),
        },
        copy=False,  # the columns stay as made, not copied into one block per type
    )
    missing_date = is_blank(column("referral_date"))
    checks = [
        (WRONG_WIDTH, _faulty(raw)),
        ("missing referral_id", referral_id == ""),
        ("missing referral_date", missing_date),
        ("unparseable referral_date", referral_date.isna() & ~missing_date),
        ("unknown network", network.isna()),
    ]
    first = _first_failed(checks, len(raw))
    passed = np.flatnonzero(first == PASSES)
    # A referral_id seen on an earlier row that passed is a duplicate (compared as integer codes: quicker).
    repeat = pd.Series(codes_of(referral_id)[passed]).duplicated(keep="first").to_numpy()
    first[passed[repeat]] = len(checks)
    labels = [label for label, _ in checks] + ["duplicate referral_id"]
    return rows.assign(**{REASON: _reason_text(first, labels, raw.index)})


def check_asc(raw: pd.DataFrame) -> pd.DataFrame:
    """Parse and check CLD rows against SPEC.md's row rules; Service rows get their weekly cost. NHS numbers
    become integer keys (-1: not valid) and person ids and service names integer codes, for fast joins."""
    column = _getter(raw)
    # Each column's parsing is independent and mostly in Arrow's C++ (which releases the GIL): two at a time.
    parsed = _in_parallel(
        event_type=lambda: normalise_codes(column("event_type")).map(EVENT_TYPES),
        start=lambda: parse_dates(column("event_start_date")),
        end=lambda: parse_dates(column("event_end_date")),
        cost=lambda: weekly_cost(column("unit_cost"), column("cost_frequency"), column("planned_units_per_week")),
        nhs=lambda: nhs_numbers(column("nhs_number")),
        person_id=lambda: codes_of(column("person_id")),
        service_type=lambda: codes_of(column("service_type")),
        service_component=lambda: codes_of(column("service_component")),
        end_blank=lambda: is_blank(column("event_end_date")),
        start_blank=lambda: is_blank(column("event_start_date")),
    )
    event_type, start, end, cost = parsed["event_type"], parsed["start"], parsed["end"], parsed["cost"]
    end_blank, start_blank = parsed["end_blank"], parsed["start_blank"]
    is_service = (event_type == SERVICE).fillna(False).to_numpy()
    keys, status = parsed["nhs"]
    rows = pd.DataFrame(
        {
            FILE: raw[FILE],
            ROW: raw[ROW],
            "person_id": parsed["person_id"],
            "nhs_number": keys,
            "nhs_status": status,
            "event_type": event_type,
            "event_start_date": start,
            "event_end_date": end,
            "service_type": parsed["service_type"],
            "service_component": parsed["service_component"],
            "unit_cost": cost["unit_cost"],
            "frequency": cost["frequency"],
            "weekly_cost": cost["weekly_cost"].where(is_service),
            "one_off": cost["one_off"] & is_service,
        },
        copy=False,  # the columns stay as made, not copied into one block per type
    )
    service = pd.Series(is_service, index=raw.index)
    checks = [
        (WRONG_WIDTH, _faulty(raw)),
        ("missing person id", column("person_id") == ""),
        ("unknown event type", event_type.isna()),
        ("missing event_start_date", start_blank),
        ("unparseable event_start_date", start.isna() & ~start_blank),
        ("unparseable event_end_date", end.isna() & ~end_blank),
        ("service ends before it starts", end < start),
        ("unknown cost frequency", service & cost["frequency"].isna()),
        ("missing or unparseable unit cost", service & cost["unit_cost"].isna()),
        ("negative unit cost", service & (cost["unit_cost"] < 0)),
        ("no planned units for an hourly, daily or per-session cost", service & cost["needs_units"]),
    ]
    return rows.assign(**{REASON: _first_reason(checks, raw.index)})


#: Column parsers run at once; Arrow's kernels use the machine's cores while these threads wait.
PARSE_THREADS = 2


def _in_parallel(**tasks: Callable[[], object]) -> dict[str, object]:
    """Run independent tasks on a small thread pool; return their results by name."""
    with ThreadPoolExecutor(max_workers=PARSE_THREADS) as pool:
        futures = {name: pool.submit(task) for name, task in tasks.items()}
        return {name: future.result() for name, future in futures.items()}


def _faulty(raw: pd.DataFrame) -> pd.Series:
    """Rows the file reader could not split into the file's columns."""
    if FAULT not in raw.columns:
        return pd.Series(False, index=raw.index)
    return raw[FAULT].notna()


def _getter(raw: pd.DataFrame):
    """Column accessor returning '' text for an optional column the file does not have."""

    def column(name: str) -> pd.Series:
        if name in raw.columns:
            return raw[name]
        return pd.Series("", index=raw.index, dtype="string")

    return column


def _whole_years(raw: pd.Series) -> pd.Series:
    """A stated age in whole years; blank, non-numeric, fractional or implausible ages become NA. Ages
    repeat a hundred or so values, so text is read once per distinct value."""
    if _is_typed(raw):
        return _plausible_years(raw.astype("Float64"))
    return map_distinct(raw, lambda text: _plausible_years(pd.to_numeric(text.replace("", None), errors="coerce")))


def _plausible_years(years: pd.Series) -> pd.Series:
    years = years.astype("Float64")
    plausible = (years >= 0) & (years <= OLDEST_PLAUSIBLE_AGE) & (years % 1 == 0)
    return years.where(plausible.fillna(False))


def _category(values: pd.Series) -> pd.Series:
    """Text as a categorical Series (categories in order of first appearance)."""
    codes, uniques = factorize(values)
    return pd.Series(pd.Categorical.from_codes(codes, categories=uniques), index=values.index)
