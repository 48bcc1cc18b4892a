"""Properties of `compute_figures` on small random extracts, bad rows included.

The extracts are generated as the readers hand them on (canonical columns of text, with `_file` and `_row`).
Each generated cell carries what SPEC.md says it means (a date, an amount, a valid NHS number, or that it is
bad), so the expected row accounting, people, tracking, ages, outcomes and weekly costs are worked out here
from SPEC.md's definitions (and, where SPEC.md leaves a choice open, docs/methodology.md's choice), in exact
fractions, never from the code under test. The other properties are identities the definitions imply.

Properties: (a) outcomes partition tracked people with complete follow-up; (b) every row is accounted for
once; (c) people = tracked + untracked, by reason; (d) breakdowns add up; (e) receipt before splits the
outcomes; (f) costs add up; (g) row order does not matter; (h) the inputs are not changed.
`ICNREPORT_PROPERTY_EXAMPLES=1000` searches deeper than the default.
"""

import copy
import datetime as dt
import math
import os
import re
from dataclasses import dataclass
from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from icnreport.extracts import Extract, check_asc, check_referrals
from icnreport.figures import Figures, compute_figures
from icnreport.params import Params
from icnreport.period import Period

NETWORKS = ["East", "Central", "West"]
PROGRAMME_START = dt.date(2016, 10, 1)
PERIODS = [Period(2016, month) for month in (10, 11, 12)] + [Period(2017, month) for month in range(1, 10)]

#: Modest by default so the module runs in seconds; raise it for a deeper search, e.g.
#: `ICNREPORT_PROPERTY_EXAMPLES=2000 pytest tests/test_properties.py`.
MAX_EXAMPLES = int(os.environ.get("ICNREPORT_PROPERTY_EXAMPLES", "60"))
PROPERTY_SETTINGS = settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

REFERRAL_COLUMNS = [
    "referral_id",
    "nhs_number",
    "referral_date",
    "network",
    "date_of_birth",
    "age",
    "gp_practice",
]
ASC_COLUMNS = [
    "person_id",
    "nhs_number",
    "date_of_birth",
    "event_type",
    "event_start_date",
    "event_end_date",
    "service_type",
    "service_component",
    "unit_cost",
    "cost_frequency",
    "planned_units_per_week",
]


@dataclass(frozen=True)
class Cell:
    """One generated cell: the text written in the extract and what SPEC.md says it means (None: nothing
    usable, i.e. blank or bad)."""

    text: str
    value: object = None


# --- cells ---------------------------------------------------------------------------------------------

#: Modulus 11 by hand (weights 10..2 on digits 1-9; check = 11 - sum mod 11, 11 means 0):
#: 400000000_: 4x10 = 40, 40 mod 11 = 7, check 4. 400000001_: 40 + 2 = 42, mod 11 = 9, check 2.
#: 943476591_: 90+36+24+28+42+30+20+27+2 = 299, mod 11 = 2, check 9.
#: Few numbers, so that referrals repeat people and people appear in the CLD extract.
VALID_NHS = ["4000000004", "4000000012", "9434765919"]
#: Wrong check digit (should be 4); all digits alike (passes the arithmetic: 54 mod 11 = 10, check 1);
#: 9 digits; 11 digits; 400000008_ (40 + 16 = 56, mod 11 = 1, check 10: no valid number); letters.
INVALID_NHS = ["4000000005", "1111111111", "400000000", "40000000041", "4000000080", "ABC4000000"]


def _spaced(number: str) -> list[str]:
    return [number, f"{number[:3]} {number[3:6]} {number[6:]}", f"{number[:3]}-{number[3:6]}-{number[6:]}"]


@st.composite
def mostly(draw, good: st.SearchStrategy, bad: st.SearchStrategy, odds: int):
    """`good` about `odds` times as often as `bad`, so that most rows are usable and people link up; shrinks
    towards `good`. (`one_of` with a strategy repeated would not do: it draws each distinct strategy alike.)"""
    return draw(good) if draw(st.integers(0, odds)) < odds else draw(bad)


