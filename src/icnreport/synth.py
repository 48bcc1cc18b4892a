"""Deterministic synthetic extracts (no real person's data): the shipped demo and extracts of any size.

`write_demo` writes the demo extract shipped in `data/demo/`: `referrals.csv` and the council's quarterly Client
Level Data files `cld_2016q4.csv` .. `cld_2017q3.csv` (CLD Release 1 headings). For period 2017-06 with
programme_start 2016-10-01 it reproduces Bromley report CS18067 exactly (SPEC.md, "Reproducing CS18067"):

* 575 referral rows in the window (550 people + 25 repeat referrals of 25 people, one of them on the same
  day as the person's first referral, from another network: the lower referral_id is the index);
  outside the window, 1 referral on 2016-09-30 (a repeat of a tracked person: their index is their later,
  in-window referral) and 188 from 1 Jul to 30 Sep 2017 (183 people, 5 repeats of in-window people).
* 550 people: 322 tracked; 228 untracked = 150 nhs_missing + 18 nhs_invalid + 60 not_known_to_asc. NHS
  number coverage improves month by month: 35 of 55 people referred in October 2016 have no NHS number,
  5 of 67 in June 2017. The 18 invalid numbers: 12 with a wrong check digit, 4 with 9 digits, 1 whose
  check digit would be 10, and `999 999 9999` (passes Modulus 11 but all ten digits are the same).
  One of the wrong-check-digit numbers is also typed on a CLD row: an invalid number links nobody.
* Outcomes of the 322 tracked: 170 none, 31 new, 20 ended, 27 increased, 4 decreased, 70 unchanged (121 in
  receipt before, 201 not). Weekly cost GBP 28,000.00 before and GBP 35,000.00 after, exactly: every
  service row's weekly cost is a whole number of pence (Monthly unit costs are multiples of GBP 13,
  Four-weekly of 4p, Fortnightly of 2p; Hourly, Daily and Per session rates x whole or half units).
* Ages at the index referral: mean exactly 82, youngest 38, oldest 103; one person's birthday is their
  referral day. Networks East, Central and West.

Edge cases among the tracked people, one each unless stated:
  a service ending exactly on the before day (an `ended` person, and an `increased` person whose package
  is replaced by a bigger one starting exactly on the referral day); a service starting exactly on the
  referral day (a `new` person referred on 2017-06-30, the after day itself); a service ending exactly on
  the after day (`unchanged`); a service ending the day before the before day and one starting the day
  after the after day (both `none`); an `increased` person whose weekly cost rises by exactly 1p; an
  `unchanged` person whose Weekly direct payment becomes the same amount paid Four-weekly; 6 people with
  two LA person ids sharing their NHS number (services split between the ids); 8 people whose Service rows
  have a blank NHS Number (linked through their LA person id); 5 people whose CLD NHS Number is typed with
  spaces; a person referred on 2016-10-01 (programme start); every cost frequency except Quarterly and
  Annually; One-off equipment rows (some open across both days), which change no outcome.
The CLD (4,285 rows on 907 LA person ids) also holds the 151 tracked people referred after the window, and
408 people never referred to an ICN on 428 LA person ids: 20 with their NHS number on two ids, 25 with no
NHS number, 1 whose NHS number is typed invalid, and the 2 below with bad rows.

Rows the reader must quarantine (SPEC.md "Row-level data quality"); none of them changes a figure:
  referrals.csv: referral_id ICN000319 twice (the second row, an exact copy of an in-window referral, is a
    duplicate); ICN000263 with the unknown network `Nrth`; ICN000292 with the unparseable referral_date
    `31/02/2017`. The last two are of people referred nowhere else, with NHS numbers on no CLD row.
  cld_2017q1.csv: LA person 1626797's Service row ends (2016-03-31) before it starts (2017-03-01), and LA person
    1356021's Service row has the unknown Cost Frequency `Per visit`; both are people never referred.

`write_scale` writes an extract of any number of people in the same formats, about 3 CLD rows a person,
with a params.yaml beside it. It holds the same kinds of bad rows, one of each per 50,000 people.

Every NHS number written, valid or not, is in the test range 999 000 0000 - 999 999 9999, which is never
issued to a patient.
"""

import datetime as dt
import functools
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

DEMO_SEED = 20170630

REFERRAL_HEADINGS = (
    "referral_id",
    "nhs_number",
    "referral_date",
    "network",
    "date_of_birth",
    "age",
    "gp_practice",
)
#: Client Level Data Release 1 headings, as the council's quarterly extract writes them.
CLD_HEADINGS = (
    "LA Person Unique Identifier",
    "NHS Number",
    "Date of Birth",
    "Gender",
    "Event Type",
    "Event Start Date",
    "Event End Date",
    "Service Type",
    "Service Component",
    "Unit Cost",
    "Cost Frequency (Unit Type)",
    "Planned units per week",
)

PROGRAMME_START = dt.date(2016, 10, 1)
PERIOD_END = dt.date(2017, 6, 30)
#: The last day the extracts cover: the end of the fourth quarterly CLD file.
EXTRACT_END = dt.date(2017, 9, 30)
#: First days of the quarters after the first file's: a CLD row goes in the file of its Event Start Date.
QUARTER_STARTS = (dt.date(2017, 1, 1), dt.date(2017, 4, 1), dt.date(2017, 7, 1))
CLD_FILES = ("cld_2016q4.csv", "cld_2017q1.csv", "cld_2017q2.csv", "cld_2017q3.csv")
REFERRALS_FILE = "referrals.csv"
PARAMS_FILE = "params.yaml"
NETWORKS = ("East", "Central", "West")

#: NHS Data Dictionary, "NHS Number": digits 1-9 weighted 10..2, check digit = 11 - (sum mod 11),
#: 11 means 0 and 10 means the number cannot be valid.
MOD11_WEIGHTS = np.arange(10, 1, -1, dtype=np.int64)
#: The NHS test range 999 000 0000 - 999 999 9999 is never issued to a patient; these are its
#: nine-digit bodies (the number without its check digit).
TEST_RANGE_BODIES = (999_000_000, 1_000_000_000)

UNKNOWN_NETWORK = "Nrth"
UNPARSEABLE_DATE = "31/02/2017"
UNKNOWN_FREQUENCY = "Per visit"
ONE_OFF = "One-off"
#: Units per week of the fixed cost frequencies (SPEC.md weekly cost rule), exactly.
UNITS_PER_WEEK = {
    "Weekly": Fraction(1),
    "Fortnightly": Fraction(1, 2),
    "Four-weekly": Fraction(1, 4),
    "Monthly": Fraction(12, 52),
}
#: Frequencies whose units per week are the row's Planned units per week.
PLANNED_UNIT_FREQUENCIES = ("Hourly", "Daily", "Per session")

DAY = dt.timedelta(days=1)
_EPOCH = dt.date(1970, 1, 1)
#: Dates the lookup tables can write (dates of birth to the end of the extracts).
_TABLE_FIRST, _TABLE_LAST = dt.date(1900, 1, 1), dt.date(2018, 12, 31)
_LONG_AGO = dt.date(2011, 4, 1)
_PILOT_REFERRAL = dt.date(2016, 9, 30)
_NO_DAY = -1


# ---------------------------------------------------------------------------------------------------------
# Care packages: the kinds of service a council commissions, with unit costs in pence.


@dataclass(frozen=True)
class _Kind:
    """A kind of service: its CLD labels, unit cost = step x a whole number in [low, high] pence, and
    planned units per week in [units_low, units_high] (only for Hourly, Daily and Per session costs)."""

    service_type: str
    component: str
    frequency: str
    low: int
    high: int
    step: int = 1
    units_low: int = 0
    units_high: int = 0


_LONG_TERM, _SHORT_TERM = "Long Term Support", "Short Term Support"
KINDS: dict[str, _Kind] = {
    "home_care": _Kind(_LONG_TERM, "Home Care", "Hourly", 826, 900, 2, 3, 14),
    "day_care": _Kind(_LONG_TERM, "Day Care", "Per session", 150, 210, 25, 1, 3),
    "dp_weekly": _Kind(_LONG_TERM, "Direct Payment", "Weekly", 9_000, 26_000),
    "dp_fortnightly": _Kind(_LONG_TERM, "Direct Payment", "Fortnightly", 9_000, 26_000, 2),
    "dp_four_weekly": _Kind(_LONG_TERM, "Direct Payment", "Four-weekly", 9_000, 26_000, 4),
    "dp_monthly": _Kind(_LONG_TERM, "Direct Payment", "Monthly", 35, 110, 1_300),
    "residential": _Kind(_LONG_TERM, "Residential Care", "Weekly", 52_000, 72_000),
    "residential_daily": _Kind(_LONG_TERM, "Residential Care", "Daily", 7_400, 10_300, 1, 7, 7),
    "nursing": _Kind(_LONG_TERM, "Nursing Care", "Weekly", 65_000, 92_000),
    "reablement": _Kind(_SHORT_TERM, "Home Care", "Hourly", 876, 876, 2, 5, 14),
    "equipment": _Kind(_SHORT_TERM, "Equipment", ONE_OFF, 4_500, 85_000),
}
#: Mixes of kinds (weights) for a long-standing package, a second smaller package and a new package.
_LONG_TERM_MIX = {
    "home_care": 60,
    "day_care": 8,
    "dp_weekly": 5,
    "dp_fortnightly": 4,
    "dp_four_weekly": 5,
    "dp_monthly": 6,
    "residential": 3,
    "residential_daily": 2,
    "nursing": 2,
}
_SECOND_MIX = {"day_care": 7, "home_care": 2, "dp_monthly": 1}
_NEW_MIX = {"home_care": 64, "dp_four_weekly": 8, "dp_monthly": 8, "day_care": 12, "residential": 6, "nursing": 2}


