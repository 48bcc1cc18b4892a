"""Row-level data quality (SPEC.md): a bad row is set aside with its file, row number and reason, and
every input row ends up in exactly one place."""

import pytest
from conftest import NHS_A, asc_extract, figures_of, referral_extract

GOOD_REFERRAL = {"referral_id": "R1", "nhs_number": NHS_A, "referral_date": "2017-01-15", "network": "East"}


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"referral_id": ""}, "missing referral_id"),
        ({"referral_date": ""}, "missing referral_date"),
        ({"referral_date": "31/02/2017"}, "unparseable referral_date"),
        ({"referral_date": "06/31/2017"}, "unparseable referral_date"),
        ({"network": "Nrth"}, "unknown network"),
        ({"network": ""}, "unknown network"),
    ],
)
def test_referral_row_reasons(change: dict, reason: str) -> None:
    extract = referral_extract([{**GOOD_REFERRAL, **change}])
    assert extract.quarantined[["_file", "_row", "reason"]].values.tolist() == [["referrals.csv", 2, reason]]


def test_network_is_matched_like_a_heading_and_named_as_the_params_name_it() -> None:
    extract = referral_extract([{**GOOD_REFERRAL, "network": " central "}])
    assert extract.kept["network"].tolist() == ["Central"]


def test_duplicate_referral_id_quarantines_second_and_later_rows() -> None:
    rows = [GOOD_REFERRAL, {**GOOD_REFERRAL, "referral_date": "2017-02-01"}, GOOD_REFERRAL]
    extract = referral_extract(rows)
    assert extract.quarantined["_row"].tolist() == [3, 4]
    assert set(extract.quarantined["reason"]) == {"duplicate referral_id"}


def test_a_bad_row_is_quarantined_whatever_its_date() -> None:
    # Outside the window and with an unknown network: quarantined, not "outside the window".
    figures = figures_of([{**GOOD_REFERRAL, "referral_date": "2015-01-01", "network": "Nrth"}], [])
    assert figures.rows["referrals"].quarantined == 1
    assert figures.rows["referrals"].outside_window == 0


GOOD_SERVICE = {
    "person_id": "P1",
    "nhs_number": NHS_A,
    "event_type": "Service",
    "event_start_date": "2017-01-01",
    "event_end_date": "2017-03-01",
    "unit_cost": "100",
    "cost_frequency": "Weekly",
}


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"person_id": ""}, "missing person id"),
        ({"event_type": "Visit"}, "unknown event type"),
        ({"event_start_date": ""}, "missing event_start_date"),
        ({"event_start_date": "1st Jan"}, "unparseable event_start_date"),
        ({"event_end_date": "soon"}, "unparseable event_end_date"),
        ({"event_end_date": "2016-12-31"}, "service ends before it starts"),
        ({"cost_frequency": "Biweekly"}, "unknown cost frequency"),
        ({"cost_frequency": ""}, "unknown cost frequency"),
        ({"unit_cost": "n/a"}, "missing or unparseable unit cost"),
        ({"unit_cost": ""}, "missing or unparseable unit cost"),
        ({"unit_cost": "-5"}, "negative unit cost"),
        ({"cost_frequency": "Hourly"}, "no planned units for an hourly, daily or per-session cost"),
    ],
)
def test_asc_row_reasons(change: dict, reason: str) -> None:
    extract = asc_extract([{**GOOD_SERVICE, **change}])
    assert extract.quarantined[["_file", "_row", "reason"]].values.tolist() == [["cld.csv", 2, reason]]


def test_costs_are_not_checked_on_rows_that_are_not_services() -> None:
    extract = asc_extract([{**GOOD_SERVICE, "event_type": "Assessment", "unit_cost": "", "cost_frequency": ""}])
    assert extract.quarantined.empty


def test_zero_cost_service_is_a_package() -> None:
    extract = asc_extract([{**GOOD_SERVICE, "unit_cost": "0"}])
    assert extract.quarantined.empty


def test_quarantined_rows_are_counted_by_reason_and_reconcile() -> None:
    referrals = [
        GOOD_REFERRAL,
        {**GOOD_REFERRAL, "referral_id": "R2", "network": "Nrth"},
        {**GOOD_REFERRAL, "referral_id": "R3", "referral_date": "2017-08-01"},
    ]
    asc = [GOOD_SERVICE, {**GOOD_SERVICE, "cost_frequency": "Biweekly"}]
    figures = figures_of(referrals, asc)
    assert figures.quarantined == {"unknown cost frequency": 1, "unknown network": 1}
    ledger = figures.rows["referrals"]
    assert (ledger.read, ledger.used, ledger.outside_window, ledger.quarantined) == (3, 1, 1, 1)
    assert (figures.rows["asc"].read, figures.rows["asc"].used) == (2, 1)