blank = st.just(Cell(""))
nhs_cells = mostly(
    st.builds(
        lambda number, style: Cell(_spaced(number)[style], number), st.sampled_from(VALID_NHS), st.integers(0, 2)
    ),
    st.one_of(st.sampled_from(INVALID_NHS).map(Cell), blank),
    odds=4,
)


def _date_texts(day: dt.date) -> list[str]:
    return [day.isoformat(), day.strftime("%d/%m/%Y"), f"{day.day}/{day.month}/{day.year}"]


def good_dates(first: dt.date, last: dt.date) -> st.SearchStrategy:
    """A day, written ISO, UK with leading zeros or UK without."""
    return st.builds(lambda day, style: Cell(_date_texts(day)[style], day), st.dates(first, last), st.integers(0, 2))


#: Not a date: impossible days, US order, other layouts, words.
bad_dates = st.sampled_from(
    ["2017-02-30", "31/04/2017", "04/13/2017", "00/01/2017", "2017/01/05", "20170105", "soon"]
).map(Cell)
#: Referrals from a month before the programme start to July 2017.
referral_dates = mostly(good_dates(dt.date(2016, 9, 1), dt.date(2017, 7, 31)), st.one_of(bad_dates, blank), 8)
#: Care events from well before the programme start.
event_dates = mostly(good_dates(dt.date(2015, 6, 1), dt.date(2017, 7, 31)), st.one_of(bad_dates, blank), 8)

network_cells = mostly(
    st.sampled_from(NETWORKS).map(lambda name: Cell(name, name)),
    st.sampled_from(["North", "Eastt", ""]).map(Cell),
    odds=8,
)
age_cells = mostly(
    st.integers(30, 105).map(lambda age: Cell(str(age), age)),
    st.sampled_from(["", "abc", "80.5", "-3"]).map(Cell),
    odds=3,
)
referral_ids = mostly(st.sampled_from([f"R{n}" for n in range(1, 13)]).map(lambda t: Cell(t, t)), blank, odds=8)
person_ids = mostly(st.sampled_from(["P1", "P2", "P3"]).map(lambda t: Cell(t, t)), blank, odds=8)

SERVICE = Cell("Service", "Service")
event_cells = mostly(
    mostly(st.just(SERVICE), st.sampled_from(["Request", "Assessment", "Review"]).map(lambda n: Cell(n, n)), 2),
    st.sampled_from(["Visit", ""]).map(Cell),
    odds=6,
)
cost_cells = mostly(
    st.sampled_from(
        [
            ("12.50", Fraction(25, 2)),
            ("£100", Fraction(100)),
            ("1,250.00", Fraction(1250)),
            ("0", 0),
            ("7", 7),
        ]
    ).map(lambda pair: Cell(*pair)),
    st.one_of(st.just(Cell("-5", -5)), st.sampled_from(["abc", ""]).map(Cell)),
    odds=8,
)
PLANNED = "planned units"
ONE_OFF = "one-off"
#: SPEC.md's weekly cost rule: units per week for each frequency.
FREQUENCIES = [
    ("Weekly", Fraction(1)),
    ("Fortnightly", Fraction(1, 2)),
    ("Four-weekly", Fraction(1, 4)),
    ("4 Weekly", Fraction(1, 4)),
    ("Monthly", Fraction(12, 52)),
    ("Quarterly", Fraction(4, 52)),
    ("Annually", Fraction(1, 52)),
    ("Hourly", PLANNED),
    ("Daily", PLANNED),
    ("Per session", PLANNED),
    ("One-off", ONE_OFF),
]
frequency_cells = mostly(
    st.sampled_from(FREQUENCIES).map(lambda pair: Cell(*pair)),
    st.sampled_from(["Fortnighly", ""]).map(Cell),
    odds=8,
)
planned_cells = mostly(
    st.sampled_from([("3", 3), ("0.5", Fraction(1, 2)), ("10", 10)]).map(lambda pair: Cell(*pair)),
    st.sampled_from(["", "x"]).map(Cell),
    odds=4,
)


# --- rows and tables -----------------------------------------------------------------------------------