@dataclass(frozen=True)
class _Package:
    """One care package as a CLD Service row carries it: unit cost in pence, planned units per week."""

    service_type: str
    component: str
    frequency: str
    unit_pence: int
    units: float | None = None

    @property
    def weekly_pence(self) -> int:
        """Weekly cost in whole pence (SPEC.md weekly cost rule); a One-off package has none."""
        if self.frequency == ONE_OFF:
            return 0
        per_week = (
            Fraction(self.units) if self.frequency in PLANNED_UNIT_FREQUENCIES else UNITS_PER_WEEK[self.frequency]
        )
        weekly = self.unit_pence * per_week
        if weekly.denominator != 1:
            raise ValueError(f"weekly cost of {self} is not a whole number of pence")
        return int(weekly)


def _draw_package(rng: np.random.Generator, mix: dict[str, int]) -> _Package:
    names = list(mix)
    weights = np.array([mix[name] for name in names], dtype=float)
    kind = KINDS[names[int(rng.choice(len(names), p=weights / weights.sum()))]]
    unit = kind.step * int(rng.integers(kind.low, kind.high, endpoint=True))
    units = float(rng.integers(kind.units_low, kind.units_high, endpoint=True)) if kind.units_high else None
    return _Package(kind.service_type, kind.component, kind.frequency, unit, units)


def _weekly_package(weekly_pence: int) -> _Package:
    """A package of exactly this weekly cost, paid weekly: a placement when it is large, else a direct payment."""
    if weekly_pence >= 65_000:
        return _Package(_LONG_TERM, "Nursing Care", "Weekly", weekly_pence)
    if weekly_pence >= 45_000:
        return _Package(_LONG_TERM, "Residential Care", "Weekly", weekly_pence)
    return _Package(_LONG_TERM, "Direct Payment", "Weekly", weekly_pence)


def _balance_placeholder() -> _Package:
    """A placement whose weekly cost is set last, to make the demo's totals exact (see `_set_balance`)."""
    return _Package(_LONG_TERM, "Residential Care", "Weekly", 0)


def _resized(rng: np.random.Generator, package: _Package, bigger: bool) -> _Package:
    """The same package with more (or fewer) hours or sessions, or a higher (or lower) unit cost."""
    sign = 1 if bigger else -1
    if package.frequency in ("Hourly", "Per session") and (bigger or package.units > 1):
        most = 8 if bigger else int(package.units) - 1
        return replace(package, units=package.units + sign * int(rng.integers(1, most, endpoint=True)))
    step = next((k.step for k in KINDS.values() if k.frequency == package.frequency), 1)
    change = max(1, int(package.unit_pence / step * rng.uniform(0.1, 0.4)))
    return replace(package, unit_pence=package.unit_pence + sign * step * change)


# ---------------------------------------------------------------------------------------------------------
# The demo's people and their CLD events.


@dataclass(frozen=True)
class _Event:
    """One CLD row of a person: `slot` says which of their LA person ids (0 or 1) it is recorded under."""

    event_type: str
    start: dt.date
    end: dt.date | None = None
    package: _Package | None = None
    slot: int = 0
    blank_nhs: bool = False


@dataclass
class _Person:
    """A person as the demo knows them: `nhs` is their valid NHS number, if they have one."""

    status: str
    referral: dt.date
    network: str
    gp_practice: str
    typed_nhs: str
    nhs: int | None = None
    birth: dt.date = _EPOCH
    gender: str = "Female"
    outcome: str | None = None
    role: str | None = None
    cld_nhs_spaced: bool = False
    events: list[_Event] = field(default_factory=list)


#: In-window months: (year, month, people, nhs_missing, nhs_invalid, not_known_to_asc); the rest of each
#: month's people are tracked, so NHS number coverage improves month by month.
DEMO_WINDOW_MONTHS = (
    (2016, 10, 55, 35, 2, 7),
    (2016, 11, 58, 28, 2, 7),
    (2016, 12, 52, 22, 2, 6),
    (2017, 1, 63, 18, 2, 7),
    (2017, 2, 60, 15, 2, 6),
    (2017, 3, 66, 12, 2, 7),
    (2017, 4, 62, 9, 2, 7),
    (2017, 5, 67, 6, 2, 6),
    (2017, 6, 67, 5, 2, 7),
)
#: Referrals after the window (outside period 2017-06), in the same layout.
DEMO_LATER_MONTHS = ((2017, 7, 64, 4, 1, 6), (2017, 8, 58, 4, 2, 5), (2017, 9, 61, 3, 1, 6))
DEMO_OUTCOMES = {"none": 170, "new": 31, "ended": 20, "increased": 27, "decreased": 4, "unchanged": 70}
#: CS18067: weekly cost to ASC of the tracked people, before and after, in pence.
DEMO_WEEKLY_BEFORE, DEMO_WEEKLY_AFTER = 2_800_000, 3_500_000
DEMO_AGE_MEAN, DEMO_AGE_MIN, DEMO_AGE_MAX = 82, 38, 103
DEMO_REPEATS = 25
DEMO_INVALID_KINDS = ("check",) * 12 + ("short",) * 4 + ("check10", "same")
#: Special people among the tracked, by outcome: each role is one person (see the module docstring).
DEMO_ROLES = {
    "new": ("on_referral_day", "second_la", "blank_nhs") + ("balance",) * 8,
    "unchanged": ("pilot", "switch_frequency", "second_la", "ends_on_after_day", "second_la") + ("balance",) * 8,
    "ended": ("ends_on_before_day", "second_la"),
    "increased": ("replaced_on_referral_day", "penny", "second_la", "second_la"),
    "decreased": ("hours_cut", "second_ends", "smaller", "hours_cut"),
    "none": ("ends_day_before_before_day", "starts_day_after_after_day", "equipment", "equipment"),
}
DEMO_BLANK_NHS_PEOPLE = 7
DEMO_SPACED_CLD_PEOPLE = 5
DEMO_BACKGROUND_PEOPLE, DEMO_BACKGROUND_TWO_IDS, DEMO_BACKGROUND_NO_NHS = 380, 20, 25
_PRACTICES = {network: [f"G84{n:03d}" for n in range(1 + 15 * i, 16 + 15 * i)] for i, network in enumerate(NETWORKS)}


def _day_between(rng: np.random.Generator, low: dt.date, high: dt.date) -> dt.date:
    """A day in [low, high], uniformly."""
    return low + DAY * int(rng.integers(0, (high - low).days, endpoint=True))


def _add_years(day: dt.date, years: int) -> dt.date:
    return day.replace(year=day.year + years) if (day.month, day.day) != (2, 29) else dt.date(day.year + years, 3, 1)


def _age_on(birth: dt.date, day: dt.date) -> int:
    """Whole years from birth to day."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _birth_for_age(rng: np.random.Generator, on: dt.date, age: int) -> dt.date:
    """A date of birth (never 29 February) giving exactly `age` whole years on day `on`."""
    latest, earliest = _add_years(on, -age), _add_years(on, -age - 1) + DAY
    while True:
        birth = _day_between(rng, earliest, latest)
        if (birth.month, birth.day) != (2, 29):
            return birth


class _NhsNumbers:
    """Distinct valid NHS numbers from the test range, handed out in a random order."""

    def __init__(self, rng: np.random.Generator) -> None:
        self._numbers = iter(rng.permutation(valid_test_numbers()).tolist())
        self._bodies_without_check = iter(rng.permutation(_test_bodies_without_check()).tolist())

    def valid(self) -> int:
        return next(self._numbers)

    def invalid(self, rng: np.random.Generator, kind: str) -> str:
        """An invalid number as a referrer might type it: wrong check digit, 9 digits, a check digit
        that would be 10, or all ten digits the same."""
        if kind == "same":
            return "999 999 9999"
        if kind == "check10":
            return f"{next(self._bodies_without_check)}{int(rng.integers(0, 10))}"
        number = self.valid()
        if kind == "short":
            return str(number)[:9]
        wrong = number - number % 10 + (number % 10 + int(rng.integers(1, 10))) % 10
        return _typed(wrong, int(rng.integers(0, 2)))


def _typed(number: int, style: int) -> str:
    """An NHS number as a person types it: style 0 plain, 1 with spaces (3-3-4), 2 with hyphens."""
    text = f"{number:010d}"
    if style == 0:
        return text
    separator = " " if style == 1 else "-"
    return separator.join((text[:3], text[3:6], text[6:]))


def _typing_style(rng: np.random.Generator) -> int:
    return int(rng.choice(3, p=[0.35, 0.6, 0.05]))


def _month_people(
    rng: np.random.Generator, numbers: _NhsNumbers, month: tuple[int, ...], invalid_kinds: list[str]
) -> list[_Person]:
    """One month's referred people, in date order, with their NHS number status."""
    year, number, people, missing, invalid, not_known = month
    statuses = ["nhs_missing"] * missing + ["nhs_invalid"] * invalid + ["not_known_to_asc"] * not_known
    statuses += ["tracked"] * (people - len(statuses))
    statuses = [statuses[i] for i in rng.permutation(people)]
    first = dt.date(year, number, 1)
    days = [first + DAY * i for i in range(31) if (first + DAY * i).month == number]
    working = [day for day in days if day.weekday() < 5]
    dates = sorted(working[i] for i in rng.integers(0, len(working), size=people))
    result = []
    for status, day in zip(statuses, dates, strict=True):
        network = NETWORKS[int(rng.choice(3, p=[0.36, 0.33, 0.31]))]
        practice = _PRACTICES[network][int(rng.integers(0, 15))]
        person = _Person(status, day, network, practice, "", gender="Female" if rng.random() < 0.62 else "Male")
        if status in ("tracked", "not_known_to_asc"):
            person.nhs = numbers.valid()
            person.typed_nhs = _typed(person.nhs, _typing_style(rng))
        elif status == "nhs_invalid":
            person.typed_nhs = numbers.invalid(rng, invalid_kinds.pop())
        result.append(person)
    return result


