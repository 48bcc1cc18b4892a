"""Weekly cost of a CLD service row (SPEC.md "weekly cost rule"): Unit Cost x units per week.

Frequencies are matched like headings, so `Four-weekly`, `four weekly` and `4 Weekly` are one frequency.
"""

import numpy as np
import pandas as pd

from icnreport.distinct import map_distinct
from icnreport.headings import normalise_codes

WEEKS_PER_YEAR = 52
#: Units per week for each fixed cost frequency (SPEC.md): a monthly cost recurs 12 times in 52 weeks.
UNITS_PER_WEEK: dict[str, float] = {
    "weekly": 1.0,
    "fortnightly": 1 / 2,
    "fourweekly": 1 / 4,
    "4weekly": 1 / 4,
    "monthly": 12 / WEEKS_PER_YEAR,
    "quarterly": 4 / WEEKS_PER_YEAR,
    "annually": 1 / WEEKS_PER_YEAR,
    "annual": 1 / WEEKS_PER_YEAR,
}
#: Frequencies whose units per week come from the row's Planned units per week.
PLANNED_UNIT_FREQUENCIES = frozenset({"hourly", "daily", "persession"})
ONE_OFF_FREQUENCIES = frozenset({"oneoff"})

SERVICE = "Service"
#: CLD Event Type values; any row means the council knows the person, only Service rows are packages.
EVENT_TYPES: dict[str, str] = {
    "request": "Request",
    "assessment": "Assessment",
    "service": SERVICE,
    "review": "Review",
}


def parse_money(raw: pd.Series) -> pd.Series:
    """Pounds from text such as `12.50`, `£1,250.00` or ` 12 `; blank or unparseable becomes NaN."""
    return map_distinct(raw, _parse_money)


def _parse_money(raw: pd.Series) -> pd.Series:
    text = raw.astype("string").fillna("").str.replace(r"[£, \t\r\n]", "", regex=True)
    amounts = pd.to_numeric(text.replace("", None), errors="coerce").astype("float64")
    return amounts.where(np.isfinite(amounts))  # "inf" and "Infinity" are not amounts


def weekly_cost(unit_cost: pd.Series, frequency: pd.Series, planned_units: pd.Series) -> pd.DataFrame:
    """For each row: `unit_cost`, canonical `frequency` (NA if unknown), `one_off`, `needs_units` (a
    planned-units frequency without usable planned units) and `weekly_cost` (NaN where there is none)."""
    key = normalise_codes(frequency)
    known = key.isin(UNITS_PER_WEEK.keys() | PLANNED_UNIT_FREQUENCIES | ONE_OFF_FREQUENCIES)
    cost = parse_money(unit_cost)
    units = parse_money(planned_units)
    planned = key.isin(PLANNED_UNIT_FREQUENCIES).to_numpy()
    needs_units = planned & ~(units >= 0).to_numpy()
    per_week = key.map(UNITS_PER_WEEK).astype("float64").to_numpy()
    per_week = np.where(planned, units.to_numpy(), per_week)
    return pd.DataFrame(
        {
            "unit_cost": cost,
            "frequency": key.where(known.to_numpy()),
            "one_off": key.isin(ONE_OFF_FREQUENCIES).to_numpy(),
            "needs_units": needs_units,
            "weekly_cost": cost.to_numpy() * per_week,
        },
        index=unit_cost.index,
    )
