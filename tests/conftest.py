"""Small hand-made extracts for the unit tests. Each test states its rows; the helpers only fill the
columns a test does not care about."""

import pandas as pd
import pytest

from icnreport.extracts import Extract, check_asc, check_referrals
from icnreport.figures import Figures, compute_figures
from icnreport.params import Params
from icnreport.period import Period

NETWORKS = ["East", "Central", "West"]
REFERRAL_DEFAULTS = {
    "referral_id": "",
    "nhs_number": "",
    "referral_date": "",
    "network": "East",
    "date_of_birth": "",
    "age": "80",
    "gp_practice": "G84001",
}
ASC_DEFAULTS = {
    "person_id": "P1",
    "nhs_number": "",
    "date_of_birth": "",
    "event_type": "Service",
    "event_start_date": "",
    "event_end_date": "",
    "service_type": "Long Term Support",
    "service_component": "Home Care",
    "unit_cost": "",
    "cost_frequency": "Weekly",
    "planned_units_per_week": "",
}
# NHS numbers that pass Modulus 11 (worked in tests/test_nhs_number.py).
NHS_A = "9434765919"
NHS_B = "4010232137"
NHS_C = "9990000026"


def raw_table(rows: list[dict], defaults: dict, file: str) -> pd.DataFrame:
    """Rows as the extract reader hands them on: canonical columns of text, with file and row number."""
    frame = pd.DataFrame([{**defaults, **row} for row in rows], columns=list(defaults)).astype("string")
    return frame.assign(_file=file, _row=range(2, len(rows) + 2))


def referral_extract(rows: list[dict], networks: list[str] = NETWORKS) -> Extract:
    raw = raw_table(rows, REFERRAL_DEFAULTS, "referrals.csv")
    return Extract(check_referrals(raw, networks), raw, blank_rows=0)


def asc_extract(rows: list[dict]) -> Extract:
    raw = raw_table(rows, ASC_DEFAULTS, "cld.csv")
    return Extract(check_asc(raw), raw, blank_rows=0)


def make_params(**overrides) -> Params:
    settings = {
        "area": "Testshire",
        "programme_start": "2016-10-01",
        "networks": NETWORKS,
        "data": {"referrals": "referrals.csv", "asc": "cld.csv"},
        "costs": {"days_per_year": 365, "staffing_per_year": 150_000},
    }
    settings.update(overrides)
    return Params.model_validate(settings)


def figures_of(referrals: list[dict], asc: list[dict], period: str = "2017-06", **params) -> Figures:
    year, month = (int(part) for part in period.split("-"))
    return compute_figures(referral_extract(referrals), asc_extract(asc), make_params(**params), Period(year, month))


@pytest.fixture
def nhs_a() -> str:
    return NHS_A
