"""The cohort: referrals in the window, people at their index referral, and whether each is tracked
in adult social care (SPEC.md definitions 1 to 4 and 8)."""

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from icnreport.nhs_number import INVALID, MISSING, NOT_VALID, VALID

#: Why an untracked person could not be followed into adult social care (SPEC.md definition 4).
NHS_MISSING = "nhs_missing"
NHS_INVALID = "nhs_invalid"
NOT_KNOWN_TO_ASC = "not_known_to_asc"
UNTRACKED_REASONS = (NHS_MISSING, NHS_INVALID, NOT_KNOWN_TO_ASC)


def in_window(referrals: pd.DataFrame, programme_start: dt.date, period_end: dt.date) -> pd.Series:
    """True for referrals received from the programme start to the period end, both days included."""
    day = referrals["referral_date"]
    return (day >= pd.Timestamp(programme_start)) & (day <= pd.Timestamp(period_end))


def index_referrals(referrals: pd.DataFrame) -> pd.DataFrame:
    """One row per person at their index referral: the earliest in the window, ties broken by referral_id.
    A person is a valid NHS number; a referral without one is a person of its own."""
    valid = (referrals["nhs_status"] == VALID).to_numpy()
    # A person key: the NHS number's key, or for a referral without one, a negative number of its own.
    own = -2 - np.arange(len(referrals), dtype=np.int64)
    person = np.where(valid, referrals["nhs_number"].to_numpy(), own)
    order = _by_date_and_id(referrals)
    person = person[order]
    codes, _ = pd.factorize(person)  # codes in order of first appearance: a person's first is their index
    first = np.ones(len(codes), dtype=bool)
    first[1:] = codes[1:] > np.maximum.accumulate(codes)[:-1]
    index_rows = order[first]
    people = referrals.iloc[index_rows][["referral_id", "referral_date", "network", "nhs_status"]]
    date_of_birth = referrals["date_of_birth"].iloc[index_rows]
    stated_age = referrals["stated_age"].iloc[index_rows]
    nhs_number = referrals["nhs_number"].iloc[index_rows]
    people = people.assign(
        person=person[first],
        nhs_number=nhs_number.where(people["nhs_status"] == VALID).astype("Int64"),
        age=age_at(date_of_birth, people["referral_date"]).fillna(stated_age),
        referrals=np.bincount(codes)[codes[first]].astype("int64"),
    )
    columns = [
        "person",
        "referral_id",
        "referral_date",
        "network",
        "nhs_status",
        "nhs_number",
        "age",
        "referrals",
    ]
    return people[columns].reset_index(drop=True)


def _by_date_and_id(referrals: pd.DataFrame) -> np.ndarray:
    """Row positions in order of referral date, then referral_id (a stable sort, so rows alike in both keep
    their order). Arrow sorts the text ids many times faster than pandas, without Python objects."""
    keys = pa.table(
        {
            "referral_date": pa.array(referrals["referral_date"].to_numpy()),
            "referral_id": pa.array(referrals["referral_id"].array),
        }
    )
    order = pc.sort_indices(keys, sort_keys=[("referral_date", "ascending"), ("referral_id", "ascending")])
    return order.to_numpy()


def age_at(date_of_birth: pd.Series, day: pd.Series) -> pd.Series:
    """Age in whole years on a day (birthdays completed); NA where the date of birth is unknown or later."""
    before_birthday = (day.dt.month * 100 + day.dt.day) < (date_of_birth.dt.month * 100 + date_of_birth.dt.day)
    years = (day.dt.year - date_of_birth.dt.year - before_birthday.astype("int64")).astype("Float64")
    return years.where(date_of_birth.notna() & (years >= 0))


def track(people: pd.DataFrame, known: np.ndarray) -> pd.DataFrame:
    """People with `tracked` (their valid NHS number is one of `known`, the valid NHS numbers on the CLD rows
    that count: outcomes.CldLinks.nhs_numbers) and, if not, `untracked_reason`."""
    nhs_number = pd.Series(people["nhs_number"].to_numpy(dtype=np.int64, na_value=NOT_VALID), index=people.index)
    tracked = nhs_number.isin(known)  # NOT_VALID (no number) is never a known key
    # The reason's position in UNTRACKED_REASONS, -1 (NA) for the tracked: text made once per reason.
    status = people["nhs_status"]
    reason = np.full(len(people), UNTRACKED_REASONS.index(NOT_KNOWN_TO_ASC))
    reason[(status == MISSING).to_numpy(dtype=bool, na_value=False)] = UNTRACKED_REASONS.index(NHS_MISSING)
    reason[(status == INVALID).to_numpy(dtype=bool, na_value=False)] = UNTRACKED_REASONS.index(NHS_INVALID)
    reason[tracked.to_numpy()] = -1
    untracked_reason = pd.Series(pd.array(UNTRACKED_REASONS, dtype="string").take(reason, allow_fill=True))
    return people.assign(tracked=tracked, untracked_reason=untracked_reason.set_axis(people.index))
