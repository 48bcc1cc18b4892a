"""The appendix's tables, as views of one period's figures. Each table keeps its numbers as numbers (for the
tables workbook) and says how each column is written (for the appendix page)."""

from dataclasses import dataclass, field

import pandas as pd

from icnreport.cohort import UNTRACKED_REASONS
from icnreport.figures import Figures
from icnreport.outcomes import OUTCOMES

COUNT, SHARE, MONEY, MONEY_K, MONTH = "count", "share", "money", "money_k", "month"

UNTRACKED_LABELS = {
    "nhs_missing": "No NHS number recorded",
    "nhs_invalid": "NHS number not valid",
    "not_known_to_asc": "Not known to adult social care",
}
OUTCOME_LABELS = {
    "none": "No care package before or after",
    "new": "New care package",
    "ended": "Care package ended",
    "increased": "Care package increased",
    "decreased": "Care package decreased",
    "unchanged": "Care package unchanged",
}


@dataclass(frozen=True)
class Table:
    """One table of the appendix: a name for its sheet, a caption, numbers, and each column's format."""

    name: str
    caption: str
    frame: pd.DataFrame
    formats: dict[str, str] = field(default_factory=dict)


def coverage_table(figures: Figures) -> Table:
    """People referred, tracked and not, overall and by network."""
    rows = [{"Network": name, **_coverage(values)} for name, values in figures.by_network.items()]
    rows.append({"Network": "All networks", **_coverage(figures.__dict__)})
    return Table(
        "coverage",
        "People referred and tracked in adult social care, by network",
        pd.DataFrame(rows),
        {"People referred": COUNT, "Tracked": COUNT, "Coverage": SHARE},
    )


def _coverage(values: dict) -> dict:
    return {
        "People referred": values["people"],
        "Tracked": values["tracked"],
        "Coverage": values["tracking_coverage"],
    }


def coverage_by_month_table(figures: Figures) -> Table:
    """Referrals and tracking by month of referral."""
    rows = [
        {
            "Month": month,
            "Referrals": v["referrals"],
            "People (index referral)": v["people"],
            "Tracked": v["tracked"],
            "Coverage": v["tracking_coverage"],
        }
        for month, v in figures.by_month.items()
    ]
    columns = ["Month", "Referrals", "People (index referral)", "Tracked", "Coverage"]
    formats = {
        "Month": MONTH,
        "Referrals": COUNT,
        "People (index referral)": COUNT,
        "Tracked": COUNT,
        "Coverage": SHARE,
    }
    return Table(
        "coverage_by_month",
        "Tracking by month of index referral",
        pd.DataFrame(rows, columns=columns),
        formats,
    )


def untracked_table(figures: Figures) -> Table:
    """Why people could not be tracked."""
    rows = [
        {
            "Reason": UNTRACKED_LABELS[reason],
            "People": figures.untracked_reasons[reason],
            "Share of untracked": _share(figures.untracked_reasons[reason], figures.untracked),
        }
        for reason in UNTRACKED_REASONS
    ]
    rows.append(
        {
            "Reason": "All untracked",
            "People": figures.untracked,
            "Share of untracked": 1.0 if figures.untracked else None,
        }
    )
    return Table(
        "untracked",
        "Why people could not be tracked",
        pd.DataFrame(rows),
        {"People": COUNT, "Share of untracked": SHARE},
    )


def outcomes_table(figures: Figures) -> Table:
    """Tracked people by what happened to their care package, with the base of each percentage."""
    before = {"none": False, "new": False}
    rows = []
    for outcome in OUTCOMES:
        in_receipt = before.get(outcome, True)
        base = figures.in_receipt_before if in_receipt else figures.not_in_receipt_before
        count = figures.outcomes[outcome]
        rows.append(
            {
                "Outcome": OUTCOME_LABELS[outcome],
                "Before referral": "In receipt of care" if in_receipt else "Not in receipt of care",
                "People": count,
                "Share of those before": _share(count, base),
                "Share of all tracked": _share(count, sum(figures.outcomes.values())),
            }
        )
    formats = {"People": COUNT, "Share of those before": SHARE, "Share of all tracked": SHARE}
    return Table("outcomes", "What happened to tracked people's care packages", pd.DataFrame(rows), formats)