def _window_ages(rng: np.random.Generator, count: int) -> np.ndarray:
    """Ages in whole years with exactly CS18067's mean, minimum and maximum."""
    ages = np.clip(np.rint(rng.normal(84, 7, size=count)), 60, 101).astype(int)
    younger = rng.random(count) < 0.04
    ages[younger] = rng.integers(45, 70, size=int(younger.sum()))
    ages[:2] = (DEMO_AGE_MIN, DEMO_AGE_MAX)
    shortfall = DEMO_AGE_MEAN * count - int(ages.sum())
    while shortfall:
        step = int(np.sign(shortfall))
        movable = np.flatnonzero((ages[2:] + step >= 60) & (ages[2:] + step <= 101)) + 2
        chosen = rng.choice(movable, size=min(abs(shortfall), movable.size), replace=False)
        ages[chosen] += step
        shortfall -= step * chosen.size
    return ages[rng.permutation(count)]


def _request_and_assessment(rng: np.random.Generator, service_start: dt.date, slot: int = 0) -> list[_Event]:
    """The Request and Assessment that led to a service starting on `service_start`."""
    request = service_start - DAY * int(rng.integers(10, 60))
    assessment = request + DAY * int(rng.integers(2, 8))
    assessed = min(service_start, assessment + DAY * int(rng.integers(0, 14)))
    return [
        _Event("Request", request, request, slot=slot),
        _Event("Assessment", assessment, assessed, slot=slot),
    ]


def _reviews(rng: np.random.Generator, start: dt.date, end: dt.date | None) -> list[_Event]:
    """Annual reviews of a package while it is open, within the extracts."""
    last = min(end or EXTRACT_END, EXTRACT_END)
    reviews, day = [], start + DAY * int(rng.integers(300, 400))
    while day <= last:
        reviews.append(_Event("Review", day, min(EXTRACT_END, day + DAY * int(rng.integers(0, 8)))))
        day += DAY * int(rng.integers(330, 400))
    return reviews


def _service(package: _Package, start: dt.date, end: dt.date | None = None, slot: int = 0) -> _Event:
    return _Event("Service", start, end, package, slot)


def _long_standing(
    rng: np.random.Generator, latest: dt.date, package: _Package, end: dt.date | None = None
) -> tuple[dt.date, list[_Event]]:
    """A package started on or before `latest`, with the contacts and reviews that go with it."""
    start = _day_between(rng, _LONG_AGO, latest)
    return start, [*_request_and_assessment(rng, start), _service(package, start, end), *_reviews(rng, start, end)]


def _maybe_ended_after(rng: np.random.Generator, after: dt.date) -> dt.date | None:
    """Most packages are open at the end of the extracts; some end after the after day."""
    return _day_between(rng, after + DAY, EXTRACT_END) if rng.random() < 0.1 and after < EXTRACT_END else None


def _events_unchanged(rng: np.random.Generator, person: _Person, after: dt.date) -> list[_Event]:
    """In receipt before and after, at the same weekly cost to the penny."""
    before, role = person.referral - DAY, person.role
    if role == "switch_frequency":
        weekly = _Package(_LONG_TERM, "Direct Payment", "Weekly", int(rng.integers(12_000, 30_000)))
        switch = _day_between(rng, before, after - DAY)
        start, events = _long_standing(rng, before, weekly, end=switch)
        four_weekly = replace(weekly, frequency="Four-weekly", unit_pence=4 * weekly.unit_pence)
        return [*events, _service(four_weekly, switch + DAY)]
    if role == "pilot":  # started after a pilot referral on 2016-09-30, before the in-window referral
        start = _day_between(rng, _PILOT_REFERRAL + DAY, before)
        events = [*_request_and_assessment(rng, start), _service(_draw_package(rng, _LONG_TERM_MIX), start)]
    else:
        package = _balance_placeholder() if role == "balance" else _draw_package(rng, _LONG_TERM_MIX)
        end = after if role == "ends_on_after_day" else _maybe_ended_after(rng, after)
        start, events = _long_standing(rng, before, package, end)
    if role == "second_la" or rng.random() < 0.3:
        slot = 1 if role == "second_la" else 0
        second_start = _day_between(rng, start, before)
        if slot:
            events += _request_and_assessment(rng, second_start, slot)
        events.append(_service(_draw_package(rng, _SECOND_MIX), second_start, slot=slot))
    return events


def _events_ended(rng: np.random.Generator, person: _Person, after: dt.date) -> list[_Event]:
    """In receipt before, not after."""
    before = person.referral - DAY
    end = before if person.role == "ends_on_before_day" else _day_between(rng, before, after - DAY)
    start, events = _long_standing(rng, before, _draw_package(rng, _LONG_TERM_MIX), end)
    if person.role == "second_la":  # the package was recorded under a second LA id, with its own Request
        events = [replace(e, slot=1) if e.event_type == "Service" else e for e in events]
        events += _request_and_assessment(rng, start, slot=1)
    return events


def _events_new(rng: np.random.Generator, person: _Person, after: dt.date) -> list[_Event]:
    """Not in receipt before; a package from the referral day or later, open on the after day."""
    referral, role = person.referral, person.role
    start = referral if role == "on_referral_day" else _day_between(rng, referral, after)
    package = _balance_placeholder() if role == "balance" else _draw_package(rng, _NEW_MIX)
    slot = 1 if role == "second_la" else 0
    request = _day_between(rng, referral, start)
    events = [
        _Event("Request", request, request, slot=slot),
        _Event("Assessment", _day_between(rng, request, start), start, slot=slot),
        _service(package, start, _maybe_ended_after(rng, after), slot),
    ]
    if slot or rng.random() < 0.2:  # known to the council years ago, under their first LA id
        old_start = _day_between(rng, _LONG_AGO, referral - DAY * 400)
        old_end = old_start + DAY * int(rng.integers(14, 120))
        events = [
            *_request_and_assessment(rng, old_start),
            _service(_draw_package(rng, _SECOND_MIX), old_start, old_end),
            *events,
        ]
    return events


def _events_increased(rng: np.random.Generator, person: _Person, after: dt.date) -> list[_Event]:
    """In receipt before and after, at a higher weekly cost after."""
    referral, before, role = person.referral, person.referral - DAY, person.role
    if role == "penny":
        old = _Package(_LONG_TERM, "Direct Payment", "Weekly", 25_000)
        change = _day_between(rng, before, after - DAY)
        start, events = _long_standing(rng, before, old, end=change)
        return [*events, _service(replace(old, unit_pence=25_001), change + DAY)]
    old = _draw_package(rng, _LONG_TERM_MIX)
    if role == "replaced_on_referral_day" or (role is None and rng.random() < 0.4):
        change = before if role else _day_between(rng, before, after - DAY)
        start, events = _long_standing(rng, before, old, end=change)
        return [*events, _service(_resized(rng, old, bigger=True), change + DAY)]
    start, events = _long_standing(rng, before, old, _maybe_ended_after(rng, after))
    slot = 1 if role == "second_la" else 0
    extra_start = _day_between(rng, referral, after)
    if slot:
        events += _request_and_assessment(rng, extra_start, slot)
    return [*events, _service(_draw_package(rng, _SECOND_MIX), extra_start, slot=slot)]