referral_rows = st.fixed_dictionaries(
    {
        "referral_id": referral_ids,
        "nhs_number": nhs_cells,
        "referral_date": referral_dates,
        "network": network_cells,
        "date_of_birth": st.one_of(blank, good_dates(dt.date(1910, 1, 1), dt.date(1990, 12, 31))),
        "age": age_cells,
        "gp_practice": st.sampled_from(["G84001", ""]).map(Cell),
    }
)


@st.composite
def end_dates(draw, start: Cell) -> Cell:
    """Open (blank), on or after the start, before the start, or not a date."""
    kind = draw(st.sampled_from(["open", "after", "open", "after", "open", "after", "before", "bad"]))
    if kind == "bad" or start.value is None:
        return draw(st.one_of(blank, bad_dates, event_dates))
    if kind == "open":
        return Cell("")
    days = draw(st.integers(0, 500)) if kind == "after" else -draw(st.integers(1, 100))
    day = start.value + dt.timedelta(days=days)
    return Cell(draw(st.sampled_from(_date_texts(day))), day)


@st.composite
def asc_rows(draw) -> dict[str, Cell]:
    start = draw(event_dates)
    row = {
        "person_id": draw(person_ids),
        "nhs_number": draw(nhs_cells),
        "date_of_birth": Cell(""),
        "event_type": draw(event_cells),
        "event_start_date": start,
        "event_end_date": draw(end_dates(start)),
        "service_type": Cell("Long Term Support"),
        "service_component": Cell("Home Care"),
        "unit_cost": draw(cost_cells),
        "cost_frequency": draw(frequency_cells),
        "planned_units_per_week": draw(planned_cells),
    }
    return row


def table(rows: list[dict[str, Cell]], columns: list[str], file: str) -> pd.DataFrame:
    """Rows as `canonical_columns` hands them on: file, row number, then canonical columns of text."""
    text = {name: pd.Series([row[name].text for row in rows], dtype="string") for name in columns}
    return pd.DataFrame({"_file": [file] * len(rows), "_row": list(range(2, len(rows) + 2)), **text})


def make_params(follow_up_days: int | None, days_per_year: float) -> Params:
    return Params.model_validate(
        {
            "area": "Testshire",
            "programme_start": PROGRAMME_START.isoformat(),
            "networks": NETWORKS,
            "data": {"referrals": "referrals.csv", "asc": "cld.csv"},
            "costs": {"days_per_year": days_per_year, "staffing_per_year": 150_000},
            "follow_up_days": follow_up_days,
        }
    )


@dataclass(frozen=True)
class Case:
    referrals: list[dict[str, Cell]]
    asc: list[dict[str, Cell]]
    params: Params
    period: Period

    def figures(self) -> Figures:
        raw, raw_asc = raw_tables(self)
        referrals = Extract(check_referrals(raw, NETWORKS), raw, 0)
        return compute_figures(referrals, Extract(check_asc(raw_asc), raw_asc, 0), self.params, self.period)


cases = st.builds(
    Case,
    referrals=st.lists(referral_rows, min_size=1, max_size=14),
    asc=st.lists(asc_rows(), min_size=1, max_size=14),
    params=st.builds(
        make_params,
        follow_up_days=st.sampled_from([None, None, 30, 91, 200]),
        days_per_year=st.sampled_from([365, 365.25]),
    ),
    period=mostly(st.sampled_from(PERIODS[6:]), st.sampled_from(PERIODS[:6]), odds=3),  # mostly 2017-04 on
)


# --- what SPEC.md says the rows mean -------------------------------------------------------------------


def referral_row_is_good(rows: list[dict[str, Cell]]) -> list[bool]:
    """A referral row is used unless its id or date is missing or bad, its network is unknown, or an earlier
    good row has its referral_id (SPEC.md: duplicates are the second and later rows; a row set aside for
    another fault does not claim its id)."""
    good = [
        row["referral_id"].value is not None
        and row["referral_date"].value is not None
        and row["network"].value is not None
        for row in rows
    ]
    seen: set[str] = set()
    for position, row in enumerate(rows):
        if good[position]:
            good[position] = row["referral_id"].text not in seen
            seen.add(row["referral_id"].text)
    return good


