"""Dates as councils' extracts write them: ISO `YYYY-MM-DD` and UK `DD/MM/YYYY`, never US order."""

import pandas as pd

from icnreport.distinct import map_distinct

# [0-9] rather than \d keeps the match in pyarrow (RE2) rather than Python.
ISO_PATTERN = r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[ T]00:00(?::00(?:\.0+)?)?)?"
UK_PATTERN = r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}(?: 00:00(?::00)?)?"


def parse_dates(raw: pd.Series) -> pd.Series:
    """Dates from text or Excel date cells; blank or unparseable values become NaT (the caller decides)."""
    if pd.api.types.is_datetime64_any_dtype(raw):
        return raw.dt.normalize().astype("datetime64[ns]")
    return map_distinct(raw, _parse_text_dates)


def _parse_text_dates(raw: pd.Series) -> pd.Series:
    text = raw.astype("string").fillna("").str.strip()
    parsed = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    iso = text.str.fullmatch(ISO_PATTERN).fillna(False).astype(bool)
    if iso.any():
        parsed[iso] = pd.to_datetime(text[iso].str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    uk = text.str.fullmatch(UK_PATTERN).fillna(False).astype(bool)
    if uk.any():
        day = text[uk].str.replace(" 00:00:00", "", regex=False).str.replace(" 00:00", "", regex=False)
        parsed[uk] = pd.to_datetime(day, format="%d/%m/%Y", errors="coerce")
    return parsed


def is_blank(raw: pd.Series) -> pd.Series:
    """True where a cell holds nothing but white space."""
    if pd.api.types.is_datetime64_any_dtype(raw):
        return raw.isna()
    return raw.astype("string").fillna("").str.strip() == ""