def _events_decreased(rng: np.random.Generator, person: _Person, after: dt.date) -> list[_Event]:
    """In receipt before and after, at a lower weekly cost after."""
    before, role = person.referral - DAY, person.role
    change = _day_between(rng, before, after - DAY)
    if role == "second_ends":  # two packages before; the second one ends
        start, events = _long_standing(rng, before, _draw_package(rng, {"home_care": 1}))
        return [*events, _service(_draw_package(rng, {"day_care": 1}), _day_between(rng, start, before), change)]
    mix = {"dp_four_weekly": 1} if role == "smaller" else {"home_care": 1}
    old = _draw_package(rng, mix)
    if old.units is not None and old.units < 6:
        old = replace(old, units=old.units + 6)
    start, events = _long_standing(rng, before, old, end=change)
    return [*events, _service(_resized(rng, old, bigger=False), change + DAY)]


def _events_none(rng: np.random.Generator, person: _Person, after: dt.date) -> list[_Event]:
    """Known to the council but in receipt neither before nor after."""
    referral, before, role = person.referral, person.referral - DAY, person.role
    variant = role or str(
        rng.choice(["assessed", "historic", "reablement", "equipment", "future"], p=[0.4, 0.2, 0.15, 0.1, 0.15])
    )
    if variant in ("historic", "ends_day_before_before_day"):
        end = before - DAY if role else _day_between(rng, _LONG_AGO + DAY * 400, before - DAY)
        start, events = _long_standing(rng, end - DAY * 30, _draw_package(rng, _LONG_TERM_MIX), end)
        return [event for event in events if event.event_type != "Review" or event.start <= end]
    if variant == "reablement" and referral < after:
        start = _day_between(rng, referral, after - DAY)
        end = min(after - DAY, start + DAY * int(rng.integers(14, 43)))
        return [*_request_and_assessment(rng, start), _service(_draw_package(rng, {"reablement": 1}), start, end)]
    if variant == "equipment":  # a One-off row, open across both days: not a care package
        start = _day_between(rng, referral - DAY * 300, before)
        return [*_request_and_assessment(rng, start), _service(_draw_package(rng, {"equipment": 1}), start)]
    if variant in ("future", "starts_day_after_after_day") and after < EXTRACT_END:
        start = after + DAY if role else _day_between(rng, after + DAY, EXTRACT_END)
        request = _day_between(rng, referral, after)
        return [_Event("Request", request, request), _service(_draw_package(rng, _NEW_MIX), start)]
    request = _day_between(rng, referral, min(after, referral + DAY * 30))
    assessment = _day_between(rng, request, min(EXTRACT_END, request + DAY * 14))
    return [_Event("Request", request, request), _Event("Assessment", assessment, assessment + DAY * 7)]


_EVENT_BUILDERS = {
    "none": _events_none,
    "new": _events_new,
    "ended": _events_ended,
    "increased": _events_increased,
    "decreased": _events_decreased,
    "unchanged": _events_unchanged,
}


def _one_off_equipment(rng: np.random.Generator, person: _Person, after: dt.date) -> _Event:
    """Equipment delivered some time around the referral: a One-off row, left open."""
    start = _day_between(rng, person.referral - DAY * 200, min(after, person.referral + DAY * 30))
    return _service(_draw_package(rng, {"equipment": 1}), start)


def _weekly_on(events: list[_Event], day: dt.date) -> tuple[bool, int]:
    """Whether any care package is active on `day`, and the weekly cost (pence) of those that are."""
    active = [
        e.package.weekly_pence
        for e in events
        if e.package is not None
        and e.package.frequency != ONE_OFF
        and e.start <= day
        and (e.end is None or e.end >= day)
    ]
    return bool(active), sum(active)


def _outcome(events: list[_Event], referral: dt.date, after: dt.date) -> tuple[str, int, int]:
    """SPEC.md definition 6 for one person, with their weekly cost before and after (pence)."""
    in_before, before = _weekly_on(events, referral - DAY)
    in_after, after_cost = _weekly_on(events, after)
    if in_before and in_after:
        outcome = "unchanged" if before == after_cost else "increased" if after_cost > before else "decreased"
    else:
        outcome = {(False, False): "none", (False, True): "new", (True, False): "ended"}[(in_before, in_after)]
    return outcome, before, after_cost


def _weekly_totals(tracked: list[_Person]) -> tuple[int, int]:
    """Weekly cost (pence) of the tracked people on their before days and on the after day."""
    costs = [_outcome(p.events, p.referral, PERIOD_END)[1:] for p in tracked]
    return sum(before for before, _ in costs), sum(after for _, after in costs)


def _set_balance(rng: np.random.Generator, tracked: list[_Person]) -> None:
    """Give the `balance` placements the weekly costs that make CS18067's totals exact: first the
    unchanged ones (they count before and after), then the new ones (after only)."""
    for outcome in ("unchanged", "new"):
        before, after = _weekly_totals(tracked)
        residual = DEMO_WEEKLY_BEFORE - before if outcome == "unchanged" else DEMO_WEEKLY_AFTER - after
        people = [p for p in tracked if p.outcome == outcome and p.role == "balance"]
        weights = rng.uniform(0.6, 1.4, size=len(people))
        shares = np.floor(residual * weights / weights.sum()).astype(int)
        shares[-1] += residual - int(shares.sum())
        if not 10_000 <= shares.min() <= shares.max() <= 95_000:
            raise RuntimeError(f"demo balance for {outcome} is {shares.tolist()} pence; retune the mixes")
        for person, weekly in zip(people, shares, strict=True):
            person.events = [
                replace(e, package=_weekly_package(int(weekly)))
                if e.package is not None and e.package.unit_pence == 0
                else e
                for e in person.events
            ]


def _assign_outcomes(rng: np.random.Generator, tracked: list[_Person]) -> None:
    """Spread CS18067's outcomes over the tracked people, and give the special roles to some of them."""
    labels = [outcome for outcome, count in DEMO_OUTCOMES.items() for _ in range(count)]
    for person, i in zip(tracked, rng.permutation(len(labels)), strict=True):
        person.outcome = labels[i]
    last = next(p for p in tracked if p.referral == PERIOD_END)
    swap = next(p for p in tracked if p.outcome == "new" and p is not last)
    last.outcome, swap.outcome = "new", last.outcome
    last.role = "on_referral_day"
    pilot = min(
        (p for p in tracked if p.outcome == "unchanged" and p.referral >= dt.date(2016, 10, 4)),
        key=lambda p: p.referral,
    )
    pilot.role = "pilot"
    for outcome, roles in DEMO_ROLES.items():
        free = [p for p in tracked if p.outcome == outcome and p.role is None]
        wanted = [role for role in roles if role not in ("on_referral_day", "pilot")]
        for role, i in zip(wanted, rng.choice(len(free), size=len(wanted), replace=False), strict=True):
            free[i].role = role


def _build_events(rng: np.random.Generator, people: list[_Person], after: dt.date) -> None:
    for person in people:
        person.events = _EVENT_BUILDERS[person.outcome](rng, person, after)
        if rng.random() < 0.08:
            person.events.append(_one_off_equipment(rng, person, after))


def _mark_linkage_edges(rng: np.random.Generator, tracked: list[_Person]) -> None:
    """Blank NHS Number on some people's Service rows; spaced NHS Numbers on some people's CLD rows."""
    plain = [p for p in tracked if p.role is None and p.outcome != "none"]
    chosen = rng.choice(len(plain), size=DEMO_BLANK_NHS_PEOPLE + DEMO_SPACED_CLD_PEOPLE, replace=False)
    for n, i in enumerate(chosen):
        person = plain[int(i)]
        if n < DEMO_BLANK_NHS_PEOPLE:
            person.events = [replace(e, blank_nhs=e.event_type == "Service") for e in person.events]
        else:
            person.cld_nhs_spaced = True
    blank_new = next(p for p in tracked if p.role == "blank_nhs")
    blank_new.events = [replace(e, blank_nhs=e.event_type == "Service") for e in blank_new.events]


def _check_outcomes(tracked: list[_Person]) -> None:
    """The demo is built to CS18067: stop if any person's outcome or the totals came out otherwise."""
    totals = [0, 0]
    for person in tracked:
        outcome, before, after = _outcome(person.events, person.referral, PERIOD_END)
        if outcome != person.outcome:
            raise RuntimeError(f"demo person meant to be {person.outcome} came out {outcome} ({person.role})")
        totals[0] += before
        totals[1] += after
    if totals != [DEMO_WEEKLY_BEFORE, DEMO_WEEKLY_AFTER]:
        raise RuntimeError(f"demo weekly totals came out {totals}")


