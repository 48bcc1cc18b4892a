"""Reporting periods: a calendar month `YYYY-MM`, reported cumulatively to its last day."""

import datetime as dt
import re
from dataclasses import dataclass

from icnreport.errors import PeriodError

LATEST = "latest"


@dataclass(frozen=True, order=True)
class Period:
    """One reporting month; `end` is SPEC.md's period_end, the last day of the month."""

    year: int
    month: int

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def end(self) -> dt.date:
        return self.next().start - dt.timedelta(days=1)

    def next(self) -> "Period":
        return Period(self.year + self.month // 12, self.month % 12 + 1)

    def __str__(self) -> str:
        return self.label


def parse_period(text: str, today: dt.date | None = None) -> Period:
    """`YYYY-MM`, or `latest` for the last complete month before today."""
    if text.strip().lower() == LATEST:
        first_of_this_month = (today or dt.date.today()).replace(day=1)
        last_month_end = first_of_this_month - dt.timedelta(days=1)
        return Period(last_month_end.year, last_month_end.month)
    match = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise PeriodError(f"period {text!r} is not a month written YYYY-MM (or 'latest')")
    return Period(int(match[1]), int(match[2]))


def months_between(first: Period, last: Period) -> list[Period]:
    """Every month from first to last inclusive."""
    if last < first:
        raise PeriodError(f"period range ends ({last}) before it starts ({first})")
    months = [first]
    while months[-1] < last:
        months.append(months[-1].next())
    return months