def asc_row_is_good(row: dict[str, Cell]) -> bool:
    """SPEC.md's row checks for a CLD row; cost checks apply to Service rows only (docs/methodology.md)."""
    start, end = row["event_start_date"], row["event_end_date"]
    if row["person_id"].value is None or row["event_type"].value is None or start.value is None:
        return False
    if end.text and end.value is None:
        return False
    if end.value is not None and end.value < start.value:
        return False  # SPEC.md names it for services; docs/methodology.md sets aside any such event
    if row["event_type"].value != "Service":
        return True
    frequency, cost = row["cost_frequency"].value, row["unit_cost"].value
    return (
        frequency is not None
        and cost is not None
        and cost >= 0
        and not (frequency == PLANNED and row["planned_units_per_week"].value is None)
    )


def in_window_rows(case: Case) -> list[dict[str, Cell]]:
    good = referral_row_is_good(case.referrals)
    return [
        row
        for row, ok in zip(case.referrals, good, strict=True)
        if ok and PROGRAMME_START <= row["referral_date"].value <= case.period.end
    ]


@dataclass(frozen=True)
class Expected:
    referrals: int
    quarantined: int
    people: int
    tracked: int
    untracked_reasons: dict[str, int]
    follow_up_incomplete: int
    counted_untracked: int
    by_network: dict[str, int]
    by_month: dict[str, tuple[int, int]]
    ages: list[int]
    outcomes: dict[str, int] | None
    in_receipt_before: int
    weekly_cost_before: Fraction
    weekly_cost_after: Fraction


def expected(case: Case) -> Expected:
    """Counts from SPEC.md definitions 1-5 applied to the meaning of each generated cell."""
    used = in_window_rows(case)
    known_to_asc = {row["nhs_number"].value for row in case.asc if asc_row_is_good(row)} - {None}
    index: dict[str, dict[str, Cell]] = {}  # the earliest referral of each person, ties by referral_id
    for row in sorted(used, key=lambda row: (row["referral_date"].value, row["referral_id"].text)):
        person = row["nhs_number"].value or "referral " + row["referral_id"].text
        index.setdefault(person, row)
    tracked = [person for person in index if person in known_to_asc]
    reasons = {"nhs_missing": 0, "nhs_invalid": 0, "not_known_to_asc": 0}
    for person, row in index.items():
        if row["nhs_number"].value is None:
            reasons["nhs_missing" if row["nhs_number"].text == "" else "nhs_invalid"] += 1
        elif person not in known_to_asc:
            reasons["not_known_to_asc"] += 1
    days = case.params.follow_up_days
    incomplete = [
        person
        for person in tracked
        if days is not None and index[person]["referral_date"].value + dt.timedelta(days=days) > case.period.end
    ]
    complete = {person: row for person, row in index.items() if person in tracked and person not in incomplete}
    counted_untracked = sum(
        days is None or row["referral_date"].value + dt.timedelta(days=days) <= case.period.end
        for person, row in index.items()
        if person not in tracked
    )
    outcomes, in_receipt_before, weekly_before, weekly_after = expected_outcomes(case, complete)
    bad_referrals = referral_row_is_good(case.referrals).count(False)
    bad_asc = [asc_row_is_good(row) for row in case.asc].count(False)
    return Expected(
        referrals=len(used),
        quarantined=bad_referrals + bad_asc,
        people=len(index),
        tracked=len(tracked),
        untracked_reasons=reasons,
        follow_up_incomplete=len(incomplete),
        counted_untracked=counted_untracked,
        by_network={name: sum(row["network"].value == name for row in index.values()) for name in NETWORKS},
        by_month={
            month: (
                sum(row["referral_date"].value.strftime("%Y-%m") == month for row in used),
                sum(row["referral_date"].value.strftime("%Y-%m") == month for row in index.values()),
            )
            for month in {row["referral_date"].value.strftime("%Y-%m") for row in used}
        },
        ages=[age for age in map(age_at_referral, index.values()) if age is not None],
        outcomes=outcomes,
        in_receipt_before=in_receipt_before,
        weekly_cost_before=weekly_before,
        weekly_cost_after=weekly_after,
    )


