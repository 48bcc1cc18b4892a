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