def _demo_people(rng: np.random.Generator, numbers: _NhsNumbers) -> tuple[list[_Person], list[_Person]]:
    """The in-window people (CS18067's cohort, with CLD events) and the people referred after the window."""
    invalid_kinds = [DEMO_INVALID_KINDS[i] for i in rng.permutation(len(DEMO_INVALID_KINDS))]
    window = [p for month in DEMO_WINDOW_MONTHS for p in _month_people(rng, numbers, month, invalid_kinds)]
    later_kinds = [str(k) for k in rng.choice(["check", "short"], size=4)]
    later = [p for month in DEMO_LATER_MONTHS for p in _month_people(rng, numbers, month, later_kinds)]
    next(p for p in window if p.status == "tracked").referral = PROGRAMME_START
    next(p for p in reversed(window) if p.status == "tracked").referral = PERIOD_END
    next(p for p in later if p.status == "not_known_to_asc").referral = PERIOD_END + DAY
    for person, age in zip(window, _window_ages(rng, len(window)), strict=True):
        person.birth = _birth_for_age(rng, person.referral, int(age))
    birthday = window[int(rng.integers(0, len(window)))]
    birthday.birth = _add_years(birthday.referral, -_age_on(birthday.birth, birthday.referral))
    for person in later:
        person.birth = _birth_for_age(rng, person.referral, int(np.clip(rng.normal(83, 8), 55, 100)))
    tracked = [p for p in window if p.status == "tracked"]
    _assign_outcomes(rng, tracked)
    _build_events(rng, tracked, PERIOD_END)
    _mark_linkage_edges(rng, tracked)
    _set_balance(rng, tracked)
    _check_outcomes(tracked)
    later_tracked = [p for p in later if p.status == "tracked"]
    shares = np.array(list(DEMO_OUTCOMES.values())) / sum(DEMO_OUTCOMES.values())
    for person in later_tracked:
        person.outcome = str(rng.choice(list(DEMO_OUTCOMES), p=shares))
    _build_events(rng, later_tracked, EXTRACT_END)
    return window, later


# ---------------------------------------------------------------------------------------------------------
# Demo referral rows and CLD rows as tables.


@dataclass
class _Referral:
    """One referral row before its referral_id is given: `order` breaks ties between rows of one day."""

    person: _Person
    day: dt.date
    network: str
    gp_practice: str
    typed_nhs: str
    uk_dates: bool
    show_birth: bool
    order: int = 0
    bad: str | None = None


def _demo_referrals(
    rng: np.random.Generator, numbers: _NhsNumbers, window: list[_Person], later: list[_Person]
) -> list[_Referral]:
    """Every referral row of the demo: index referrals, repeats, the pilot referral and the bad rows."""

    def row(person: _Person, day: dt.date, **changes) -> _Referral:
        typed = _typed(person.nhs, _typing_style(rng)) if person.nhs and day != person.referral else person.typed_nhs
        birthday = (person.birth.month, person.birth.day) == (day.month, day.day)
        show_birth = rng.random() < 0.9 or birthday
        base = _Referral(person, day, person.network, person.gp_practice, typed, rng.random() < 0.85, show_birth)
        return replace(base, **changes)

    rows = [row(p, p.referral) for p in window + later]
    linked = [p for p in window if p.nhs is not None and p.referral <= PERIOD_END - DAY * 7]
    repeats = [linked[int(i)] for i in rng.choice(len(linked), size=DEMO_REPEATS + 5, replace=False)]
    tie = repeats[0]
    other = next(n for n in NETWORKS if n != tie.network)
    rows.append(row(tie, tie.referral, network=other, gp_practice=_PRACTICES[other][0], order=1))
    rows += [row(p, _day_between(rng, p.referral + DAY, PERIOD_END)) for p in repeats[1:DEMO_REPEATS]]
    rows += [row(p, _day_between(rng, PERIOD_END + DAY, EXTRACT_END)) for p in repeats[DEMO_REPEATS:]]
    pilot = next(p for p in window if p.role == "pilot")
    rows.append(row(pilot, _PILOT_REFERRAL))
    for bad, day in (("network", dt.date(2017, 2, 14)), ("date", dt.date(2017, 2, 28))):
        stranger = _Person("not_known_to_asc", day, "East", _PRACTICES["East"][3], "", nhs=numbers.valid())
        stranger.typed_nhs = _typed(stranger.nhs, 1)
        stranger.birth = _birth_for_age(rng, day, 79)
        rows.append(row(stranger, day, bad=bad, network=UNKNOWN_NETWORK if bad == "network" else "East"))
    rows.sort(key=lambda r: (r.day, r.order))
    candidates = [r for r in rows if r.bad is None and PROGRAMME_START <= r.day <= PERIOD_END]
    duplicated = candidates[int(rng.integers(0, len(candidates)))]
    rows.insert(rows.index(duplicated) + 1, replace(duplicated, bad="duplicate"))
    return rows


def _referral_table(rows: list[_Referral]) -> pd.DataFrame:
    """The referrals as the model the writer formats: days as day numbers, text as typed."""
    ids, number = [], 0
    for r in rows:
        number += r.bad != "duplicate"
        ids.append(f"ICN{number:06d}")
    birth = [_day_number(r.person.birth) if r.show_birth else _NO_DAY for r in rows]
    return pd.DataFrame(
        {
            "referral_id": ids,
            "nhs_number": [r.typed_nhs for r in rows],
            "referral_day": [_day_number(r.day) for r in rows],
            "unparseable_date": [r.bad == "date" for r in rows],
            "uk_dates": [r.uk_dates for r in rows],
            "network": [r.network for r in rows],
            "birth_day": birth,
            "age": [np.nan if r.show_birth else float(_age_on(r.person.birth, r.day)) for r in rows],
            "gp_practice": [r.gp_practice for r in rows],
        }
    )


def _background_people(rng: np.random.Generator, numbers: _NhsNumbers, invalid_typed: str) -> list[_Person]:
    """Council clients never referred to an ICN, and the two bad CLD rows (both theirs)."""
    people = []
    for i in range(DEMO_BACKGROUND_PEOPLE + DEMO_BACKGROUND_NO_NHS + 3):
        anchor = _day_between(rng, dt.date(2013, 1, 1), EXTRACT_END)
        person = _Person("background", anchor, "", "", "", nhs=numbers.valid() if i >= DEMO_BACKGROUND_NO_NHS else None)
        person.gender = "Female" if rng.random() < 0.6 else "Male"
        person.birth = _birth_for_age(rng, anchor, int(np.clip(rng.normal(78, 12), 19, 104)))
        person.outcome = str(rng.choice(list(DEMO_OUTCOMES), p=[0.3, 0.1, 0.15, 0.1, 0.05, 0.3]))
        person.role = "second_la" if i < DEMO_BACKGROUND_NO_NHS + DEMO_BACKGROUND_TWO_IDS and person.nhs else None
        if person.role:
            person.outcome = "unchanged"
        person.events = _EVENT_BUILDERS[person.outcome](rng, person, EXTRACT_END)
        people.append(person)
    typo, ends_early, unknown = people[-3:]
    typo.nhs, typo.typed_nhs = None, invalid_typed.replace(" ", "")
    start = dt.date(2017, 3, 1)
    ends_early.events = [
        *_request_and_assessment(rng, start),
        _service(_draw_package(rng, {"home_care": 1}), start, dt.date(2016, 3, 31)),
    ]
    odd = _Package(_LONG_TERM, "Home Care", UNKNOWN_FREQUENCY, 1_450, 3.0)
    unknown.events = [*_request_and_assessment(rng, start), _service(odd, start)]
    return people


def _cld_table(rng: np.random.Generator, people: list[_Person]) -> pd.DataFrame:
    """Every person's CLD events as rows of the model the writer formats, with LA person ids given."""
    slots = [(p, s) for p in people for s in sorted({e.slot for e in p.events})]
    la_ids = 1_000_000 + rng.choice(9_000_000, size=len(slots), replace=False)
    la_of = {(id(p), s): int(la) for (p, s), la in zip(slots, la_ids, strict=True)}
    rows = []
    for person in people:
        nhs = person.typed_nhs if person.nhs is None else _typed(person.nhs, int(person.cld_nhs_spaced))
        for event in person.events:
            package = event.package
            rows.append(
                (
                    la_of[(id(person), event.slot)],
                    "" if event.blank_nhs else nhs,
                    _day_number(person.birth),
                    person.gender,
                    event.event_type,
                    _day_number(event.start),
                    _day_number(event.end) if event.end and event.end <= EXTRACT_END else _NO_DAY,
                    package.service_type if package else "",
                    package.component if package else "",
                    package.unit_pence if package else _NO_DAY,
                    package.frequency if package else "",
                    package.units if package and package.units is not None else np.nan,
                )
            )
    return pd.DataFrame(rows, columns=_CLD_MODEL)


_CLD_MODEL = (
    "la_id",
    "nhs_number",
    "birth_day",
    "gender",
    "event_type",
    "start_day",
    "end_day",
    "service_type",
    "component",
    "unit_pence",
    "frequency",
    "units",
)


def _wrong_check_typed(typed: str) -> bool:
    """Ten digits, not all the same, failing the check digit: a typing slip in a real-looking number."""
    digits = typed.replace(" ", "").replace("-", "")
    body = np.array([int(digits[:9])]) if len(digits) == 10 else None
    return body is not None and len(set(digits)) > 1 and int(check_digits(body)[0]) not in (10, int(digits[9]))


