"""The appendix's tables, as views of one period's figures. Each table keeps its numbers as numbers (for the
tables workbook) and says how each column is written (for the appendix page). A figure suppressed by
disclosure control (None in the controlled figures) is the text "[c]" in its cell, and the table carries a
note saying what [c] means."""

import dataclasses
from dataclasses import dataclass, field

import pandas as pd

from icnreport.cohort import UNTRACKED_REASONS
from icnreport.disclosure import outcome_total
from icnreport.figures import Figures
from icnreport.formatting import SUPPRESSED
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
    """One table of the appendix: a name for its sheet, a caption, numbers, each column's format, and notes
    to print under it."""

    name: str
    caption: str
    frame: pd.DataFrame
    formats: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


def noted(tables: list[Table], note: str) -> list[Table]:
    """The tables, each with the note added if a cell of it is suppressed ("[c]")."""
    return [
        dataclasses.replace(table, notes=(*table.notes, note)) if has_suppressed(table) else table for table in tables
    ]


def has_suppressed(table: Table) -> bool:
    """Whether any cell of the table is suppressed."""
    return bool(table.frame.isin([SUPPRESSED]).to_numpy().any())


def _c(value):
    """A cell: the figure, or "[c]" where disclosure control suppressed it."""
    return SUPPRESSED if value is None else value


def _share(part: int | None, whole: int | None) -> float | str | None:
    """A share as a cell: "[c]" when either count is suppressed, blank (None) with nothing to divide by."""
    if part is None or whole is None:
        return SUPPRESSED
    return part / whole if whole else None


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
    people, tracked = values["people"], values["tracked"]
    return {
        "People referred": _c(people),
        "Tracked": _c(tracked),
        "Coverage": SUPPRESSED if people is None or tracked is None else values["tracking_coverage"],
    }


def coverage_by_month_table(figures: Figures) -> Table:
    """Referrals and tracking by month of referral."""
    rows = [
        {
            "Month": month,
            "Referrals": _c(v["referrals"]),
            "People (index referral)": _c(v["people"]),
            "Tracked": _c(v["tracked"]),
            "Coverage": SUPPRESSED if v["people"] is None or v["tracked"] is None else v["tracking_coverage"],
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
            "People": _c(figures.untracked_reasons[reason]),
            "Share of untracked": _share(figures.untracked_reasons[reason], figures.untracked),
        }
        for reason in UNTRACKED_REASONS
    ]
    rows.append(
        {
            "Reason": "All untracked",
            "People": _c(figures.untracked),
            "Share of untracked": _share(figures.untracked, figures.untracked),
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
    with_outcome = outcome_total(figures)
    rows = []
    for outcome in OUTCOMES:
        in_receipt = before.get(outcome, True)
        base = figures.in_receipt_before if in_receipt else figures.not_in_receipt_before
        count = figures.outcomes[outcome]
        rows.append(
            {
                "Outcome": OUTCOME_LABELS[outcome],
                "Before referral": "In receipt of care" if in_receipt else "Not in receipt of care",
                "People": _c(count),
                "Share of those before": _share(count, base),
                "Share of all tracked": _share(count, with_outcome),
            }
        )
    formats = {"People": COUNT, "Share of those before": SHARE, "Share of all tracked": SHARE}
    return Table("outcomes", "What happened to tracked people's care packages", pd.DataFrame(rows), formats)


def costs_table(figures: Figures) -> Table:
    """Cost to adult social care before and after contact with the ICN (CS18067 paragraph 4.7)."""
    weekly_differential = _difference(figures.weekly_cost_after, figures.weekly_cost_before)
    rows = [
        {
            "Cost to adult social care": "Actual weekly cost",
            "Before referral": _c(figures.weekly_cost_before),
            "After": _c(figures.weekly_cost_after),
            "Differential": _c(weekly_differential),
        },
        {
            "Cost to adult social care": "Projected annual effect",
            "Before referral": _c(figures.annual_cost_before),
            "After": _c(figures.annual_cost_after),
            "Differential": _c(figures.annual_differential),
        },
    ]
    formats = {"Before referral": MONEY, "After": MONEY, "Differential": MONEY}
    return Table("costs", "Cost to adult social care of tracked people's care packages", pd.DataFrame(rows), formats)


def financial_table(figures: Figures) -> Table:
    """The full-year cost of the ICNs to the council (CS18067 paragraph 6.3)."""
    untracked = SUPPRESSED if figures.untracked is None else f"{figures.untracked:,}"
    rows = [
        ("Care package differential (tracked people)", _c(figures.annual_differential)),
        (f"Extrapolated to the {untracked} people not tracked", _c(figures.extrapolated_untracked)),
        ("Staffing", figures.staffing_per_year),
        ("Total annual pressure", _c(figures.total_annual_pressure)),
    ]
    frame = pd.DataFrame(rows, columns=["Additional ICN costs", "Full year"])
    return Table("financial", "Financial implications: full-year cost", frame, {"Full year": MONEY_K})


def drawdown_table(figures: Figures, funding_years: int, budget: float | None) -> Table:
    """The total annual pressure drawn down each funding year, cumulatively, against the budget if given."""
    rows = []
    pressure = figures.total_annual_pressure
    for year in range(1, funding_years + 1):
        drawn = None if pressure is None else pressure * year
        row = {
            "Funding year": year,
            "Drawdown in year": _c(pressure),
            "Cumulative drawdown": _c(drawn),
        }
        if budget is not None:
            row["Budget remaining"] = _c(_difference(budget, drawn))
        rows.append(row)
    formats = {"Drawdown in year": MONEY_K, "Cumulative drawdown": MONEY_K, "Budget remaining": MONEY_K}
    return Table("drawdown", "Drawdown over the funding years", pd.DataFrame(rows), formats)


def age_table(figures: Figures) -> Table:
    """Age at the index referral."""
    age = figures.age
    # With no age recorded the statistics are blank; the ages of too few people are suppressed ("[c]").
    hidden = age["mean"] is None and age["known"] != 0
    mean, youngest, oldest = (SUPPRESSED if hidden else age[key] for key in ("mean", "min", "max"))
    rows = [
        ("Average (mean) age", mean),
        ("Youngest", youngest),
        ("Oldest", oldest),
        ("People with an age recorded", _c(age["known"])),
        ("People without an age", _c(age["unknown"])),
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
            "Rows read": _c(ledger.read),
            "Used": _c(ledger.used),
            "Outside the window": _c(ledger.outside_window),
            "Quarantined": _c(ledger.quarantined),
            "Blank": _c(ledger.blank),
        }
        for source, ledger in figures.rows.items()
    ]
    frame = pd.DataFrame(rows)
    return Table("rows", "Every input row accounted for", frame, {c: COUNT for c in frame.columns[1:]})


def quarantine_table(figures: Figures) -> Table:
    """Rows set aside, by reason."""
    rows = [(reason, _c(n)) for reason, n in figures.quarantined.items()]
    frame = pd.DataFrame(rows, columns=["Reason", "Rows"])
    return Table("quarantined", "Rows set aside (quarantined), by reason", frame, {"Rows": COUNT})


def _difference(after: float | None, before: float | None) -> float | None:
    return None if after is None or before is None else after - before
