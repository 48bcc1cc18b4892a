"""Column headings and coded values matched as SPEC.md says: ignoring case, spaces, underscores, hyphens,
brackets and full stops, so `NHS Number`, `nhs_number` and `NHS_NUMBER` are the same column."""

import re

import pandas as pd

from icnreport.distinct import categorise

# Explicit white space, not \s: pandas then runs the pattern in pyarrow (RE2), many times faster.
_IGNORED = re.compile(r"[ \t\r\n\f\v_\-().\[\]{}]+")


def normalise_heading(heading: object) -> str:
    """The matching key of a heading or coded value: lower case, without spaces, _ - ( ) [ ] { } or ."""
    return _IGNORED.sub("", str(heading).strip().lstrip("\ufeff")).lower()


def normalise_codes(values: pd.Series) -> pd.Series:
    """The matching key of each coded value (frequencies, event types, networks); blank stays ''."""
    return categorise(values, _normalise_codes)


def _normalise_codes(values: pd.Series) -> pd.Series:
    return values.astype("string").fillna("").str.replace(_IGNORED.pattern, "", regex=True).str.lower()