def _demo_extract() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The demo's referral and CLD models, from DEMO_SEED."""
    rng = np.random.default_rng(DEMO_SEED)
    numbers = _NhsNumbers(rng)
    window, later = _demo_people(rng, numbers)
    referrals = _demo_referrals(rng, numbers, window, later)
    wrong_check = next(p.typed_nhs for p in window if p.status == "nhs_invalid" and _wrong_check_typed(p.typed_nhs))
    background = _background_people(rng, numbers, wrong_check)
    tracked = [p for p in window + later if p.status == "tracked"]
    return _referral_table(referrals), _cld_table(rng, tracked + background)


def write_demo(out_dir: Path) -> list[Path]:
    """Write the CS18067 demo extract (referrals.csv + quarterly CLD files) into out_dir; return the paths written."""
    referrals, cld = _demo_extract()
    return _write_extract(Path(out_dir), referrals, cld)


# ---------------------------------------------------------------------------------------------------------
# NHS numbers and dates, vectorised.


def check_digits(bodies: np.ndarray) -> np.ndarray:
    """The Modulus 11 check digit of each nine-digit body; 10 where no check digit makes the number valid."""
    total = np.zeros(len(bodies), dtype=np.int64)
    rest = np.asarray(bodies, dtype=np.int64)
    for weight in MOD11_WEIGHTS[::-1]:
        total += weight * (rest % 10)
        rest = rest // 10
    check = 11 - total % 11
    return np.where(check == 11, 0, check)


def valid_test_numbers() -> np.ndarray:
    """Every valid NHS number in the test range, ascending (the all-nines number is not valid)."""
    bodies = np.arange(*TEST_RANGE_BODIES, dtype=np.int64)
    check = check_digits(bodies)
    numbers = bodies[check != 10] * 10 + check[check != 10]
    return numbers[numbers != 9_999_999_999]


def _test_bodies_without_check() -> np.ndarray:
    bodies = np.arange(*TEST_RANGE_BODIES, dtype=np.int64)
    return bodies[check_digits(bodies) == 10]


def _day_number(day: dt.date) -> int:
    return (day - _EPOCH).days


def _digit_bytes(values: np.ndarray, width: int) -> np.ndarray:
    """Each whole number as `width` ASCII digit bytes, zero padded: an (n, width) uint8 array."""
    out = np.empty((len(values), width), dtype=np.uint8)
    rest = np.asarray(values, dtype=np.int64).copy()
    for column in range(width - 1, -1, -1):
        out[:, column] = rest % 10 + ord("0")
        rest //= 10
    return out


def _as_text(byte_rows: np.ndarray) -> np.ndarray:
    """An (n, width) uint8 array of ASCII as n strings."""
    width = byte_rows.shape[1]
    return np.ascontiguousarray(byte_rows).view(f"S{width}").ravel().astype(f"U{width}").astype(object)


def typed_nhs_numbers(numbers: np.ndarray, style: np.ndarray) -> np.ndarray:
    """Ten-digit numbers as typed: style 0 plain, 1 spaced 3-3-4, 2 hyphenated 3-3-4."""
    digits = _digit_bytes(numbers, 10)
    spaced = np.empty((len(numbers), 12), dtype=np.uint8)
    spaced[:, [0, 1, 2, 4, 5, 6, 8, 9, 10, 11]] = digits
    separator = np.where(style == 2, ord("-"), ord(" ")).astype(np.uint8)
    spaced[:, 3] = separator
    spaced[:, 7] = separator
    return np.where(style == 0, _as_text(digits), _as_text(spaced))


@functools.cache
def _date_categories() -> pd.Index:
    """Every day the extracts can hold, written ISO, then UK, then the one unparseable date."""
    days = np.arange(np.datetime64(_TABLE_FIRST), np.datetime64(_TABLE_LAST) + 1)
    iso = np.datetime_as_string(days, unit="D").tolist()
    uk = [f"{text[8:10]}/{text[5:7]}/{text[:4]}" for text in iso]
    return pd.Index([*iso, *uk, UNPARSEABLE_DATE], dtype=object)


def _dates_text(
    days: np.ndarray, uk: np.ndarray | bool = False, unparseable: np.ndarray | bool = False
) -> pd.Categorical:
    """Day numbers as date text, ISO or UK per row; `_NO_DAY` is blank."""
    first, count = _day_number(_TABLE_FIRST), _day_number(_TABLE_LAST) - _day_number(_TABLE_FIRST) + 1
    days = np.asarray(days, dtype=np.int64)
    codes = days - first + np.where(uk, count, 0)
    codes = np.where(days == _NO_DAY, -1, codes)
    codes = np.where(unparseable, 2 * count, codes)
    if ((codes < -1) | (codes > 2 * count)).any():
        raise ValueError("a date is outside the range the synthetic extracts write")
    return pd.Categorical.from_codes(codes, categories=_date_categories())


# ---------------------------------------------------------------------------------------------------------
# Writing.


def _decimal_text(values: np.ndarray) -> pd.Categorical:
    """Numbers written with 2 decimals (`17.52`, `14.00`), NaN blank: each distinct value formatted once."""
    blank = np.isnan(values)
    distinct, codes = np.unique(np.where(blank, 0.0, values), return_inverse=True)
    categories, positions = np.unique(
        np.array([f"{value:.2f}" for value in distinct], dtype=object), return_inverse=True
    )
    return pd.Categorical.from_codes(np.where(blank, -1, positions[codes.ravel()]), categories=categories)


def _to_csv(frame: pd.DataFrame, path: Path) -> Path:
    """UTF-8, comma separated, unquoted, `\\n` line ends, no index, decimals with 2 places, blanks empty."""
    columns = {
        name: _decimal_text(column.to_numpy()) if pd.api.types.is_float_dtype(column.dtype) else column
        for name, column in frame.items()
    }
    table = pa.Table.from_pandas(pd.DataFrame(columns, index=frame.index), preserve_index=False)
    options = pa_csv.WriteOptions(include_header=False, quoting_style="none", eol="\n")
    with path.open("wb") as file:
        file.write((",".join(frame.columns) + "\n").encode("utf-8"))
        pa_csv.write_csv(table, file, write_options=options)
    return path


def _referrals_csv(model: pd.DataFrame) -> pd.DataFrame:
    """The referrals file's columns, in order, from the referral model."""
    uk = model["uk_dates"].to_numpy()
    columns = (
        model["referral_id"],
        model["nhs_number"],
        _dates_text(model["referral_day"].to_numpy(), uk, model["unparseable_date"].to_numpy()),
        model["network"],
        _dates_text(model["birth_day"].to_numpy(), uk),
        model["age"].astype("Int64"),
        model["gp_practice"],
    )
    return pd.DataFrame(dict(zip(REFERRAL_HEADINGS, columns, strict=True)), index=model.index)


def _cld_csv(model: pd.DataFrame) -> pd.DataFrame:
    """The CLD file's columns, in order, from the CLD model: unit costs from pence to pounds."""
    pence = model["unit_pence"].to_numpy()
    columns = (
        model["la_id"],
        model["nhs_number"],
        _dates_text(model["birth_day"].to_numpy()),
        model["gender"],
        model["event_type"],
        _dates_text(model["start_day"].to_numpy()),
        _dates_text(model["end_day"].to_numpy()),
        model["service_type"],
        model["component"],
        np.where(pence == _NO_DAY, np.nan, pence / 100),
        model["frequency"],
        model["units"].to_numpy(dtype=float),
    )
    return pd.DataFrame(dict(zip(CLD_HEADINGS, columns, strict=True)), index=model.index)


def _quarter_of(start_days: np.ndarray) -> np.ndarray:
    """The CLD file (0-3) of each row: the quarter of its Event Start Date, earlier rows in the first."""
    return np.searchsorted(np.array([_day_number(d) for d in QUARTER_STARTS]), start_days, side="right")


def _write_extract(out_dir: Path, referrals: pd.DataFrame, cld: pd.DataFrame) -> list[Path]:
    """Write referrals.csv and the quarterly CLD files; CLD rows ordered by start date, then LA id."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [_to_csv(_referrals_csv(referrals), out_dir / REFERRALS_FILE)]
    cld = cld.sort_values(["start_day", "la_id"], kind="stable", ignore_index=True)
    quarter = _quarter_of(cld["start_day"].to_numpy())
    for number, name in enumerate(CLD_FILES):
        paths.append(_to_csv(_cld_csv(cld[quarter == number].reset_index(drop=True)), out_dir / name))
    return paths


# ---------------------------------------------------------------------------------------------------------
# Scale extracts: the same formats, any number of people, vectorised.

#: Share of referrals with no NHS number: from SCALE_MISSING_FIRST on the programme start down to
#: SCALE_MISSING_LAST a year later; then a share with an invalid one; the rest valid.
SCALE_MISSING_FIRST, SCALE_MISSING_LAST, SCALE_INVALID = 0.35, 0.15, 0.04
#: Of people with a valid NHS number, the share known to the council (on some CLD row).
SCALE_KNOWN = 0.78
#: Repeat referrals (share of people with a valid number); rows with DOB blank (age given); UK dates.
SCALE_REPEATS, SCALE_AGE_ONLY, SCALE_UK_DATES = 0.04, 0.08, 0.85
#: Council clients never referred, per person referred, and the share of them with an NHS number.
SCALE_BACKGROUND, SCALE_BACKGROUND_NHS = 0.3, 0.5
#: Share of LA persons whose NHS number is on a second LA person id too.
SCALE_SECOND_ID = 0.02
#: Share of Service rows with a blank NHS Number (the person's Request row carries it).
SCALE_BLANK_NHS = 0.03
#: One of each kind of bad row per this many people (at least one of each).
SCALE_PEOPLE_PER_BAD_ROW = 50_000
#: CLD event slots of each LA person: the event type and the chance the slot is present.
_SLOTS = (
    ("Request", 1.0),
    ("Assessment", 0.95),
    ("Service", 0.85),  # the main package (present unless its pattern is "none": see _PATTERNS)
    ("Service", 0.5),  # a second package, only with a main one
    ("Review", 0.7),  # only with a main package
    ("Service", 0.3),  # One-off equipment
)
_SCALE_MAIN_MIX = {**_LONG_TERM_MIX, "reablement": 6}
_GENDERS = ("Female", "Male")
_EVENT_TYPES = ("Request", "Assessment", "Service", "Review")

SCALE_PARAMS = """area: Synthetic
programme_start: 2016-10-01
networks: [East, Central, West]
data:
  referrals: referrals.csv
  asc: cld_*.csv
