"""Bromley report CS18067 (Executive, 10 October 2017), "Integrated Care Networks update": its published
figures, and where the figures reproduced from the demo extract show that it does not add up. The
reproduced figures may be the public ones, after disclosure control: a suppressed one is written "[c]"."""

import datetime as dt

import pandas as pd

from icnreport.figures import Figures
from icnreport.formatting import count_or_c, money_k_or_c, percent_or_c

#: The period CS18067 reports on: "9 months to the end of June 2017" (4.1), from the ICNs starting in October
#: 2016 (3.1). Its figures are set beside no other period's: October 2016 has nothing to compare with them.
PROGRAMME_START = dt.date(2016, 10, 1)
PERIOD_END = dt.date(2017, 6, 30)

#: What CS18067 printed (section 4.1-4.3, table 4.7, table 6.3 and the cover sheet), as printed.
PUBLISHED = {
    "people": "approximately 550 (4.1)",
    "tracked": "322 (58%) (4.1-4.2)",
    "in_receipt_before": "121 (38%) (4.3)",
    "not_in_receipt_before": "201 (62%) (4.3)",
    "none": "180 (56%) (4.3, 4.3.5)",
    "new": "31, as 15% (4.3) and as 10% (4.3.2)",
    "increased": "27; 22% (4.3, 4.3.3)",
    "decreased": "4 (4.3, 4.3.4)",
    "weekly": "£28k before, £35k after (4.7)",
    "annual": "£1,460k before, £1,825k after (4.7)",
    "differential": "£365k (4.7)",
    "extrapolated": "£264k, using 58% and 42% (4.11, 6.3)",
    "total": "£779k (6.3, 6.7); the cover sheet says up to £989k",
}


def reports_on(figures: Figures) -> bool:
    """Whether the figures are for the period CS18067 reports on, from the same programme start."""
    return (figures.programme_start, figures.period_end) == (PROGRAMME_START, PERIOD_END)


def comparison_table(figures: Figures) -> pd.DataFrame:
    """CS18067's figures beside the reproduced ones, noting where the published report does not add up."""
    f, tracked = figures, figures.tracked
    not_before, new, none = (count_or_c(n) for n in (f.not_in_receipt_before, f.outcomes["new"], f.outcomes["none"]))
    rows = [
        ("People referred", PUBLISHED["people"], count_or_c(f.people), ""),
        (
            "Tracked in adult social care",
            PUBLISHED["tracked"],
            f"{count_or_c(tracked)} ({percent_or_c(tracked, f.people)})",
            "322 of 550 is 58.5%; CS18067 truncated it to 58%.",
        ),
        (
            "In receipt of care before referral",
            PUBLISHED["in_receipt_before"],
            count_or_c(f.in_receipt_before),
            "",
        ),
        (
            "Not in receipt of care before",
            PUBLISHED["not_in_receipt_before"],
            count_or_c(f.not_in_receipt_before),
            "",
        ),
        (
            "No care package before or after",
            PUBLISHED["none"],
            count_or_c(f.outcomes["none"]),
            f"180 cannot sit beside {not_before} not in receipt before and {new} of them with a new package: "
            f"{not_before} - {new} = {none}.",
        ),
        (
            "New care package",
            PUBLISHED["new"],
            count_or_c(f.outcomes["new"]),
            f"{percent_or_c(f.outcomes['new'], tracked)} of the {count_or_c(tracked)} tracked; "
            f"{percent_or_c(f.outcomes['new'], f.not_in_receipt_before)} of the {count_or_c(f.not_in_receipt_before)} "
            "not in receipt before. Both are right; each needs its denominator.",
        ),
        (
            "Package increased",
            PUBLISHED["increased"],
            count_or_c(f.outcomes["increased"]),
            f"{percent_or_c(f.outcomes['increased'], f.in_receipt_before)} of the {count_or_c(f.in_receipt_before)} "
            "in receipt before.",
        ),
        ("Package decreased", PUBLISHED["decreased"], count_or_c(f.outcomes["decreased"]), ""),
        (
            "Annual cost before and after",
            PUBLISHED["annual"],
            f"{money_k_or_c(f.annual_cost_before)} before, {money_k_or_c(f.annual_cost_after)} after",
            "",
        ),
        ("Differential", PUBLISHED["differential"], money_k_or_c(f.annual_differential), ""),
        (
            "Extrapolated to the untracked",
            PUBLISHED["extrapolated"],
            money_k_or_c(f.extrapolated_untracked),
            f"The ratio of untracked to tracked people is {count_or_c(f.untracked)}/{count_or_c(tracked)}, not "
            "CS18067's rounded 42/58.",
        ),
        (
            "Total annual cost",
            PUBLISHED["total"],
            money_k_or_c(f.total_annual_pressure),
            "£365k + £264k + £150k = £779k; the cover sheet's £989k is not explained by section 6.",
        ),
    ]
    return pd.DataFrame(rows, columns=["Figure", "CS18067 printed", "Reproduced", "Note"])
