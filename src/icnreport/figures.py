"""One typed result for a period's figures. The JSON, the narrative, the tables and the charts are views
of it; every figure is unrounded here and defined in the module named beside it."""

import dataclasses
import datetime as dt
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pandas as pd

from icnreport import cohort, outcomes
from icnreport.costs import cost_summary
from icnreport.errors import PeriodError
from icnreport.extracts import REASON, Extract
from icnreport.params import Params
from icnreport.period import Period


@dataclass(frozen=True)
class RowLedger:
    """Where every row of one input went: read = used + outside_window + quarantined (+ blank rows).
    After disclosure control a count may be None (suppressed)."""

    read: int | None
    used: int | None
    outside_window: int | None
    quarantined: int | None
    blank: int | None


@dataclass(frozen=True)
class Figures:
    """The figures of one reporting period (SPEC.md "Outputs"). Money in pounds, proportions 0 to 1.
    Exact as `compute_figures` makes them; after disclosure control (disclosure.py) a suppressed count, and
    money covering a suppressed group, is None."""

    area: str
    period: str
    period_end: dt.date
    programme_start: dt.date
    follow_up_days: int | None
    referrals: int | None
    people: int | None
    tracked: int | None
    untracked: int | None
    untracked_reasons: dict[str, int | None]
    tracking_coverage: float | None
    follow_up_incomplete: int | None
    outcomes: dict[str, int | None]
    in_receipt_before: int | None
    not_in_receipt_before: int | None
    weekly_cost_before: float | None
    weekly_cost_after: float | None
    annual_cost_before: float | None
    annual_cost_after: float | None
    annual_differential: float | None
    extrapolated_untracked: float | None
    staffing_per_year: float
    total_annual_pressure: float | None
    days_per_year: float
    one_off: dict[str, float | int | None]
    age: dict[str, float | int | None]
    by_network: dict[str, dict[str, float | int | None]]
    by_month: dict[str, dict[str, float | int | None]]
    quarantined: dict[str, int | None]
    rows: dict[str, RowLedger]
    warnings: dict[str, int | None]

    def to_dict(self) -> dict:
        """Plain data for JSON: dates as ISO text."""
        return json.loads(self.to_json())

    def to_json(self, indent: int | None = 2) -> str:
        """The figures JSON of SPEC.md."""
        return json.dumps(dataclasses.asdict(self), indent=indent, default=_json_default)

    @classmethod
    def from_json(cls, text: str) -> "Figures":
        """Figures read back from their JSON (as the runner hands them to the appendix notebook)."""
        data = json.loads(text)
        data["period_end"] = dt.date.fromisoformat(data["period_end"])
        data["programme_start"] = dt.date.fromisoformat(data["programme_start"])
        data["rows"] = {source: RowLedger(**ledger) for source, ledger in data["rows"].items()}
        return cls(**data)