def weekly_cost(row: dict[str, Cell]) -> Fraction:
    """SPEC.md's weekly cost rule for a usable Service row that is not one-off."""
    units = row["cost_frequency"].value
    units = row["planned_units_per_week"].value if units == PLANNED else units
    return Fraction(row["unit_cost"].value) * Fraction(units)


def repeat_key(row: dict[str, Cell]) -> tuple:
    """What makes two Service rows one package (docs/methodology.md, a choice SPEC.md leaves open: a row
    repeated exactly, as an ongoing service is in each quarter's CLD file, counts once): the same person id,
    NHS number, dates, service, unit cost and frequency (each as read: `01/03/2017` is `2017-03-01`)."""
    frequency = re.sub(r"[\s_\-().]", "", row["cost_frequency"].text).lower()
    return (
        row["person_id"].text,
        re.sub(r"[\s-]", "", row["nhs_number"].text),
        row["event_start_date"].value,
        row["event_end_date"].value,
        row["service_type"].text,
        row["service_component"].text,
        row["unit_cost"].value,
        frequency,
        weekly_cost(row),
    )


def age_at_referral(row: dict[str, Cell]) -> int | None:
    """SPEC.md definition 8: whole years completed at the referral from the date of birth, else the stated age."""
    born, day = row["date_of_birth"].value, row["referral_date"].value
    if born is None:
        return row["age"].value
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


#: Changes this small (or smaller) may round either way "to the penny"; the outcome is not checked then.
PENNY_MARGIN = Fraction(2, 100)


def expected_outcomes(
    case: Case, index: dict[str, dict[str, Cell]]
) -> tuple[dict[str, int] | None, int, Fraction, Fraction]:
    """SPEC.md definitions 5 and 6, exactly (in fractions of a pound), for tracked people with complete
    follow-up (`index`: each one's index referral). A person's ASC person ids are those on any usable CLD row
    with their NHS number; their care packages are the usable Service rows of those ids that are not one-off.
    Returns the outcomes (None if a change is within PENNY_MARGIN), in_receipt_before, the weekly totals."""
    usable = [row for row in case.asc if asc_row_is_good(row)]
    ids_of: dict[str, set[str]] = {}
    for row in usable:
        if row["nhs_number"].value is not None:
            ids_of.setdefault(row["nhs_number"].value, set()).add(row["person_id"].text)
    packages = list(
        {
            repeat_key(row): row
            for row in usable
            if row["event_type"].value == "Service" and row["cost_frequency"].value != ONE_OFF
        }.values()
    )

    def receipt(person: str, day: dt.date) -> tuple[bool, Fraction]:
        active = [
            row
            for row in packages
            if row["person_id"].text in ids_of[person]
            and row["event_start_date"].value <= day
            and (row["event_end_date"].value is None or row["event_end_date"].value >= day)
        ]
        return bool(active), sum((weekly_cost(row) for row in active), Fraction(0))

    outcomes: dict[str, int] | None = dict.fromkeys(["none", "new", "ended", "increased", "decreased", "unchanged"], 0)
    in_receipt_before, total_before, total_after = 0, Fraction(0), Fraction(0)
    days = case.params.follow_up_days
    for person, row in index.items():
        referral_date = row["referral_date"].value
        after_day = case.period.end if days is None else referral_date + dt.timedelta(days=days)
        was, before = receipt(person, referral_date - dt.timedelta(days=1))
        now, after = receipt(person, after_day)
        in_receipt_before += was
        total_before, total_after = total_before + before, total_after + after
        if not was:
            outcome = "new" if now else "none"
        elif not now:
            outcome = "ended"
        else:
            outcome = "unchanged" if after == before else "increased" if after > before else "decreased"
            if outcomes is not None and 0 < abs(after - before) <= PENNY_MARGIN:
                outcomes = None
        if outcomes is not None:
            outcomes[outcome] += 1
    return outcomes, in_receipt_before, total_before, total_after


