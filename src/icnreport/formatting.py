"""Numbers, money and dates written the way UK committee papers write them: "1,234", "59%", "£28,000",
"£1,460k", "£1.46m", "30 June 2017", "9 months to 30 June 2017".

Every function is pure and rounds half up (away from zero on a tie), as a reader working the figure by
hand would; Python's own ``round`` rounds half to even and would print 12.5% as "12%". Floats are rounded
as they are written in decimal (``str(x)``), so a pound figure is never nudged by binary representation.
"""

import datetime as dt
import math
import re
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

#: Written out here rather than taken from the locale, so the appendix reads the same on every machine.
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
MONTHS_PER_YEAR = 12
POUNDS_PER_THOUSAND = 1_000  # CS18067's tables are in £'000
POUNDS_PER_MILLION = 1_000_000
NOT_APPLICABLE = "n/a"
#: The Government Statistical Service symbol for a figure withheld to protect confidentiality ("c" for
#: confidential), written wherever disclosure control has suppressed a figure (held as None).
SUPPRESSED = "[c]"
_PERIOD_LABEL = re.compile(r"^(\d{4})-(\d{2})$")


def _round_half_up(value: float | int | Decimal, places: int = 0) -> Decimal:
    """``value`` rounded to ``places`` decimal places, a tie going away from zero (2.5 -> 3, -2.5 -> -3)."""
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _whole_half_up(value: Fraction) -> int:
    """An exact fraction rounded to a whole number, a tie going away from zero."""
    magnitude = math.floor(abs(value) + Fraction(1, 2))
    return -magnitude if value < 0 else magnitude


def round_half_up(value: float) -> int:
    """A figure to the nearest whole number, a tie going away from zero: 81.5 -> 82 (``round`` gives 82
    too, but 82.5 -> 82 where a reader expects 83)."""
    return int(_round_half_up(value))


def count(n: int) -> str:
    """A count with thousands separators: 1234 -> "1,234"."""
    return f"{n:,}"


def percent(part: int, whole: int) -> str:
    """``part`` as a whole percentage of ``whole``, rounding half up: 1 of 8 -> "13%", 2 of 3 -> "67%".

    0 of anything is "0%" and the whole is "100%"; with nothing to divide by (whole 0) the answer is "n/a".
    The rounding is exact (fractions, not floats). Note that CS18067 truncated: it printed 322 of 550
    (58.5%) as 58% and 228 of 550 (41.5%) as 42%, which do add to 100; rounding gives 59% and 41%.
    """
    if whole == 0:
        return NOT_APPLICABLE
    return f"{_whole_half_up(Fraction(100 * part, whole))}%"


def _signed(pounds_text: str, rounded: Decimal) -> str:
    """A minus sign before the pound sign for a negative amount; none for an amount that rounds to 0."""
    return f"-£{pounds_text}" if rounded < 0 else f"£{pounds_text}"


def money(pounds: float) -> str:
    """Whole pounds, as the weekly costs are written: 28000 -> "£28,000", -1200 -> "-£1,200"."""
    rounded = _round_half_up(pounds)
    return _signed(f"{abs(rounded):,f}", rounded)


def money_k(pounds: float) -> str:
    """Pounds to the nearest £1k, like CS18067's £'000 tables: 1460000 -> "£1,460k", 500 -> "£1k"."""
    thousands = _round_half_up(Decimal(str(pounds)) / POUNDS_PER_THOUSAND)
    return _signed(f"{abs(thousands):,f}k", thousands)


def money_m(pounds: float) -> str:
    """Pounds in millions to two decimal places: 1460000 -> "£1.46m", 500000 -> "£0.50m"."""
    millions = _round_half_up(Decimal(str(pounds)) / POUNDS_PER_MILLION, places=2)
    return _signed(f"{abs(millions):,f}m", millions)


def count_or_c(n: int | None) -> str:
    """A count that disclosure control may have suppressed: 1234 -> "1,234", None -> "[c]"."""
    return SUPPRESSED if n is None else count(n)


def percent_or_c(part: int | None, whole: int | None) -> str:
    """A percentage of counts either of which may be suppressed: suppressed ("[c]") when either is."""
    if part is None or whole is None:
        return SUPPRESSED
    return percent(part, whole)


def money_or_c(pounds: float | None) -> str:
    """Whole pounds, or "[c]" for an amount suppressed with the people it covers."""
    return SUPPRESSED if pounds is None else money(pounds)


def money_k_or_c(pounds: float | None) -> str:
    """Pounds to the nearest £1k, or "[c]" for an amount suppressed with the people it covers."""
    return SUPPRESSED if pounds is None else money_k(pounds)


def long_date(d: dt.date) -> str:
    """A date as committee papers write it, no leading zero: "1 October 2016", "30 June 2017"."""
    return f"{d.day} {MONTH_NAMES[d.month - 1]} {d.year}"


def month_label(period: str) -> str:
    """A reporting period "YYYY-MM" as words: "2017-06" -> "June 2017"."""
    match = _PERIOD_LABEL.match(period)
    if not match or not 1 <= int(match.group(2)) <= MONTHS_PER_YEAR:
        raise ValueError(f"a period is written YYYY-MM, e.g. 2017-06, not {period!r}")
    return f"{MONTH_NAMES[int(match.group(2)) - 1]} {match.group(1)}"


def months_inclusive(programme_start: dt.date, period_end: dt.date) -> int:
    """Calendar months from the programme start's month to the period end's month, both counted:
    October 2016 to June 2017 is 9."""
    months = (period_end.year - programme_start.year) * MONTHS_PER_YEAR + period_end.month
    return months - programme_start.month + 1


def period_span(programme_start: dt.date, period_end: dt.date) -> str:
    """The cumulative reporting period, as CS18067 puts it: "9 months to 30 June 2017"."""
    if period_end < programme_start:
        raise ValueError(f"the period end {period_end} is before the programme start {programme_start}")
    months = months_inclusive(programme_start, period_end)
    return f"{months} {'month' if months == 1 else 'months'} to {long_date(period_end)}"


def and_list(items: list[str]) -> str:
    """ "a", "a and b", "a, b and c" (no serial comma, as committee papers write it)."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"