def costs_table(figures: Figures) -> Table:
    """Cost to adult social care before and after contact with the ICN (CS18067 paragraph 4.7)."""
    rows = [
        {
            "Cost to adult social care": "Actual weekly cost",
            "Before referral": figures.weekly_cost_before,
            "After": figures.weekly_cost_after,
            "Differential": figures.weekly_cost_after - figures.weekly_cost_before,
        },
        {
            "Cost to adult social care": "Projected annual effect",
            "Before referral": figures.annual_cost_before,
            "After": figures.annual_cost_after,
            "Differential": figures.annual_differential,
        },
    ]
    formats = {"Before referral": MONEY, "After": MONEY, "Differential": MONEY}
    return Table("costs", "Cost to adult social care of tracked people's care packages", pd.DataFrame(rows), formats)


def financial_table(figures: Figures) -> Table:
    """The full-year cost of the ICNs to the council (CS18067 paragraph 6.3)."""
    rows = [
        ("Care package differential (tracked people)", figures.annual_differential),
        (f"Extrapolated to the {figures.untracked:,} people not tracked", figures.extrapolated_untracked),
        ("Staffing", figures.staffing_per_year),
        ("Total annual pressure", figures.total_annual_pressure),
    ]
    frame = pd.DataFrame(rows, columns=["Additional ICN costs", "Full year"])
    return Table("financial", "Financial implications: full-year cost", frame, {"Full year": MONEY_K})


def drawdown_table(figures: Figures, funding_years: int, budget: float | None) -> Table:
    """The total annual pressure drawn down each funding year, cumulatively, against the budget if given."""
    rows = []
    for year in range(1, funding_years + 1):
        drawn = figures.total_annual_pressure * year
        row = {
            "Funding year": year,
            "Drawdown in year": figures.total_annual_pressure,
            "Cumulative drawdown": drawn,
        }
        if budget is not None:
            row["Budget remaining"] = budget - drawn
        rows.append(row)
    formats = {"Drawdown in year": MONEY_K, "Cumulative drawdown": MONEY_K, "Budget remaining": MONEY_K}
    return Table("drawdown", "Drawdown over the funding years", pd.DataFrame(rows), formats)


def age_table(figures: Figures) -> Table:
    """Age at the index referral."""
    age = figures.age
    rows = [
        ("Average (mean) age", age["mean"]),
        ("Youngest", age["min"]),
        ("Oldest", age["max"]),
        ("People with an age recorded", age["known"]),
        ("People without an age", age["unknown"]),
    ]
    return Table(
        "age",
        "Age at referral",
        pd.DataFrame(rows, columns=["Age at referral", "Years or people"]),
        {"Years or people": COUNT},
    )


def reconciliation_table(figures: Figures) -> Table:
    """Where every input row went: used, outside the window, quarantined, blank."""
    rows = [
        {
            "Extract": "Referrals" if source == "referrals" else "Adult social care (CLD)",
            "Rows read": ledger.read,
            "Used": ledger.used,
            "Outside the window": ledger.outside_window,
            "Quarantined": ledger.quarantined,
            "Blank": ledger.blank,
        }
        for source, ledger in figures.rows.items()
    ]
    frame = pd.DataFrame(rows)
    return Table("rows", "Every input row accounted for", frame, {c: COUNT for c in frame.columns[1:]})


def quarantine_table(figures: Figures) -> Table:
    """Rows set aside, by reason."""
    frame = pd.DataFrame(list(figures.quarantined.items()), columns=["Reason", "Rows"])
    return Table("quarantined", "Rows set aside (quarantined), by reason", frame, {"Rows": COUNT})


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None