# --- properties ----------------------------------------------------------------------------------------


def outcomes_partition_tracked_people_with_complete_follow_up(case: Case, figures: Figures, want: Expected) -> None:
    """(a) Every tracked person with complete follow-up falls in exactly one outcome."""
    assert all(count >= 0 for count in figures.outcomes.values())
    assert sum(figures.outcomes.values()) == figures.tracked - figures.follow_up_incomplete
    assert 0 <= figures.follow_up_incomplete <= figures.tracked
    assert figures.follow_up_incomplete == want.follow_up_incomplete
    if case.params.follow_up_days is None:
        assert figures.follow_up_incomplete == 0


def every_input_row_is_accounted_for_once(case: Case, figures: Figures, want: Expected) -> None:
    """(b) read = used + outside the window + quarantined + blank, for each source; the quarantine reasons
    add up to the rows quarantined from both sources."""
    for source, rows in (("referrals", case.referrals), ("asc", case.asc)):
        ledger = figures.rows[source]
        assert ledger.read == len(rows)
        assert ledger.read == ledger.used + ledger.outside_window + ledger.quarantined + ledger.blank
        assert min(ledger.used, ledger.outside_window, ledger.quarantined, ledger.blank) >= 0
    assert figures.rows["referrals"].used == figures.referrals == want.referrals
    assert figures.rows["asc"].outside_window == 0
    total = figures.rows["referrals"].quarantined + figures.rows["asc"].quarantined
    assert sum(figures.quarantined.values()) == total == want.quarantined
    assert all(count > 0 for count in figures.quarantined.values())


def people_are_tracked_or_untracked_for_one_reason(case: Case, figures: Figures, want: Expected) -> None:
    """(c) people = tracked + untracked = tracked + the untracked reasons; no more people than referrals.
    People, tracking, reasons and ages as SPEC.md definitions 3, 4 and 8 give them."""
    assert (
        figures.people
        == figures.tracked + figures.untracked
        == figures.tracked + sum(figures.untracked_reasons.values())
    )
    assert figures.people <= figures.referrals
    assert (figures.people, figures.tracked) == (want.people, want.tracked)
    assert figures.untracked_reasons == want.untracked_reasons
    # definition 8: age over people with an age
    if want.ages:
        assert figures.age["mean"] == pytest.approx(sum(want.ages) / len(want.ages))
        assert (figures.age["min"], figures.age["max"]) == (min(want.ages), max(want.ages))
    else:
        assert (figures.age["mean"], figures.age["min"], figures.age["max"]) == (None, None, None)
    if figures.people:
        assert figures.tracking_coverage == pytest.approx(figures.tracked / figures.people)


def breakdowns_add_up(case: Case, figures: Figures, want: Expected) -> None:
    """(d) People by network add up to people; by month, people and referrals add up (and are as counted)."""
    assert set(figures.by_network) == set(NETWORKS)
    assert sum(row["people"] for row in figures.by_network.values()) == figures.people
    assert sum(row["tracked"] for row in figures.by_network.values()) == figures.tracked
    assert {name: row["people"] for name, row in figures.by_network.items()} == want.by_network
    assert sum(row["people"] for row in figures.by_month.values()) == figures.people
    assert sum(row["referrals"] for row in figures.by_month.values()) == figures.referrals
    assert sum(row["tracked"] for row in figures.by_month.values()) == figures.tracked
    assert {month: (row["referrals"], row["people"]) for month, row in figures.by_month.items()} == want.by_month
    for month in figures.by_month:
        assert PROGRAMME_START.strftime("%Y-%m") <= month <= case.period.label


def receipt_before_splits_the_outcomes(case: Case, figures: Figures, want: Expected) -> None:
    """(e) In receipt before: ended, increased, decreased or unchanged; not in receipt before: none or new."""
    outcomes = figures.outcomes
    assert figures.in_receipt_before == (
        outcomes["ended"] + outcomes["increased"] + outcomes["decreased"] + outcomes["unchanged"]
    )
    assert figures.not_in_receipt_before == outcomes["none"] + outcomes["new"]