costs:
  days_per_year: 365
  staffing_per_year: 150000
"""


def write_scale(out_dir: Path, people: int, seed: int = 1) -> list[Path]:
    """Write a synthetic extract of `people` people (about 3 CLD rows per person, several quarterly CLD CSV
    files), plus a params.yaml beside it; return the paths."""
    if people < 1:
        raise ValueError("people must be at least 1")
    rng = np.random.default_rng(seed)
    referrals, clients = _scale_referrals(rng, people)
    cld = _scale_cld(rng, clients, bad_rows=max(1, people // SCALE_PEOPLE_PER_BAD_ROW))
    out_dir = Path(out_dir)
    paths = _write_extract(out_dir, referrals, cld)
    params = out_dir / PARAMS_FILE
    params.write_text(SCALE_PARAMS, encoding="utf-8", newline="\n")
    return [*paths, params]


def _scale_numbers(rng: np.random.Generator, count: int) -> np.ndarray:
    """`count` distinct valid NHS numbers from the test range, in random order."""
    numbers = valid_test_numbers()
    if count > len(numbers):
        raise ValueError(
            f"a scale extract this large needs {count:,} distinct NHS numbers; "
            f"the test range 999 000 0000 - 999 999 9999 holds {len(numbers):,}"
        )
    return rng.permutation(numbers)[:count]


@dataclass(frozen=True)
class _Clients:
    """The people a CLD extract holds: NHS number (0 when none), an anchor day their events are
    placed around (the referral day for referred people), date of birth, gender code, and whether
    they are background clients never referred."""

    nhs: np.ndarray
    anchor: np.ndarray
    birth: np.ndarray
    gender: np.ndarray
    background: np.ndarray


def _scale_referrals(rng: np.random.Generator, people: int) -> tuple[pd.DataFrame, _Clients]:
    """Referral rows of `people` people (with repeats and bad rows), and the council's clients."""
    first, span = _day_number(PROGRAMME_START), _day_number(EXTRACT_END) - _day_number(PROGRAMME_START) + 1
    day = first + rng.integers(0, span, size=people)
    missing_share = SCALE_MISSING_FIRST + (SCALE_MISSING_LAST - SCALE_MISSING_FIRST) * (day - first) / span
    draw = rng.random(people)
    missing, invalid = draw < missing_share, (draw >= missing_share) & (draw < missing_share + SCALE_INVALID)
    valid = ~missing & ~invalid
    known = valid & (rng.random(people) < SCALE_KNOWN)
    background = int(round(SCALE_BACKGROUND * people))
    background_nhs = rng.random(background) < SCALE_BACKGROUND_NHS
    numbers = _scale_numbers(rng, int(valid.sum() + background_nhs.sum()))
    nhs = np.zeros(people, dtype=np.int64)
    nhs[valid] = numbers[: int(valid.sum())]
    nhs[invalid] = _wrong_check_digit(rng, int(invalid.sum()))
    age = np.clip(np.rint(rng.normal(82, 9, size=people)), 38, 103)
    birth = day - np.floor(age * 365.25).astype(np.int64) - rng.integers(0, 365, size=people)
    gender = (rng.random(people) >= 0.62).astype(np.int8)
    network = rng.choice(3, size=people, p=[0.36, 0.33, 0.31])
    typed = _scale_typed(rng, nhs, valid, invalid)
    referrals = _scale_referral_rows(rng, day, typed, network, birth, valid)
    rest = numbers[int(valid.sum()) :]
    background_numbers = np.zeros(background, dtype=np.int64)
    background_numbers[background_nhs] = rest
    anchor = rng.integers(_day_number(dt.date(2013, 1, 1)), _day_number(EXTRACT_END) + 1, size=background)
    background_birth = anchor - rng.integers(18 * 365, 100 * 365, size=background)
    clients = _Clients(
        nhs=np.concatenate([nhs[known], background_numbers]),
        anchor=np.concatenate([day[known], anchor]),
        birth=np.concatenate([birth[known], background_birth]),
        gender=np.concatenate([gender[known], (rng.random(background) >= 0.6).astype(np.int8)]),
        background=np.repeat([False, True], [int(known.sum()), background]),
    )
    return referrals, clients


def _scale_typed(rng: np.random.Generator, nhs: np.ndarray, valid: np.ndarray, invalid: np.ndarray) -> np.ndarray:
    """NHS numbers as referrers type them: valid ones plain, spaced or hyphenated; invalid ones with a
    wrong check digit (three in four) or only nine digits; blank where there is none."""
    typed = np.full(len(nhs), "", dtype=object)
    style = rng.choice(3, size=len(nhs), p=[0.35, 0.6, 0.05])
    typed[valid] = typed_nhs_numbers(nhs[valid], style[valid])
    short = rng.random(int(invalid.sum())) < 0.25
    text = typed_nhs_numbers(nhs[invalid], np.where(short, 0, style[invalid] % 2))
    text[short] = [value[:9] for value in text[short]]
    typed[invalid] = text
    return typed


def _wrong_check_digit(rng: np.random.Generator, count: int) -> np.ndarray:
    """Ten-digit numbers in the test range whose last digit is not their check digit (so invalid)."""
    bodies = rng.integers(*TEST_RANGE_BODIES, size=count)
    check = check_digits(bodies)
    wrong = np.where(check == 10, rng.integers(0, 10, size=count), (check + rng.integers(1, 10, size=count)) % 10)
    return bodies * 10 + wrong


