"""Before and after, and the outcome categories (SPEC.md definitions 5 and 6). One referral of NHS_A on
15 January 2017 unless a test says otherwise: the before day is 14 January 2017, the after day
30 June 2017."""

import pytest
from conftest import NHS_A, NHS_B, figures_of

REFERRAL = [{"referral_id": "R1", "nhs_number": NHS_A, "referral_date": "15/01/2017"}]


def service(start: str, end: str = "", cost: str = "100", frequency: str = "Weekly", **extra) -> dict:
    return {"person_id": "P1", "nhs_number": NHS_A, "event_start_date": start, "event_end_date": end,
            "unit_cost": cost, "cost_frequency": frequency, **extra}  # fmt: skip


def outcome_of(asc: list[dict], referrals: list[dict] = REFERRAL, **params) -> str:
    figures = figures_of(referrals, asc, **params)
    found = [name for name, count in figures.outcomes.items() if count]
    assert len(found) == 1, figures.outcomes
    return found[0]


def test_service_ending_on_the_before_day_is_active_before() -> None:
    assert outcome_of([service("2016-06-01", "2017-01-14")]) == "ended"


def test_service_ending_the_day_before_the_before_day_is_not() -> None:
    figures = figures_of(REFERRAL, [service("2016-06-01", "2017-01-13")])
    assert figures.outcomes["none"] == 1


def test_service_starting_on_the_referral_day_is_after_only() -> None:
    assert outcome_of([service("2017-01-15")]) == "new"


def test_service_starting_on_the_before_day_is_active_before() -> None:
    assert outcome_of([service("2017-01-14")]) == "unchanged"


def test_service_ending_on_the_after_day_is_active_after() -> None:
    assert outcome_of([service("2017-02-01", "2017-06-30")]) == "new"


def test_service_starting_after_the_period_end_is_not_counted() -> None:
    assert outcome_of([service("2017-07-01")]) == "none"


def test_increase_and_decrease_compared_to_the_penny() -> None:
    # 100.00 a week before; after, the same plus 0.01, or less 0.01, or less a fraction of a penny.
    before = service("2016-01-01", "2017-01-31")
    assert outcome_of([before, service("2017-02-01", cost="100.01")]) == "increased"
    assert outcome_of([before, service("2017-02-01", cost="99.99")]) == "decreased"
    assert outcome_of([before, service("2017-02-01", cost="100.004")]) == "unchanged"


def test_one_nhs_number_on_two_person_ids() -> None:
    # P1 and P2 both carry NHS_A: 100 a week (P1) before; 100 + 50 (P2, from 1 March) after.
    asc = [service("2016-01-01"), {**service("2017-03-01", cost="50"), "person_id": "P2"}]
    figures = figures_of(REFERRAL, asc)
    assert figures.outcomes["increased"] == 1
    assert (figures.weekly_cost_before, figures.weekly_cost_after) == (100.0, 150.0)


def test_service_row_without_nhs_number_reached_through_its_person_id() -> None:
    asc = [
        {
            "person_id": "P9",
            "nhs_number": NHS_A,
            "event_type": "Assessment",
            "event_start_date": "2017-01-20",
        },
        {**service("2017-02-01", cost="80"), "person_id": "P9", "nhs_number": ""},
    ]
    figures = figures_of(REFERRAL, asc)
    assert figures.outcomes["new"] == 1
    assert figures.weekly_cost_after == 80.0


def test_other_peoples_services_are_not_counted() -> None:
    # P2 is NHS_B's person id: its service is not NHS_A's even though both were referred.
    referrals = [*REFERRAL, {"referral_id": "R2", "nhs_number": NHS_B, "referral_date": "15/01/2017"}]
    asc = [
        service("2016-01-01"),
        {**service("2016-01-01", cost="40"), "person_id": "P2", "nhs_number": NHS_B},
    ]
    figures = figures_of(referrals, asc)
    assert figures.outcomes["unchanged"] == 2
    assert figures.weekly_cost_before == 140.0


def test_weekly_cost_sums_every_active_row_of_each_frequency() -> None:
    # Before (14 Jan): 100 weekly + 1300 monthly (1300 x 12/52 = 300) = 400.
    # After (30 Jun): 300 monthly + 20.50 hourly x 10 = 205, + 60 fortnightly x 1/2 = 30 -> 535.
    asc = [
        service("2016-01-01", "2017-03-31"),
        service("2016-01-01", cost="1300", frequency="Monthly"),
        service("2017-04-01", cost="20.50", frequency="Hourly", planned_units_per_week="10"),
        service("2017-04-01", cost="60", frequency="Fortnightly"),
    ]
    figures = figures_of(REFERRAL, asc)
    assert figures.weekly_cost_before == pytest.approx(400.0)
    assert figures.weekly_cost_after == pytest.approx(535.0)
    assert figures.outcomes["increased"] == 1


def test_one_off_costs_are_listed_separately_and_make_nobody_in_receipt() -> None:
    asc = [
        service("2017-02-01", cost="500", frequency="One-off", service_component="Equipment"),
        service("2016-12-01", cost="70", frequency="One-off"),  # before the referral: not listed
    ]
    figures = figures_of(REFERRAL, asc)
    assert figures.outcomes["none"] == 1
    assert figures.weekly_cost_after == 0.0
    assert figures.one_off == {"services": 1, "cost": 500.0}


def test_follow_up_days_with_an_incomplete_follow_up() -> None:
    referrals = [
        *REFERRAL,  # after day 15 Jan + 90 = 15 April 2017: complete
        {"referral_id": "R2", "nhs_number": NHS_B, "referral_date": "2017-06-01"},  # 30 August: incomplete
    ]
    asc = [
        service("2017-02-01", "2017-04-15"),  # active on 15 April, the after day: new
        {**service("2016-01-01"), "person_id": "P2", "nhs_number": NHS_B},
    ]
    figures = figures_of(referrals, asc, follow_up_days=90)
    assert figures.tracked == 2
    assert figures.follow_up_incomplete == 1
    assert figures.outcomes == {
        "none": 0,
        "new": 1,
        "ended": 0,
        "increased": 0,
        "decreased": 0,
        "unchanged": 0,
    }
    assert (figures.weekly_cost_before, figures.weekly_cost_after) == (0.0, 100.0)


def test_follow_up_day_on_the_period_end_is_complete() -> None:
    # 1 April 2017 + 90 days = 30 June 2017, the period end itself.
    referrals = [{"referral_id": "R1", "nhs_number": NHS_A, "referral_date": "2017-04-01"}]
    figures = figures_of(referrals, [service("2016-01-01")], follow_up_days=90)
    assert figures.follow_up_incomplete == 0
    assert figures.outcomes["unchanged"] == 1


def test_a_service_repeated_in_two_quarterly_files_counts_once() -> None:
    repeated = service("2016-01-01")
    figures = figures_of(REFERRAL, [repeated, repeated])
    assert figures.weekly_cost_before == 100.0
    assert figures.warnings["service_rows_repeating_an_earlier_row"] == 1
    assert figures.rows["asc"].used == 2


def test_a_person_id_carrying_two_nhs_numbers_is_reported() -> None:
    asc = [service("2016-01-01"), {**service("2016-01-01"), "nhs_number": NHS_B, "unit_cost": "30"}]
    figures = figures_of(REFERRAL, asc)
    assert figures.warnings["asc_person_ids_with_several_nhs_numbers"] == 1
