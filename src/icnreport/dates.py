"""Dates as councils' extracts write them: ISO `YYYY-MM-DD` and UK `DD/MM/YYYY`, never US order. A date the
file itself typed (an Excel date cell, a Parquet date or timestamp) is its day, as the same date written as
text would be."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from icnreport.distinct import arrow_text, map_distinct
from icnreport.tables import trimmed_text

# [0-9] rather than \d keeps the match in pyarrow (RE2) rather than Python.
ISO_PATTERN = r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[ T]00:00(?::00(?:\.0+)?)?)?"
UK_PATTERN = r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}(?: 00:00(?::00)?)?"
#: The days a date can be (pandas' nanosecond timestamps span 1677-09-21 00:12 to 2262-04-11 23:47); a date
#: outside them (a typing slip such as 1017 or 3017) is unparseable rather than a wrong day.
FIRST_DAY = np.datetime64("1677-09-22", "D")
LAST_DAY = np.datetime64("2262-04-11", "D")


def parse_dates(raw: pd.Series) -> pd.Series:
    """Dates from text or typed date cells; blank or unparseable values become NaT (the caller decides)."""
    if pd.api.types.is_datetime64_any_dtype(raw):
        return pd.Series(_in_range(_day_numbers(raw)), index=raw.index)
    return map_distinct(raw, _parse_text_dates)


def days_of(stamps: pd.Series) -> pd.Series:
    """Typed dates or timestamps (any unit, with or without a time zone) as their day, as the file's clock
    shows it, at midnight; NaT where blank. Any year is kept (parse_dates then sets aside the impossible)."""
    return pd.Series(_day_numbers(stamps).astype("datetime64[s]"), index=stamps.index)


def _day_numbers(stamps: pd.Series) -> np.ndarray:
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_localize(None)  # the local day, as the file shows it
    return stamps.to_numpy().astype("datetime64[D]")


def _in_range(days: np.ndarray) -> np.ndarray:
    """Days (datetime64[D]) as nanosecond timestamps, NaT where outside FIRST_DAY..LAST_DAY."""
    inside = (days >= FIRST_DAY) & (days <= LAST_DAY)
    return np.where(inside, days, np.datetime64("NaT", "D")).astype("datetime64[ns]")


def _parse_text_dates(raw: pd.Series) -> pd.Series:
    text = raw.astype("string").fillna("").str.strip()
    parsed = np.full(len(text), np.datetime64("NaT", "D"))
    iso = text.str.fullmatch(ISO_PATTERN).fillna(False).to_numpy(dtype=bool)
    if iso.any():
        parsed[iso] = _days(pd.to_datetime(text[iso].str.slice(0, 10), format="%Y-%m-%d", errors="coerce"))
    uk = text.str.fullmatch(UK_PATTERN).fillna(False).to_numpy(dtype=bool)
    if uk.any():
        day = text[uk].str.replace(" 00:00:00", "", regex=False).str.replace(" 00:00", "", regex=False)
        parsed[uk] = _days(pd.to_datetime(day, format="%d/%m/%Y", errors="coerce"))
    return pd.Series(_in_range(parsed), index=raw.index)


def _days(stamps: pd.Series) -> np.ndarray:
    return stamps.to_numpy().astype("datetime64[D]")


def is_blank(raw: pd.Series) -> pd.Series:
    """True where a cell holds nothing but white space."""
    if pd.api.types.is_datetime64_any_dtype(raw):
        return raw.isna()
    text = arrow_text(raw)
    if text is not None:
        return pd.Series(_blank_text(text), index=raw.index)
    return raw.astype("string").fillna("").str.strip() == ""


def _blank_text(text: pa.ChunkedArray) -> np.ndarray:
    blank = pc.equal(trimmed_text(text), "")
    return blank.to_numpy(zero_copy_only=False)
