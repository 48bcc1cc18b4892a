"""What happened to tracked people's care packages: in receipt, and weekly cost, on the day before the
index referral and on the after day (SPEC.md definitions 5 and 6)."""

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from icnreport.nhs_number import VALID
from icnreport.weekly_cost import SERVICE

NONE = "none"
NEW = "new"
ENDED = "ended"
INCREASED = "increased"
DECREASED = "decreased"
UNCHANGED = "unchanged"
OUTCOMES = (NONE, NEW, ENDED, INCREASED, DECREASED, UNCHANGED)
PENCE_PER_POUND = 100
#: The columns that make two CLD rows the same event: quarterly extracts repeat an ongoing service in each
#: quarter's file, and it is one package, counted once.
EVENT_COLUMNS = [
    "person_id",
    "nhs_number",
    "event_type",
    "event_start_date",
    "event_end_date",
    "service_type",
    "service_component",
    "unit_cost",
    "frequency",
    "weekly_cost",
]


def follow_up_days_of(people: pd.DataFrame, period_end: dt.date, follow_up_days: int | None) -> pd.DataFrame:
    """People with `before_day` (the day before the index referral), `after_day` (the period end, or the
    referral date + follow_up_days) and `follow_up_complete` (the after day is not after the period end)."""
    before = people["referral_date"] - pd.Timedelta(days=1)
    if follow_up_days is None:
        after = pd.Series(pd.Timestamp(period_end), index=people.index)
    else:
        after = people["referral_date"] + pd.Timedelta(days=follow_up_days)
    return people.assign(before_day=before, after_day=after, follow_up_complete=after <= pd.Timestamp(period_end))


@dataclass(frozen=True)
class LinkedServices:
    """Tracked people's services, and what linking them found out about the CLD extract."""

    services: pd.DataFrame
    repeated_rows: int  # Service rows of tracked people equal to an earlier row, counted once
    person_ids_with_several_nhs_numbers: int


@dataclass(frozen=True)
class CldLinks:
    """What linking needs from the CLD extract alone: it does not depend on the cohort, so it can be worked
    out while the cohort is (figures.py does both at once)."""

    links: pd.DataFrame  # distinct (nhs_number, person_id) pairs of rows with a valid NHS number
    person_ids: np.ndarray  # every row's person id code
    service: np.ndarray  # rows that are Service rows (and were kept)
    several: int  # person ids carrying more than one NHS number

    @property
    def nhs_numbers(self) -> np.ndarray:
        """The valid NHS numbers (integer keys) on any counted CLD row, each once or more."""
        return self.links["nhs_number"].to_numpy()


def cld_links(asc: pd.DataFrame, kept: np.ndarray | None = None) -> CldLinks:
    """The CLD extract's NHS number to person id links and its Service rows. With `kept`, only the CLD rows
    it marks True count (the rows that passed the checks)."""
    valid = (asc["nhs_status"] == VALID).to_numpy()
    service = (asc["event_type"] == SERVICE).to_numpy()
    if kept is not None:
        valid = valid & kept
        service = service & kept
    person_ids = asc["person_id"].to_numpy()
    links = _distinct_pairs(asc["nhs_number"].to_numpy()[valid], person_ids[valid])
    return CldLinks(links, person_ids, service, _with_several(links["person_id"].to_numpy()))