def _json_default(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def compute_figures(referrals: Extract, asc: Extract, params: Params, period: Period) -> Figures:
    """Every figure of SPEC.md for one period, from checked extracts."""
    # Work that does not wait on the rest runs in a second thread: first what the CLD extract alone gives,
    # while the referrals make the cohort; then the cohort's own counts, while its services are linked and
    # followed up. It is mostly numpy and Arrow work, which leaves the interpreter free for the other thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        cld_side = pool.submit(outcomes.cld_links, asc.rows, asc.passed)
        # Rows are filtered once, by check and window together; the CLD rows are never copied whole.
        window = cohort.in_window(referrals.rows, params.programme_start, period.end).to_numpy() & referrals.passed
        in_window = referrals.rows[window]
        index = cohort.index_referrals(in_window)
        cld = cld_side.result()
        people = cohort.track(index, cld.nhs_numbers)
        people = outcomes.follow_up_days_of(people, period.end, params.follow_up_days)
        cohort_side = pool.submit(_cohort_figures, referrals, asc, in_window, people, params.networks)
        complete = people[people["tracked"].to_numpy() & people["follow_up_complete"].to_numpy()]
        linked = outcomes.link_services(complete, asc.rows, cld=cld)
        per_person = outcomes.person_outcomes(complete, linked.services)
        counted_tracked = len(complete)
        costs = cost_summary(
            weekly_cost_before=float(per_person["weekly_cost_before"].sum()),
            weekly_cost_after=float(per_person["weekly_cost_after"].sum()),
            tracked=counted_tracked,
            untracked=int(people["follow_up_complete"].sum()) - counted_tracked,
            days_per_year=params.costs.days_per_year,
            staffing_per_year=params.costs.staffing_per_year,
        )
        one_off = outcomes.one_off_services(complete, linked.services)
        cohort_figures = cohort_side.result()
    return Figures(
        area=params.area,
        period=period.label,
        period_end=period.end,
        programme_start=params.programme_start,
        follow_up_days=params.follow_up_days,
        **cohort_figures,
        outcomes=_counts(per_person["outcome"], outcomes.OUTCOMES),
        in_receipt_before=int(per_person["in_receipt_before"].sum()),
        not_in_receipt_before=int((~per_person["in_receipt_before"]).sum()),
        **dataclasses.asdict(costs),
        days_per_year=params.costs.days_per_year,
        one_off={"services": len(one_off), "cost": float(one_off["unit_cost"].sum())},
        warnings=_warnings(people, asc, linked),
    )


def _cohort_figures(
    referrals: Extract, asc: Extract, in_window: pd.DataFrame, people: pd.DataFrame, networks: list[str]
) -> dict[str, object]:
    """The figures about the cohort and the rows read, which do not need anyone's services."""
    tracked = people["tracked"]
    untracked = people[~tracked.to_numpy()]
    tracked_count = len(people) - len(untracked)
    return {
        "referrals": len(in_window),
        "people": len(people),
        "tracked": tracked_count,
        "untracked": len(untracked),
        "untracked_reasons": _counts(untracked["untracked_reason"], cohort.UNTRACKED_REASONS),
        "tracking_coverage": _share(tracked_count, len(people)),
        "follow_up_incomplete": int((tracked & ~people["follow_up_complete"]).sum()),
        "age": _age(people["age"]),
        "by_network": _by_network(people, networks),
        "by_month": _by_month(in_window, people),
        "quarantined": _quarantined(referrals, asc),
        "rows": _ledger(referrals, asc, outside_window=int(referrals.passed.sum()) - len(in_window)),
    }


def _counts(values: pd.Series, categories: tuple[str, ...]) -> dict[str, int]:
    counts = values.value_counts()
    return {category: int(counts.get(category, 0)) for category in categories}


def _age(age: pd.Series) -> dict[str, float | int | None]:
    known = age.dropna()
    if known.empty:
        return {"mean": None, "min": None, "max": None, "known": 0, "unknown": int(len(age))}
    return {
        "mean": float(known.mean()),
        "min": int(known.min()),
        "max": int(known.max()),
        "known": int(len(known)),
        "unknown": int(len(age) - len(known)),
    }


def _by_network(people: pd.DataFrame, networks: list[str]) -> dict[str, dict[str, float | int | None]]:
    grouped = people.groupby("network")["tracked"].agg(["size", "sum"])
    result = {}
    for network in networks:
        count = int(grouped["size"].get(network, 0))
        tracked = int(grouped["sum"].get(network, 0))
        result[network] = {"people": count, "tracked": tracked, "tracking_coverage": _share(tracked, count)}
    return result


def _by_month(in_window: pd.DataFrame, people: pd.DataFrame) -> dict[str, dict[str, float | int | None]]:
    """Referrals by the month they were received; people and tracking by the month of the index referral."""
    referral_month = _months(in_window["referral_date"])
    people_month = _months(people["referral_date"])
    referrals = referral_month.value_counts()
    by_person = people.groupby(people_month.to_numpy())["tracked"].agg(["size", "sum"])
    result = {}
    for number in sorted(referrals.index):
        month = f"{number // 100:04d}-{number % 100:02d}"
        count = int(by_person["size"].get(number, 0))
        tracked = int(by_person["sum"].get(number, 0))
        result[month] = {
            "referrals": int(referrals.get(number, 0)),
            "people": count,
            "tracked": tracked,
            "tracking_coverage": _share(tracked, count),
        }
    return result


def _months(days: pd.Series) -> pd.Series:
    """Each day's month as the number YYYYMM (integer arithmetic; formatting a million dates is slow)."""
    return (days.dt.year * 100 + days.dt.month).astype("int64")


def _quarantined(*extracts: Extract) -> dict[str, int]:
    reasons = pd.concat([extract.rows[REASON].dropna() for extract in extracts])
    return {str(reason): int(count) for reason, count in reasons.value_counts().sort_index().items()}


def _ledger(referrals: Extract, asc: Extract, outside_window: int) -> dict[str, RowLedger]:
    def ledger(extract: Extract, outside: int) -> RowLedger:
        quarantined = int(extract.rows[REASON].notna().sum())
        rows = len(extract.rows)
        return RowLedger(
            read=rows + extract.blank_rows,
            used=rows - quarantined - outside,
            outside_window=outside,
            quarantined=quarantined,
            blank=extract.blank_rows,
        )

    return {"referrals": ledger(referrals, outside_window), "asc": ledger(asc, 0)}


def _warnings(people: pd.DataFrame, asc: Extract, linked: outcomes.LinkedServices) -> dict[str, int]:
    """Data-quality notes that do not set a row aside but that an analyst should see."""
    return {
        "people_without_age": int(people["age"].isna().sum()),
        "asc_rows_with_invalid_nhs_number": int(((asc.rows["nhs_status"] == "invalid").to_numpy() & asc.passed).sum()),
        "asc_person_ids_with_several_nhs_numbers": linked.person_ids_with_several_nhs_numbers,
        "service_rows_repeating_an_earlier_row": linked.repeated_rows,
    }


def figures_for(params: Params, period: Period) -> Figures:
    """Read the extracts named in the params and compute the period's figures."""
    from icnreport.extracts import read_extracts

    if period.end < params.programme_start:
        raise PeriodError(f"period {period} ends before the programme start ({params.programme_start:%d %B %Y})")
    referrals, asc = read_extracts(params)
    return compute_figures(referrals, asc, params, period)