def costs_add_up(case: Case, figures: Figures, want: Expected) -> None:
    """(f) Annual = weekly x days_per_year / 7; differential = after - before; total = differential +
    extrapolated + staffing; extrapolated = differential x untracked / tracked (of those followed up)."""
    days = case.params.costs.days_per_year
    assert figures.weekly_cost_before >= 0 and figures.weekly_cost_after >= 0
    assert figures.annual_cost_before == pytest.approx(figures.weekly_cost_before * days / 7)
    assert figures.annual_cost_after == pytest.approx(figures.weekly_cost_after * days / 7)
    assert figures.annual_differential == pytest.approx(figures.annual_cost_after - figures.annual_cost_before)
    assert figures.staffing_per_year == 150_000
    assert figures.total_annual_pressure == pytest.approx(
        figures.annual_differential + figures.extrapolated_untracked + figures.staffing_per_year
    )
    if case.params.follow_up_days is None and figures.tracked:
        assert figures.extrapolated_untracked == pytest.approx(
            figures.annual_differential * figures.untracked / figures.tracked
        )
    # docs/methodology.md: with follow_up_days, the ratio is over people whose follow-up is complete
    counted_tracked = figures.tracked - figures.follow_up_incomplete
    ratio = want.counted_untracked / counted_tracked if counted_tracked else 0
    assert figures.extrapolated_untracked == pytest.approx(figures.annual_differential * ratio)
    if figures.outcomes["new"] + figures.outcomes["ended"] + figures.outcomes["increased"] == 0:
        # everyone is none, decreased or unchanged: nobody's weekly cost rose by a penny or more
        assert figures.weekly_cost_after <= figures.weekly_cost_before + 0.005 * figures.tracked


def outcomes_and_costs_follow_the_definitions(case: Case, figures: Figures, want: Expected) -> None:
    """Outcomes, receipt before and weekly costs as SPEC.md definitions 5 to 7 give them."""
    if want.outcomes is not None:
        assert figures.outcomes == want.outcomes
    assert figures.in_receipt_before == want.in_receipt_before
    assert figures.weekly_cost_before == pytest.approx(float(want.weekly_cost_before), rel=1e-9, abs=1e-9)
    assert figures.weekly_cost_after == pytest.approx(float(want.weekly_cost_after), rel=1e-9, abs=1e-9)


#: Properties (a) to (f), and the definitions' outcomes and costs, checked together on one computation per
#: example to keep the module fast; a failure names its property in the traceback.
PROPERTIES = [
    outcomes_partition_tracked_people_with_complete_follow_up,
    every_input_row_is_accounted_for_once,
    people_are_tracked_or_untracked_for_one_reason,
    breakdowns_add_up,
    receipt_before_splits_the_outcomes,
    costs_add_up,
    outcomes_and_costs_follow_the_definitions,
]


def compute_without_changing_inputs(referrals: Extract, asc: Extract, params: Params, period: Period) -> Figures:
    """(h) compute_figures takes data and returns new data: the extracts and params it is given are unchanged."""
    frames = (referrals.rows, referrals.raw, asc.rows, asc.raw)
    before = [copy.deepcopy(frame) for frame in frames]
    params_before = params.model_dump()
    figures = compute_figures(referrals, asc, params, period)
    for was, now in zip(before, frames, strict=True):
        pd.testing.assert_frame_equal(was, now)
    assert params.model_dump() == params_before
    return figures


def checked_figures(case: Case, raw: pd.DataFrame, raw_asc: pd.DataFrame) -> Figures:
    """The figures of a case's extracts (as `raw` and `raw_asc`), checked against every property."""
    referrals = Extract(check_referrals(raw, NETWORKS), raw, 0)
    asc = Extract(check_asc(raw_asc), raw_asc, 0)
    figures, want = compute_without_changing_inputs(referrals, asc, case.params, case.period), expected(case)
    for check in PROPERTIES:
        check(case, figures, want)
    return figures


