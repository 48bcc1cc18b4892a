"""Costs (SPEC.md definition 7), checked against CS18067's published figures and by hand."""

import pytest
from conftest import NHS_A, NHS_B, figures_of

from icnreport.costs import annualise, cost_summary


def test_cs18067_annual_effect() -> None:
    # CS18067 para 4.7: GBP 28k a week is GBP 1,460k a year; GBP 35k a week is GBP 1,825k.
    assert annualise(28_000, 365) == pytest.approx(1_460_000)
    assert annualise(35_000, 365) == pytest.approx(1_825_000)


def test_cs18067_extrapolation_with_the_exact_ratio() -> None:
    # 365,000 x 228 / 322 = 258,447.20 (CS18067 used rounded 58%/42% and printed GBP 264k).
    summary = cost_summary(28_000, 35_000, tracked=322, untracked=228, days_per_year=365, staffing_per_year=150_000)
    assert summary.annual_differential == pytest.approx(365_000)
    assert summary.extrapolated_untracked == pytest.approx(258_447.20, abs=0.01)
    assert summary.total_annual_pressure == pytest.approx(365_000 + 258_447.20 + 150_000, abs=0.01)


def test_no_tracked_people_means_nothing_to_extrapolate() -> None:
    summary = cost_summary(0, 0, tracked=0, untracked=5, days_per_year=365, staffing_per_year=10)
    assert summary.extrapolated_untracked == 0.0
    assert summary.total_annual_pressure == 10


def test_days_per_year_is_a_parameter() -> None:
    assert annualise(7, 364) == pytest.approx(364)


def test_costs_end_to_end_on_a_small_cohort() -> None:
    # Two tracked people, one untracked. NHS_A: 100 -> 170 a week; NHS_B: 0 -> 0.
    # Annual before 100 x 365/7 = 5,214.29; after 170 x 365/7 = 8,864.29; differential 70 x 365/7 = 3,650.
    # Extrapolated to 1 untracked of 2 tracked: 1,825. Total with staffing 1,000: 6,475.
    referrals = [
        {"referral_id": "R1", "nhs_number": NHS_A, "referral_date": "2017-01-15"},
        {"referral_id": "R2", "nhs_number": NHS_B, "referral_date": "2017-01-15"},
        {"referral_id": "R3", "nhs_number": "", "referral_date": "2017-01-15"},
    ]
    asc = [
        {"person_id": "P1", "nhs_number": NHS_A, "event_start_date": "2016-01-01", "unit_cost": "100"},
        {"person_id": "P1", "nhs_number": NHS_A, "event_start_date": "2017-03-01", "unit_cost": "70"},
        {"person_id": "P2", "nhs_number": NHS_B, "event_type": "Request", "event_start_date": "2017-03-01"},
    ]
    figures = figures_of(referrals, asc, costs={"days_per_year": 365, "staffing_per_year": 1000})
    assert figures.annual_cost_before == pytest.approx(5214.2857, abs=1e-3)
    assert figures.annual_cost_after == pytest.approx(8864.2857, abs=1e-3)
    assert figures.annual_differential == pytest.approx(3650)
    assert figures.extrapolated_untracked == pytest.approx(1825)
    assert figures.total_annual_pressure == pytest.approx(6475)
    assert figures.in_receipt_before == 1 and figures.not_in_receipt_before == 1