def link_services(
    people: pd.DataFrame, asc: pd.DataFrame, kept: np.ndarray | None = None, cld: CldLinks | None = None
) -> LinkedServices:
    """Each tracked person's Service rows, reached through every LA person id that carries their NHS number
    on any CLD row (so a row with a blank NHS number still counts through its person id). A service
    repeated row for row (as in successive quarterly extracts) counts once; how many were is reported.
    With `kept`, only the CLD rows it marks True count (the rows that passed the checks); `cld` is
    `cld_links(asc, kept)` when it has been worked out already."""
    if cld is None:
        cld = cld_links(asc, kept)
    links = cld.links[cld.links["nhs_number"].isin(people["nhs_number"].dropna().to_numpy(dtype=np.int64))]
    service = cld.service & _among(cld.person_ids, links["person_id"].to_numpy())
    columns = ["person_id", "event_start_date", "event_end_date", "weekly_cost", "one_off", "unit_cost"]
    linked_rows = asc.loc[service, list(dict.fromkeys([*EVENT_COLUMNS, *columns]))]
    service_rows = linked_rows[~_repeats(linked_rows)]
    services = links.merge(service_rows[columns].reset_index(names="asc_row"), on="person_id")
    services = services.rename(columns={"nhs_number": "person"})
    return LinkedServices(services, len(linked_rows) - len(service_rows), cld.several)


#: Pairs of an NHS number (below 10^10) and a person id code are packed into one integer, for speed, when the
#: codes are small enough for the product to fit in 64 bits.
_PAIR_BASE = 10**10
_LARGEST_PACKED_CODE = np.iinfo(np.int64).max // _PAIR_BASE - 1