def raw_tables(case: Case) -> tuple[pd.DataFrame, pd.DataFrame]:
    return table(case.referrals, REFERRAL_COLUMNS, "referrals.csv"), table(case.asc, ASC_COLUMNS, "cld.csv")


@PROPERTY_SETTINGS
@given(cases)
@example(Case([], [], make_params(None, 365), Period(2017, 6)))  # header-only extracts
@example(Case([], [], make_params(30, 365), Period(2016, 10)))
def test_figures_keep_spec_definitions(case):
    """(a) to (f) and (h), and outcomes and costs worked out from the definitions, on random extracts with
    bad rows (duplicate referral ids among them)."""
    checked_figures(case, *raw_tables(case))


def assert_same(left: object, right: object, where: str = "figures") -> None:
    """Equal, with floats equal to rounding error (sums may be taken in another order)."""
    if isinstance(left, dict) and isinstance(right, dict):
        assert set(left) == set(right), where
        for key in left:
            assert_same(left[key], right[key], f"{where}.{key}")
    elif isinstance(left, float) and isinstance(right, float):
        assert math.isclose(left, right, rel_tol=1e-9, abs_tol=1e-9), where
    else:
        assert left == right, where


def unique_ids(rows: list[dict[str, Cell]]) -> list[dict[str, Cell]]:
    """The same rows with distinct referral ids (blank ids stay blank)."""
    return [
        {**row, "referral_id": Cell(f"R{n}", f"R{n}")} if row["referral_id"].text else row
        for n, row in enumerate(rows, start=1)
    ]


@settings(PROPERTY_SETTINGS, max_examples=max(1, MAX_EXAMPLES // 3))
@given(cases, st.data())
def test_row_order_does_not_matter(case, data):
    """(g) Shuffling the rows of both extracts (file row numbers go with their rows) changes no figure.
    Referral ids are made unique: which of two duplicate rows is the 'second' depends on order by design.
    The unshuffled figures are checked against every other property too."""
    case = Case(unique_ids(case.referrals), case.asc, case.params, case.period)
    raw, raw_asc = raw_tables(case)
    original = checked_figures(case, raw, raw_asc)
    order = data.draw(st.permutations(range(len(raw))), label="referral order")
    asc_order = data.draw(st.permutations(range(len(raw_asc))), label="CLD order")
    shuffled_raw = raw.iloc[order].reset_index(drop=True)
    shuffled_asc = raw_asc.iloc[asc_order].reset_index(drop=True)
    shuffled = compute_figures(
        Extract(check_referrals(shuffled_raw, NETWORKS), shuffled_raw, 0),
        Extract(check_asc(shuffled_asc), shuffled_asc, 0),
        case.params,
        case.period,
    )
    assert_same(original.to_dict(), shuffled.to_dict())


# --- known faults, kept visible ------------------------------------------------------------------------


def _text_rows(rows: list[dict[str, str]], columns: list[str]) -> list[dict[str, Cell]]:
    return [{name: Cell(row.get(name, "")) for name in columns} for row in rows]


@pytest.mark.parametrize(
    "cost, frequency, units",
    [("Infinity", "Weekly", ""), ("inf", "Weekly", ""), ("5", "Hourly", "inf")],
)
def test_infinite_amounts_are_unparseable(cost, frequency, units):
    """SPEC.md: an unparseable unit cost (or an hourly cost with no usable planned units) is quarantined."""
    referrals = _text_rows(
        [{"referral_id": "R1", "nhs_number": "9434765919", "referral_date": "2017-01-10", "network": "East"}],
        REFERRAL_COLUMNS,
    )
    asc = _text_rows(
        [
            {
                "person_id": "P1",
                "nhs_number": "9434765919",
                "event_type": "Service",
                "event_start_date": "2016-01-01",
                "unit_cost": cost,
                "cost_frequency": frequency,
                "planned_units_per_week": units,
            }
        ],
        ASC_COLUMNS,
    )
    figures = Case(referrals, asc, make_params(None, 365), Period(2017, 6)).figures()
    assert sum(figures.quarantined.values()) == 1
    assert math.isfinite(figures.weekly_cost_before)
