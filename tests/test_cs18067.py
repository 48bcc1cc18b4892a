"""Back test: the shipped synthetic demo extract, run through the command line for June 2017, gives the
figures Bromley published in report CS18067 (sections 4 and 6), as SPEC.md lists them."""

import json
from pathlib import Path

import pytest

from icnreport.cli import main

DEMO_PARAMS = Path(__file__).resolve().parents[1] / "params" / "demo.yaml"


@pytest.fixture(scope="module")
def demo() -> dict:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["figures", "--params", str(DEMO_PARAMS), "--period", "2017-06"]) == 0
    return json.loads(out.getvalue())


def test_people_and_tracking(demo: dict) -> None:
    # CS18067 4.1-4.2: "approximately 550 referrals"; "58% (322)" tracked; three networks.
    assert (demo["people"], demo["tracked"], demo["untracked"]) == (550, 322, 228)
    assert set(demo["by_network"]) == {"East", "Central", "West"}
    assert sum(network["people"] for network in demo["by_network"].values()) == 550
    assert demo["programme_start"] == "2016-10-01" and demo["period_end"] == "2017-06-30"


def test_outcomes(demo: dict) -> None:
    # CS18067 4.3: 121 in receipt before (27 enhanced, 4 lower); 201 not (31 new). 201 - 31 = 170 none.
    outcomes = demo["outcomes"]
    assert demo["in_receipt_before"] == 121
    assert demo["not_in_receipt_before"] == 201
    assert (outcomes["increased"], outcomes["decreased"], outcomes["new"], outcomes["none"]) == (27, 4, 31, 170)
    assert outcomes["ended"] + outcomes["unchanged"] == 121 - 27 - 4


def test_costs(demo: dict) -> None:
    # CS18067 4.7: GBP 28k and 35k a week; 1,460k and 1,825k a year; differential 365k. 6.3: staffing 150k.
    assert demo["weekly_cost_before"] == pytest.approx(28_000, abs=0.005)
    assert demo["weekly_cost_after"] == pytest.approx(35_000, abs=0.005)
    assert demo["annual_cost_before"] == pytest.approx(1_460_000, abs=0.01)
    assert demo["annual_cost_after"] == pytest.approx(1_825_000, abs=0.01)
    assert demo["annual_differential"] == pytest.approx(365_000, abs=0.01)
    # SPEC.md: the exact ratio 228/322, not CS18067's rounded 42/58 (which gave 264k).
    assert demo["extrapolated_untracked"] == pytest.approx(365_000 * 228 / 322)
    assert demo["staffing_per_year"] == 150_000
    assert demo["total_annual_pressure"] == pytest.approx(365_000 + 365_000 * 228 / 322 + 150_000)


def test_age(demo: dict) -> None:
    # CS18067 4.3.1: average age 82, oldest 103, youngest 38.
    assert round(demo["age"]["mean"]) == 82
    assert (demo["age"]["min"], demo["age"]["max"]) == (38, 103)


def test_every_row_is_accounted_for(demo: dict) -> None:
    for ledger in demo["rows"].values():
        assert ledger["read"] == ledger["used"] + ledger["outside_window"] + ledger["quarantined"] + ledger["blank"]
    assert (
        sum(demo["quarantined"].values())
        == demo["rows"]["referrals"]["quarantined"] + demo["rows"]["asc"]["quarantined"]
    )
    assert demo["referrals"] == demo["rows"]["referrals"]["used"]


@pytest.mark.parametrize(
    ("period", "programme_start", "compared"),
    [
        ("2017-06", "2016-10-01", True),  # CS18067 4.1: "9 months to the end of June 2017"; 3.1: from October 2016
        ("2017-05", "2016-10-01", False),  # a month short: CS18067's 550 people are not May's
        ("2016-10", "2016-10-01", False),
        ("2017-06", "2016-11-01", False),  # the same month end, but not the same nine months
    ],
)
def test_cs18067_is_set_beside_the_period_it_reports_on_and_no_other(
    period: str, programme_start: str, compared: bool
) -> None:
    import datetime as dt

    from icnreport.appendix import appendix_tables
    from icnreport.figures import figures_for
    from icnreport.params import load_params
    from icnreport.period import parse_period

    params = load_params(DEMO_PARAMS)
    params = params.model_copy(update={"programme_start": dt.date.fromisoformat(programme_start)})
    assert params.report.compare_with_cs18067
    assert ("cs18067" in appendix_tables(params, figures_for(params, parse_period(period)))) is compared
