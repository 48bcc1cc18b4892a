"""The window, people at their index referral, tracking and age (SPEC.md definitions 1-4 and 8)."""

import pytest
from conftest import NHS_A, NHS_B, NHS_C, figures_of, referral_extract

from icnreport.cohort import index_referrals


@pytest.mark.parametrize(
    "referral_date, in_window",
    [
        ("30/09/2016", False),  # the day before the programme start
        ("01/10/2016", True),  # the programme start
        ("30/06/2017", True),  # the period end
        ("01/07/2017", False),  # the day after
    ],
)
def test_window_includes_both_end_days(referral_date: str, in_window: bool) -> None:
    figures = figures_of([{"referral_id": "R1", "referral_date": referral_date}], [])
    assert figures.referrals == int(in_window)
    assert figures.rows["referrals"].outside_window == int(not in_window)


def test_repeat_referral_counts_once_at_the_earliest() -> None:
    referrals = [
        {"referral_id": "R2", "nhs_number": "943 476 5919", "referral_date": "2017-03-01", "network": "West"},
        {"referral_id": "R1", "nhs_number": "943-476-5919", "referral_date": "2017-01-15", "network": "East"},
        {"referral_id": "R3", "nhs_number": NHS_B, "referral_date": "2017-02-01"},
    ]
    figures = figures_of(referrals, [])
    assert figures.referrals == 3
    assert figures.people == 2
    # Network comes from the index referral (R1, East), not the later one (R2, West).
    assert figures.by_network["East"]["people"] == 2
    assert figures.by_network["West"]["people"] == 0


def test_tie_on_the_same_day_is_broken_by_referral_id() -> None:
    referrals = [
        {"referral_id": "B", "nhs_number": NHS_A, "referral_date": "2017-01-15", "network": "West"},
        {"referral_id": "A", "nhs_number": NHS_A, "referral_date": "2017-01-15", "network": "Central"},
    ]
    people = index_referrals(referral_extract(referrals).kept)
    assert people["referral_id"].tolist() == ["A"]
    assert people["network"].tolist() == ["Central"]


def test_referrals_without_a_valid_nhs_number_are_people_of_their_own() -> None:
    referrals = [
        {"referral_id": "R1", "nhs_number": "", "referral_date": "2017-01-15"},
        {"referral_id": "R2", "nhs_number": "", "referral_date": "2017-01-15"},
        {"referral_id": "R3", "nhs_number": "9434765918", "referral_date": "2017-01-16"},
        {"referral_id": "R4", "nhs_number": "9434765918", "referral_date": "2017-01-17"},
    ]
    figures = figures_of(referrals, [])
    assert figures.people == 4
    assert figures.untracked_reasons == {"nhs_missing": 2, "nhs_invalid": 2, "not_known_to_asc": 0}


def test_tracked_when_the_nhs_number_is_on_any_cld_row_of_any_type_and_date() -> None:
    referrals = [
        {"referral_id": "R1", "nhs_number": NHS_A, "referral_date": "2017-01-15"},
        {"referral_id": "R2", "nhs_number": NHS_B, "referral_date": "2017-01-15"},
        {"referral_id": "R3", "nhs_number": NHS_C, "referral_date": "2017-01-15"},
    ]
    asc = [
        # A request long after the period still means the council knows the person.
        {"person_id": "P1", "nhs_number": NHS_A, "event_type": "Request", "event_start_date": "2019-01-01"},
        # An invalid NHS number on a CLD row links nobody.
        {
            "person_id": "P2",
            "nhs_number": "4010232138",
            "event_type": "Assessment",
            "event_start_date": "2017-01-01",
        },
    ]
    figures = figures_of(referrals, asc)
    assert (figures.people, figures.tracked, figures.untracked) == (3, 1, 2)
    assert figures.untracked_reasons["not_known_to_asc"] == 2
    assert figures.tracking_coverage == pytest.approx(1 / 3)
    assert figures.warnings["asc_rows_with_invalid_nhs_number"] == 1


def test_age_in_whole_years_at_the_index_referral() -> None:
    referrals = [
        # Born 30 June 1935: 81 on 29 June 2017, the day before the 82nd birthday.
        {
            "referral_id": "R1",
            "nhs_number": NHS_A,
            "referral_date": "29/06/2017",
            "date_of_birth": "30/06/1935",
        },
        # The later referral of the same person does not change the age.
        {
            "referral_id": "R2",
            "nhs_number": NHS_A,
            "referral_date": "30/06/2017",
            "date_of_birth": "30/06/1935",
        },
        # On the birthday itself: 38.
        {"referral_id": "R3", "referral_date": "2017-03-01", "date_of_birth": "1979-03-01", "age": "12"},
        # No date of birth: the stated age is used.
        {"referral_id": "R4", "referral_date": "2017-03-01", "age": "103"},
        # Neither: unknown, and left out of the mean.
        {"referral_id": "R5", "referral_date": "2017-03-01", "age": ""},
    ]
    figures = figures_of(referrals, [])
    # (81 + 38 + 103) / 3 = 74
    assert figures.age == {"mean": 74.0, "min": 38, "max": 103, "known": 3, "unknown": 1}
    assert figures.warnings["people_without_age"] == 1


def test_by_month_counts_referrals_by_receipt_and_people_by_index_month() -> None:
    referrals = [
        {"referral_id": "R1", "nhs_number": NHS_A, "referral_date": "2017-01-15"},
        {"referral_id": "R2", "nhs_number": NHS_A, "referral_date": "2017-02-15"},
        {"referral_id": "R3", "referral_date": "2017-02-20"},
    ]
    asc = [{"person_id": "P1", "nhs_number": NHS_A, "event_type": "Request", "event_start_date": "2017-01-01"}]
    figures = figures_of(referrals, asc)
    assert figures.by_month == {
        "2017-01": {"referrals": 1, "people": 1, "tracked": 1, "tracking_coverage": 1.0},
        "2017-02": {"referrals": 2, "people": 1, "tracked": 0, "tracking_coverage": 0.0},
    }