def _whole_years(birth: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Whole years from each date of birth to each day (day numbers)."""

    def year_and_month_day(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        dates = days.astype("datetime64[D]")
        month = dates.astype("datetime64[M]")
        month_day = month.astype(np.int64) % 12 * 100 + (dates - month).astype(np.int64)
        return dates.astype("datetime64[Y]").astype(np.int64), month_day

    birth_year, birth_month_day = year_and_month_day(birth)
    year, month_day = year_and_month_day(day)
    return year - birth_year - (month_day < birth_month_day)


def _scale_referral_rows(
    rng: np.random.Generator,
    day: np.ndarray,
    typed: np.ndarray,
    network: np.ndarray,
    birth: np.ndarray,
    valid: np.ndarray,
) -> pd.DataFrame:
    """One row per person, repeat referrals of some people with a valid number, and the bad rows."""
    people, last = len(day), _day_number(EXTRACT_END)
    repeat = np.flatnonzero(valid & (rng.random(people) < SCALE_REPEATS))
    repeat_day = day[repeat] + rng.integers(1, 120, size=len(repeat))
    repeat, repeat_day = repeat[repeat_day <= last], repeat_day[repeat_day <= last]
    bad = max(1, people // SCALE_PEOPLE_PER_BAD_ROW)
    strangers = rng.integers(0, people, size=2 * bad)  # bad rows borrow a day and a birth, not a person
    person = np.concatenate([np.arange(people), repeat, strangers])
    rows = pd.DataFrame(
        {
            "referral_day": np.concatenate([day, repeat_day, day[strangers]]),
            "nhs_number": np.concatenate([typed, typed[repeat], np.full(2 * bad, "", dtype=object)]),
            "network_code": np.concatenate(
                [network[person[: people + len(repeat)]], np.full(bad, 3), network[strangers[bad:]]]
            ),
            "unparseable_date": np.repeat([False, True], [people + len(repeat) + bad, bad]),
            "birth_day": birth[person],
        }
    )
    rows = rows.sort_values("referral_day", kind="stable", ignore_index=True)
    count = len(rows)
    duplicated = np.sort(
        rng.choice(
            np.flatnonzero(~rows["unparseable_date"].to_numpy() & (rows["network_code"] < 3).to_numpy()),
            size=bad,
            replace=False,
        )
    )
    order = np.argsort(np.concatenate([np.arange(count) * 2, duplicated * 2 + 1]), kind="stable")
    ids = np.concatenate([np.arange(1, count + 1), duplicated + 1])[order]
    rows = pd.concat([rows, rows.iloc[duplicated]], ignore_index=True).iloc[order].reset_index(drop=True)
    return _scale_referral_model(rng, rows, ids)


def _scale_referral_model(rng: np.random.Generator, rows: pd.DataFrame, ids: np.ndarray) -> pd.DataFrame:
    """The referral rows in the model the writer formats: ids, dates, networks, practices, ages."""
    count = len(rows)
    width = max(6, len(str(int(ids.max()))))
    id_bytes = np.empty((count, 3 + width), dtype=np.uint8)
    id_bytes[:, :3] = np.frombuffer(b"ICN", dtype=np.uint8)
    id_bytes[:, 3:] = _digit_bytes(ids, width)
    codes = rows["network_code"].to_numpy()
    practice = np.where(codes < 3, codes * 15, 0) + rng.integers(0, 15, size=count)
    practices = [code for network in NETWORKS for code in _PRACTICES[network]]
    birth, day = rows["birth_day"].to_numpy(), rows["referral_day"].to_numpy()
    age_only = rng.random(count) < SCALE_AGE_ONLY
    return pd.DataFrame(
        {
            "referral_id": _as_text(id_bytes),
            "nhs_number": rows["nhs_number"].to_numpy(),
            "referral_day": day,
            "unparseable_date": rows["unparseable_date"].to_numpy(),
            "uk_dates": rng.random(count) < SCALE_UK_DATES,
            "network": pd.Categorical.from_codes(codes, categories=[*NETWORKS, UNKNOWN_NETWORK]),
            "birth_day": np.where(age_only, _NO_DAY, birth),
            "age": np.where(age_only, _whole_years(birth, day), np.nan),
            "gp_practice": pd.Categorical.from_codes(practice, categories=practices),
        }
    )


def _scale_cld(rng: np.random.Generator, clients: _Clients, bad_rows: int) -> pd.DataFrame:
    """CLD rows of the council's clients: up to six events each (`_SLOTS`), about 3 on average."""
    second = rng.random(len(clients.nhs)) < SCALE_SECOND_ID
    second &= clients.nhs > 0
    order = rng.permutation(len(clients.nhs) + int(second.sum()))
    source = np.concatenate([np.arange(len(clients.nhs)), np.flatnonzero(second)])[order]
    starts, ends, present = _scale_event_days(rng, clients.anchor[source])
    person, slot = np.nonzero(present)
    start, end = starts[person, slot], ends[person, slot]
    is_service = np.isin(slot, (2, 3, 5))
    kind = np.full(len(slot), -1, dtype=np.int64)
    names = list(KINDS)
    for number, mix in ((2, _SCALE_MAIN_MIX), (3, _SECOND_MIX), (5, {"equipment": 1})):
        rows = np.flatnonzero(slot == number)
        weights = np.array(list(mix.values()), dtype=float)
        choices = np.array([names.index(name) for name in mix])
        kind[rows] = choices[rng.choice(len(choices), size=len(rows), p=weights / weights.sum())]
    unit, units = _scale_costs(rng, kind)
    frequency = _scale_frequency_codes(kind)
    background = clients.background[source][person]
    candidates = np.flatnonzero(background & (slot == 2))
    if len(candidates) >= 2 * bad_rows:
        chosen = rng.choice(candidates, size=2 * bad_rows, replace=False)
        end[chosen[:bad_rows]] = start[chosen[:bad_rows]] - rng.integers(1, 365, size=bad_rows)
        frequency[chosen[bad_rows:]] = len(_FREQUENCIES) - 1
    numbers = clients.nhs[source]
    unique = np.unique(numbers[numbers > 0])
    nhs_code = np.where(numbers > 0, np.searchsorted(unique, numbers), -1)[person]
    nhs_code[is_service & (rng.random(len(slot)) < SCALE_BLANK_NHS)] = -1
    event_type = np.array([_EVENT_TYPES.index(name) for name, _ in _SLOTS])[slot]
    return pd.DataFrame(
        {
            "la_id": 10_000_000 + person,
            "nhs_number": pd.Categorical.from_codes(
                nhs_code, categories=typed_nhs_numbers(unique, np.zeros(len(unique)))
            ),
            "birth_day": clients.birth[source][person],
            "gender": pd.Categorical.from_codes(clients.gender[source][person], categories=_GENDERS),
            "event_type": pd.Categorical.from_codes(event_type, categories=_EVENT_TYPES),
            "start_day": start,
            "end_day": end,
            "service_type": _kind_labels(kind, "service_type"),
            "component": _kind_labels(kind, "component"),
            "unit_pence": unit,
            "frequency": pd.Categorical.from_codes(frequency, categories=_FREQUENCIES),
            "units": units,
        }
    )


#: How each LA person's main package sits around their anchor day (the referral day for people referred),
#: with its share: open across it, ending after it, starting after it, over before it, starting long
#: after it (mostly outside the extracts), or no main package at all.
_PATTERNS = {"long": 0.3, "ends": 0.1, "new": 0.12, "historic": 0.2, "later": 0.13, "none": 0.15}


def _scale_event_days(rng: np.random.Generator, anchor: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start and end day of each LA person's event slots (`_SLOTS`) around their anchor day, and which
    slots they have: events never start after the extracts end; end dates after it are blank (ongoing)."""
    persons, last = len(anchor), _day_number(EXTRACT_END)

    def days(low: int, high: int) -> np.ndarray:
        return rng.integers(low, high, size=persons)

    pattern = rng.choice(list(_PATTERNS), size=persons, p=list(_PATTERNS.values()))
    before = np.isin(pattern, ("long", "ends"))
    main = np.select(
        [before, pattern == "new", pattern == "historic"],
        [anchor - days(30, 1500), anchor + days(0, 90), anchor - days(200, 2000)],
        anchor + days(91, 400),
    )
    main_end = np.select(
        [pattern == "long", pattern == "ends", pattern == "new", pattern == "historic"],
        [
            np.where(rng.random(persons) < 0.2, anchor + days(120, 900), _NO_DAY),
            anchor + days(0, 120),
            np.where(rng.random(persons) < 0.15, main + days(14, 400), _NO_DAY),
            main + days(14, 180),
        ],
        _NO_DAY,
    )
    request = np.minimum(main - days(10, 60), anchor + days(0, 30))
    assessment = request + days(2, 8)
    # A second package: for a third of people in receipt before, one added after their anchor day.
    added = before & (rng.random(persons) < 0.3)
    second = np.where(added, anchor + days(0, 150), main + days(0, 400))
    review, equipment = main + days(300, 400), main + days(-30, 200)
    starts = np.stack([request, assessment, main, second, review, equipment], axis=1)
    ends = np.stack(
        [
            request,
            np.minimum(main, assessment + days(0, 14)),
            main_end,
            np.where(rng.random(persons) < 0.5, second + days(14, 600), _NO_DAY),
            review + days(0, 8),
            np.full(persons, _NO_DAY),
        ],
        axis=1,
    )
    present = rng.random((persons, len(_SLOTS))) < np.array([chance for _, chance in _SLOTS])
    present[:, 2] = pattern != "none"
    present[:, 3:5] &= present[:, [2]]
    present &= starts <= last
    ends = np.where(ends > last, _NO_DAY, ends)
    return starts, ends, present


_KIND_TABLE = pd.DataFrame(KINDS.values(), index=list(KINDS))
_FREQUENCIES = (*dict.fromkeys(kind.frequency for kind in KINDS.values()), UNKNOWN_FREQUENCY)


def _scale_costs(rng: np.random.Generator, kind: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unit cost (pence; `_NO_DAY` off Service rows) and planned units per week (NaN unless the
    frequency needs them) of each row's kind of service (-1 for rows that are not services)."""
    table, service = _KIND_TABLE, kind >= 0
    k = kind[service]
    unit = np.full(len(kind), _NO_DAY, dtype=np.int64)
    unit[service] = table["step"].to_numpy()[k] * rng.integers(
        table["low"].to_numpy()[k], table["high"].to_numpy()[k], endpoint=True
    )
    units = np.full(len(kind), np.nan)
    high = table["units_high"].to_numpy()[k]
    planned = rng.integers(table["units_low"].to_numpy()[k], high, endpoint=True).astype(float)
    units[service] = np.where(high > 0, planned, np.nan)
    return unit, units


def _scale_frequency_codes(kind: np.ndarray) -> np.ndarray:
    codes = np.array([_FREQUENCIES.index(k.frequency) for k in KINDS.values()])
    return np.where(kind >= 0, codes[np.maximum(kind, 0)], -1)


def _kind_labels(kind: np.ndarray, label: str) -> pd.Categorical:
    """A CLD text column (service type or component) of each row's kind of service; blank off Service rows."""
    values = _KIND_TABLE[label].tolist()
    categories = list(dict.fromkeys(values))
    codes = np.array([categories.index(value) for value in values])
    return pd.Categorical.from_codes(np.where(kind >= 0, codes[np.maximum(kind, 0)], -1), categories=categories)