def _distinct_pairs(nhs_numbers: np.ndarray, person_ids: np.ndarray) -> pd.DataFrame:
    """The distinct (nhs_number, person_id) pairs, in order of first appearance."""
    pairs = pd.DataFrame({"nhs_number": nhs_numbers, "person_id": person_ids})
    if not len(pairs) or person_ids.min() < 0 or person_ids.max() > _LARGEST_PACKED_CODE:
        return pairs.drop_duplicates().reset_index(drop=True)
    packed = person_ids.astype(np.int64) * _PAIR_BASE + nhs_numbers
    # A person's rows usually come together: a pair repeating the row before it is never its first appearance.
    packed = pd.unique(packed[np.r_[True, packed[1:] != packed[:-1]]])
    return pd.DataFrame(
        {"nhs_number": packed % _PAIR_BASE, "person_id": (packed // _PAIR_BASE).astype(person_ids.dtype)}
    )


#: Integer codes up to this many times as many as the values they are looked up for are looked up in a table
#: (one flag per code), many times quicker than hashing them; person ids are codes 0, 1, ... (extracts.py).
_LOOKUP_TABLE_RATIO = 4


def _dense(codes: np.ndarray, values: int) -> bool:
    """Whether integer codes are small enough, and not negative, for a table with one entry per code."""
    if codes.dtype.kind not in "iu":
        return False
    return not len(codes) or (codes.min() >= 0 and codes.max() <= values * _LOOKUP_TABLE_RATIO)


def _among(codes: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """For each code, whether it is one of the `wanted` codes (as Series.isin)."""
    if not len(codes) or not _dense(codes, len(codes)) or not _dense(wanted, len(codes)):
        return pd.Series(codes).isin(wanted).to_numpy()
    table = np.zeros(max(codes.max(), wanted.max(initial=0)) + 1, dtype=bool)
    table[wanted] = True
    return table[codes]


def _with_several(person_ids: np.ndarray) -> int:
    """How many person ids occur more than once in distinct (NHS number, person id) pairs: ids carrying
    several NHS numbers."""
    if _dense(person_ids, len(person_ids)):
        return int((np.bincount(person_ids) > 1).sum())
    return int(pd.Series(person_ids).value_counts().gt(1).sum())


def _repeats(rows: pd.DataFrame) -> np.ndarray:
    """For each Service row, whether it repeats an earlier row in every EVENT_COLUMNS column (as
    DataFrame.duplicated). Only rows whose person id and start date occur more than once can: the full
    comparison is made among those only."""
    candidates = rows[["person_id", "event_start_date"]].duplicated(keep=False)
    repeats = np.zeros(len(rows), dtype=bool)
    if candidates.any():
        candidates = candidates.to_numpy()
        repeats[candidates] = rows[candidates].duplicated(EVENT_COLUMNS).to_numpy()
    return repeats


def receipt_on(services: pd.DataFrame, days: pd.Series) -> pd.DataFrame:
    """For each person (the index of `days`, by NHS number): whether any care package (a Service row that is
    not one-off) is active on their day, and the sum of the weekly costs of those active rows."""
    packages = services[~services["one_off"]]
    if packages.empty:  # (pandas cannot join an empty Arrow string key to an index)
        return pd.DataFrame({"in_receipt": False, "weekly_cost": 0.0}, index=days.index)
    day = _day_of_each(packages["person"], days)
    active = (packages["event_start_date"] <= day) & (
        packages["event_end_date"].isna() | (packages["event_end_date"] >= day)
    )
    on_day = packages[active.fillna(False).to_numpy()].groupby("person")["weekly_cost"]
    weekly_costs = on_day.sum()
    position = weekly_costs.index.get_indexer(days.index)  # -1: no package active on the person's day
    found = position >= 0
    weekly_cost = np.zeros(len(days))
    weekly_cost[found] = weekly_costs.to_numpy()[position[found]]
    return pd.DataFrame({"in_receipt": found, "weekly_cost": weekly_cost}, index=days.index)


def _day_of_each(persons: pd.Series, days: pd.Series) -> pd.Series:
    """Each service's person's day (NaT for a person without one); `days` has one day per person."""
    position = days.index.get_indexer(persons)
    day = days.to_numpy()[position]
    day[position < 0] = np.datetime64("NaT")
    return pd.Series(day, index=persons.index)


def classify(before: pd.DataFrame, after: pd.DataFrame) -> pd.Series:
    """The outcome of each person from their receipt before and after; weekly costs compared to the penny."""
    pence_before = np.round(before["weekly_cost"].to_numpy() * PENCE_PER_POUND)
    pence_after = np.round(after["weekly_cost"].to_numpy() * PENCE_PER_POUND)
    was, now = before["in_receipt"].to_numpy(), after["in_receipt"].to_numpy()
    outcome = np.select(  # positions in OUTCOMES: made into text once per outcome, not once per person
        [~was & ~now, ~was & now, was & ~now, pence_after > pence_before, pence_after < pence_before],
        [OUTCOMES.index(NONE), OUTCOMES.index(NEW), OUTCOMES.index(ENDED)]
        + [OUTCOMES.index(INCREASED), OUTCOMES.index(DECREASED)],
        default=OUTCOMES.index(UNCHANGED),
    )
    return pd.Series(pd.array(OUTCOMES, dtype="string").take(outcome), index=before.index)


def person_outcomes(tracked: pd.DataFrame, services: pd.DataFrame) -> pd.DataFrame:
    """For tracked people with complete follow-up (indexed by NHS number), given their services: receipt and
    weekly cost before and after, and their outcome."""
    people = tracked.set_index("nhs_number")
    with ThreadPoolExecutor(max_workers=1) as pool:  # the two days at once: mostly numpy, GIL released
        after_side = pool.submit(receipt_on, services, people["after_day"])
        before = receipt_on(services, people["before_day"])
        after = after_side.result()
    return pd.DataFrame(
        {
            "network": people["network"],
            "in_receipt_before": before["in_receipt"],
            "in_receipt_after": after["in_receipt"],
            "weekly_cost_before": before["weekly_cost"],
            "weekly_cost_after": after["weekly_cost"],
            "outcome": classify(before, after),
        }
    )


def one_off_services(tracked: pd.DataFrame, services: pd.DataFrame) -> pd.DataFrame:
    """One-off Service rows of tracked people starting from the index referral date to the after day: they are
    not care packages, and their costs are listed separately."""
    people = tracked.set_index("nhs_number")
    if not services["one_off"].any():
        return services.iloc[0:0]
    one_off = services[services["one_off"]].join(people[["referral_date", "after_day"]], on="person")
    start = one_off["event_start_date"]
    between = (start >= one_off["referral_date"]) & (start <= one_off["after_day"])
    return one_off[between.to_numpy()].drop(columns=["referral_date", "after_day"])
