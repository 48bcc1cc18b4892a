"""Cost to adult social care (SPEC.md definition 7): weekly costs annualised, the differential, its
extrapolation to the people who could not be tracked, and the total annual pressure with staffing."""

from dataclasses import dataclass

DAYS_PER_WEEK = 7


def annualise(weekly: float, days_per_year: float) -> float:
    """A weekly cost as a year's cost: weekly x days_per_year / 7 (CS18067: GBP 28k a week is GBP 1,460k)."""
    return weekly * days_per_year / DAYS_PER_WEEK


@dataclass(frozen=True)
class CostSummary:
    """The cost figures of one period, in pounds, unrounded."""

    weekly_cost_before: float
    weekly_cost_after: float
    annual_cost_before: float
    annual_cost_after: float
    annual_differential: float
    extrapolated_untracked: float
    staffing_per_year: float
    total_annual_pressure: float


def cost_summary(
    weekly_cost_before: float,
    weekly_cost_after: float,
    tracked: int,
    untracked: int,
    days_per_year: float,
    staffing_per_year: float,
) -> CostSummary:
    """The cost figures from the tracked people's weekly totals. The differential is extrapolated to the
    untracked people in proportion (differential x untracked / tracked); with no tracked people it is 0."""
    annual_before = annualise(weekly_cost_before, days_per_year)
    annual_after = annualise(weekly_cost_after, days_per_year)
    differential = annual_after - annual_before
    extrapolated = differential * untracked / tracked if tracked else 0.0
    return CostSummary(
        weekly_cost_before=weekly_cost_before,
        weekly_cost_after=weekly_cost_after,
        annual_cost_before=annual_before,
        annual_cost_after=annual_after,
        annual_differential=differential,
        extrapolated_untracked=extrapolated,
        staffing_per_year=staffing_per_year,
        total_annual_pressure=differential + extrapolated + staffing_per_year,
    )
