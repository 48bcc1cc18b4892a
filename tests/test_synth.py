"""The synthetic extract generator. The demo's figures are recomputed here from SPEC.md's definitions with
plain pandas, independently of the library, so a wrong generator cannot hide behind a wrong library."""

import filecmp
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from icnreport import synth

DEMO_DIR = Path(__file__).resolve().parents[1] / "data" / "demo"
PROGRAMME_START = pd.Timestamp("2016-10-01")
PERIOD_END = pd.Timestamp("2017-06-30")
NETWORKS = {"East", "Central", "West"}
#: SPEC.md weekly cost rule, exactly; Hourly, Daily and Per session use Planned units per week.
UNITS_PER_WEEK = {
    "Weekly": Fraction(1),
    "Fortnightly": Fraction(1, 2),
    "Four-weekly": Fraction(1, 4),
    "Monthly": Fraction(12, 52),
    "Quarterly": Fraction(4, 52),
    "Annually": Fraction(1, 52),
}
PLANNED = {"Hourly", "Daily", "Per session"}
FREQUENCIES = set(UNITS_PER_WEEK) | PLANNED | {"One-off"}
CLD = {
    "la_id": "LA Person Unique Identifier",
    "nhs": "NHS Number",
    "event": "Event Type",
    "start": "Event Start Date",
    "end": "Event End Date",
    "unit_cost": "Unit Cost",
    "frequency": "Cost Frequency (Unit Type)",
    "units": "Planned units per week",
}


# --- An independent reading of the definitions ------------------------------------------------------------


def nhs_is_valid(text: str) -> bool:
    """SPEC.md definition 2, digit by digit."""
    digits = text.replace(" ", "").replace("-", "")
    if len(digits) != 10 or not digits.isdigit() or len(set(digits)) == 1:
        return False
    check = 11 - sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def clean_nhs(text: str) -> str | None:
    """The valid NHS number in a cell, or None."""
    return text.replace(" ", "").replace("-", "") if nhs_is_valid(text) else None


def parse_date(text: pd.Series) -> pd.Series:
    uk = pd.to_datetime(text, format="%d/%m/%Y", errors="coerce")
    return uk.fillna(pd.to_datetime(text, format="%Y-%m-%d", errors="coerce"))


def whole_years(birth: pd.Timestamp, day: pd.Timestamp) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def pence(text: str) -> int:
    pounds, _, decimals = text.partition(".")
    return int(pounds) * 100 + int(decimals.ljust(2, "0"))


def weekly_pence(row: pd.Series) -> Fraction:
    frequency = row[CLD["frequency"]]
    per_week = Fraction(row[CLD["units"]]) if frequency in PLANNED else UNITS_PER_WEEK[frequency]
    return pence(row[CLD["unit_cost"]]) * per_week


def read_referrals(folder: Path) -> tuple[pd.DataFrame, dict[str, int]]:
    """Referral rows that pass the row checks, and counts of those set aside."""
    rows = pd.read_csv(folder / "referrals.csv", dtype=str, keep_default_na=False)
    rows["date"] = parse_date(rows["referral_date"])
    bad_date = rows["date"].isna()
    bad_network = ~rows["network"].isin(NETWORKS) & ~bad_date
    duplicate = rows["referral_id"].duplicated() & ~bad_date & ~bad_network
    bad = {"date": int(bad_date.sum()), "network": int(bad_network.sum()), "duplicate": int(duplicate.sum())}
    return rows[~(bad_date | bad_network | duplicate)].copy(), bad


def read_cld(folder: Path) -> tuple[pd.DataFrame, dict[str, int]]:
    """CLD rows of every quarterly file that pass the row checks, and counts of those set aside."""
    files = sorted(folder.glob("cld_*.csv"))
    rows = pd.concat([pd.read_csv(f, dtype=str, keep_default_na=False) for f in files], ignore_index=True)
    rows["start"] = pd.to_datetime(rows[CLD["start"]], format="%Y-%m-%d")
    rows["end"] = pd.to_datetime(rows[CLD["end"]].replace("", None), format="%Y-%m-%d")
    service = rows[CLD["event"]] == "Service"
    ends_early = service & (rows["end"] < rows["start"])
    unknown = service & ~rows[CLD["frequency"]].isin(FREQUENCIES)
    bad = {"ends_before_start": int(ends_early.sum()), "unknown_frequency": int(unknown.sum())}
    rows = rows[~(ends_early | unknown)].copy()
    rows["nhs"] = rows[CLD["nhs"]].map(clean_nhs)
    return rows, bad


@dataclass
class Demo:
    """The figures of one period, recomputed, with the intermediate tables the edge-case tests need."""

    figures: dict
    people: pd.DataFrame
    referrals: pd.DataFrame
    cld: pd.DataFrame
    services: pd.DataFrame
    bad: dict[str, int]


def index_referrals(referrals: pd.DataFrame) -> pd.DataFrame:
    """SPEC.md definitions 1-3: one row per person, at their earliest in-window referral."""
    window = referrals[(referrals["date"] >= PROGRAMME_START) & (referrals["date"] <= PERIOD_END)].copy()
    window["nhs"] = window["nhs_number"].map(clean_nhs)
    window["person"] = window["nhs"].fillna("referral " + window["referral_id"])
    window["status"] = np.where(
        window["nhs"].notna(), "valid", np.where(window["nhs_number"].str.strip() == "", "missing", "invalid")
    )
    ordered = window.sort_values(["date", "referral_id"])
    return ordered.drop_duplicates("person").set_index("person")


def person_costs(people: pd.DataFrame, services: pd.DataFrame) -> pd.DataFrame:
    """Weekly cost (exact) on the before day and the after day of each tracked person; NaN when not in receipt."""
    costs = []
    for person, row in people[people["tracked"]].iterrows():
        theirs = services[services["nhs"] == person]
        costs.append([person, *(active_cost(theirs, day) for day in (row["date"] - pd.Timedelta(days=1), PERIOD_END))])
    return pd.DataFrame(costs, columns=["person", "before", "after"]).set_index("person")


def active_cost(services: pd.DataFrame, day: pd.Timestamp) -> Fraction | None:
    active = services[(services["start"] <= day) & (services["end"].isna() | (services["end"] >= day))]
    return sum(active["weekly"], Fraction(0)) if len(active) else None


def outcome(before: Fraction | None, after: Fraction | None) -> str:
    if before is None:
        return "none" if after is None else "new"
    if after is None:
        return "ended"
    return "unchanged" if before == after else "increased" if after > before else "decreased"


def recompute(folder: Path) -> Demo:
    """CS18067's figures for period 2017-06 from the extract in `folder`, by SPEC.md's definitions."""
    referrals, bad_referrals = read_referrals(folder)
    cld, bad_cld = read_cld(folder)
    people = index_referrals(referrals)
    known = set(cld["nhs"].dropna())
    people["tracked"] = people.index.isin(known)
    people["reason"] = np.select(
        [people["tracked"], people["status"] == "missing", people["status"] == "invalid"],
        ["tracked", "nhs_missing", "nhs_invalid"],
        "not_known_to_asc",
    )
    ids = cld.dropna(subset=["nhs"])[["nhs", CLD["la_id"]]].drop_duplicates()
    services = cld[(cld[CLD["event"]] == "Service") & (cld[CLD["frequency"]] != "One-off")].drop(columns="nhs")
    services = services.merge(ids, on=CLD["la_id"])
    services["weekly"] = services.apply(weekly_pence, axis=1)
    costs = person_costs(people, services)
    costs["outcome"] = [outcome(b, a) for b, a in zip(costs["before"], costs["after"], strict=True)]
    birth = parse_date(people["date_of_birth"])
    people["age"] = [
        whole_years(b, d) if pd.notna(b) else int(a) if a else None
        for b, d, a in zip(birth, people["date"], people["age"], strict=True)
    ]
    in_window = referrals["date"].between(PROGRAMME_START, PERIOD_END)
    figures = {
        "referrals": int(in_window.sum()),
        "people": len(people),
        "tracked": int(people["tracked"].sum()),
        "untracked_reasons": people.loc[~people["tracked"], "reason"].value_counts().to_dict(),
        "outcomes": costs["outcome"].value_counts().to_dict(),
        "weekly_cost_before": sum(costs["before"].dropna(), Fraction(0)) / 100,
        "weekly_cost_after": sum(costs["after"].dropna(), Fraction(0)) / 100,
        "age": {
            "mean": Fraction(int(people["age"].sum()), len(people)),
            "min": people["age"].min(),
            "max": people["age"].max(),
        },
        "networks": sorted(people["network"].unique()),
    }
    return Demo(figures, people.join(costs), referrals, cld, services, {**bad_referrals, **bad_cld})


# --- The demo -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    synth.write_demo(folder)
    return folder


@pytest.fixture(scope="module")
def demo(demo_dir: Path) -> Demo:
    return recompute(demo_dir)


def test_demo_reproduces_cs18067(demo: Demo) -> None:
    figures = demo.figures
    assert figures["people"] == 550
    assert figures["tracked"] == 322
    assert figures["untracked_reasons"] == {"nhs_missing": 150, "nhs_invalid": 18, "not_known_to_asc": 60}
    assert figures["outcomes"] == {
        "none": 170,
        "new": 31,
        "ended": 20,
        "increased": 27,
        "decreased": 4,
        "unchanged": 70,
    }
    assert figures["weekly_cost_before"] == 28_000
    assert figures["weekly_cost_after"] == 35_000
    assert figures["age"] == {"mean": 82, "min": 38, "max": 103}
    assert figures["networks"] == ["Central", "East", "West"]


def test_demo_in_receipt_split_as_cs18067(demo: Demo) -> None:
    tracked = demo.people[demo.people["tracked"]]
    assert int(tracked["before"].notna().sum()) == 121
    assert int(tracked["before"].isna().sum()) == 201


def test_demo_referral_rows(demo: Demo) -> None:
    dates = demo.referrals["date"]
    assert demo.figures["referrals"] == 575
    assert int((dates < PROGRAMME_START).sum()) == 1
    assert int((dates > PERIOD_END).sum()) == 188
    assert dates.max() <= pd.Timestamp("2017-09-30")
    assert {PROGRAMME_START, PERIOD_END} <= set(dates)


def test_demo_bad_rows_are_exactly_the_documented_ones(demo: Demo, demo_dir: Path) -> None:
    assert demo.bad == {"date": 1, "network": 1, "duplicate": 1, "ends_before_start": 1, "unknown_frequency": 1}
    referrals = pd.read_csv(demo_dir / "referrals.csv", dtype=str, keep_default_na=False)
    assert referrals.loc[referrals["referral_id"].duplicated(), "referral_id"].tolist() == ["ICN000319"]
    assert referrals.loc[referrals["network"] == "Nrth", "referral_id"].tolist() == ["ICN000263"]
    assert referrals.loc[referrals["referral_date"] == "31/02/2017", "referral_id"].tolist() == ["ICN000292"]
    cld = pd.read_csv(demo_dir / "cld_2017q1.csv", dtype=str, keep_default_na=False)
    odd = cld[cld[CLD["frequency"]] == "Per visit"]
    early = cld[(cld[CLD["end"]] != "") & (cld[CLD["end"]] < cld[CLD["start"]])]
    assert odd[CLD["la_id"]].tolist() == ["1356021"] and early[CLD["la_id"]].tolist() == ["1626797"]
    bad_ids = {"1356021", "1626797"}
    their_nhs = set(demo.cld.loc[demo.cld[CLD["la_id"]].isin(bad_ids), "nhs"].dropna())
    assert len(their_nhs) == 2, "both have an NHS number on another row"
    assert their_nhs.isdisjoint(set(referrals["nhs_number"].map(clean_nhs).dropna())), "never referred"


def test_demo_nhs_coverage_improves_month_by_month(demo: Demo) -> None:
    month = demo.people["date"].dt.to_period("M")
    missing = (demo.people["reason"] == "nhs_missing").groupby(month).mean()
    assert missing[pd.Period("2016-10")] > 0.5 > 0.1 > missing[pd.Period("2017-06")]


def test_demo_every_nhs_number_is_in_the_test_range(demo_dir: Path) -> None:
    referrals = pd.read_csv(demo_dir / "referrals.csv", dtype=str, keep_default_na=False)
    cld = pd.concat(pd.read_csv(f, dtype=str, keep_default_na=False) for f in demo_dir.glob("cld_*.csv"))
    typed = pd.concat([referrals["nhs_number"], cld[CLD["nhs"]]])
    digits = typed.str.replace(r"[ -]", "", regex=True)
    assert digits[digits != ""].str.startswith("999").all()


def test_demo_edge_cases_are_present(demo: Demo) -> None:
    people, services = demo.people, demo.services
    tracked = people[people["tracked"]]
    joined = services.merge(tracked[["date"]], left_on="nhs", right_index=True)
    before_day = joined["date"] - pd.Timedelta(days=1)
    assert (joined["end"] == before_day).any(), "a service ending exactly on the before day"
    assert (joined["start"] == joined["date"]).any(), "a service starting exactly on the referral day"
    assert (joined["end"] == PERIOD_END).any(), "a service ending exactly on the after day"
    ids_per_person = services.groupby("nhs")[CLD["la_id"]].nunique()
    assert (ids_per_person.reindex(tracked.index).fillna(0) >= 2).sum() >= 3, "NHS numbers on two LA ids"
    blank = (joined[CLD["nhs"]] == "").groupby(joined["nhs"]).any()
    assert blank.sum() >= 3, "Service rows with a blank NHS Number, linked through the LA id"
    used = set(joined[CLD["frequency"]])
    assert {"Weekly", "Fortnightly", "Four-weekly", "Monthly", "Hourly", "Daily", "Per session"} <= used
    differences = (tracked["after"] - tracked["before"]).dropna()
    assert (differences == 1).any(), "a rise of exactly one penny"


def test_demo_one_off_rows_are_present_and_change_nothing(demo: Demo) -> None:
    cld, tracked = demo.cld, demo.people[demo.people["tracked"]]
    la_ids = cld[cld["nhs"].isin(tracked.index)][[CLD["la_id"], "nhs"]].drop_duplicates()
    one_off = cld[cld[CLD["frequency"]] == "One-off"].drop(columns="nhs").merge(la_ids, on=CLD["la_id"])
    one_off = one_off.merge(tracked[["date"]], left_on="nhs", right_index=True)
    spanning = one_off[(one_off["start"] < one_off["date"]) & one_off["end"].isna()]
    assert len(spanning) >= 3, "One-off rows open across the before and after days"
    # Counted as packages, they would move people out of `none`: so the outcomes above prove they are not.
    assert (tracked.loc[spanning["nhs"], "outcome"] == "none").any()


def test_demo_invalid_nhs_numbers_cover_each_kind(demo: Demo) -> None:
    people = demo.people
    typed = people.loc[people["reason"] == "nhs_invalid", "nhs_number"].str.replace(r"[ -]", "", regex=True)
    assert (typed.str.len() == 9).sum() == 4
    assert (typed == "9999999999").sum() == 1
    on_cld = set(demo.cld[CLD["nhs"]].str.replace(r"[ -]", "", regex=True))
    assert typed.isin(on_cld).any(), "an invalid number also typed on a CLD row links nobody"


def test_demo_repeat_referrals_count_once_at_the_earliest(demo: Demo) -> None:
    window = demo.referrals[demo.referrals["date"].between(PROGRAMME_START, PERIOD_END)]
    repeats = window.assign(nhs=window["nhs_number"].map(clean_nhs)).dropna(subset=["nhs"])
    assert repeats["nhs"].duplicated().sum() == 25
    assert repeats.duplicated(["nhs", "date"]).sum() == 1, "a repeat referral on the same day as the first"
    before = demo.referrals[demo.referrals["date"] < PROGRAMME_START]["nhs_number"].map(clean_nhs)
    assert before.isin(demo.people.index).all(), "the pre-programme referral is of a person referred again"


def test_write_demo_is_byte_for_byte_deterministic(demo_dir: Path, tmp_path: Path) -> None:
    written = synth.write_demo(tmp_path)
    assert [p.name for p in written] == [
        "referrals.csv",
        "cld_2016q4.csv",
        "cld_2017q1.csv",
        "cld_2017q2.csv",
        "cld_2017q3.csv",
    ]
    for path in written:
        assert path.read_bytes() == (demo_dir / path.name).read_bytes(), path.name


def test_committed_demo_is_the_generator_output(tmp_path: Path) -> None:
    written = synth.write_demo(tmp_path)
    committed = sorted(p.name for p in DEMO_DIR.glob("*.csv"))
    assert committed == sorted(p.name for p in written)
    match, mismatch, errors = filecmp.cmpfiles(DEMO_DIR, tmp_path, committed, shallow=False)
    assert mismatch == [] and errors == [], "regenerate with `icnreport synth --out data/demo`"


def test_demo_files_are_plain_utf8_with_newline_endings(demo_dir: Path) -> None:
    for path in demo_dir.glob("*.csv"):
        data = path.read_bytes()
        assert b"\r" not in data and not data.startswith(b"\xef\xbb\xbf")
        data.decode("utf-8")


# --- Scale extracts -----------------------------------------------------------------------------------------


def test_write_scale_is_deterministic_and_about_three_cld_rows_a_person(tmp_path: Path) -> None:
    first = synth.write_scale(tmp_path / "a", 2_000, seed=7)
    second = synth.write_scale(tmp_path / "b", 2_000, seed=7)
    assert [p.name for p in first] == [p.name for p in second]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    assert synth.write_scale(tmp_path / "c", 2_000, seed=8)[0].read_bytes() != first[0].read_bytes()
    cld_files = [p for p in first if p.name.startswith("cld_")]
    assert len(cld_files) >= 3
    rows = sum(len(pd.read_csv(p, dtype=str)) for p in cld_files)
    assert 2.5 <= rows / 2_000 <= 3.5


def test_write_scale_params_point_at_its_files(tmp_path: Path) -> None:
    written = synth.write_scale(tmp_path, 2_000)
    params_path = tmp_path / "params.yaml"
    assert params_path in written
    params = yaml.safe_load(params_path.read_text())
    assert params["area"] == "Synthetic"
    assert str(params["programme_start"]) == "2016-10-01"
    assert params["networks"] == ["East", "Central", "West"]
    assert (tmp_path / params["data"]["referrals"]).exists()
    assert sorted(tmp_path.glob(params["data"]["asc"])) == sorted(p for p in written if p.name.startswith("cld_"))
    assert params["costs"] == {"days_per_year": 365, "staffing_per_year": 150000}


def test_write_scale_has_the_requested_people(tmp_path: Path) -> None:
    synth.write_scale(tmp_path, 2_000, seed=3)
    referrals, bad = read_referrals(tmp_path)
    nhs = referrals["nhs_number"].map(clean_nhs)
    people = nhs.dropna().nunique() + int(nhs.isna().sum())
    assert people == 2_000
    assert bad == {"date": 1, "network": 1, "duplicate": 1}
    cld, bad_cld = read_cld(tmp_path)
    assert bad_cld == {"ends_before_start": 1, "unknown_frequency": 1}
    tracked = nhs.dropna().isin(set(cld["nhs"].dropna())).mean()
    assert 0.6 < tracked < 0.9
    services = cld[(cld[CLD["event"]] == "Service") & (cld[CLD["frequency"]] != "One-off")]
    weekly = services.apply(weekly_pence, axis=1)
    assert (weekly > 0).all() and all(w.denominator == 1 for w in weekly)


def test_write_scale_nhs_numbers_are_in_the_test_range(tmp_path: Path) -> None:
    synth.write_scale(tmp_path, 2_000, seed=5)
    referrals = pd.read_csv(tmp_path / "referrals.csv", dtype=str, keep_default_na=False)
    digits = referrals["nhs_number"].str.replace(r"[ -]", "", regex=True)
    assert digits[digits != ""].str.startswith("999").all()


# --- NHS numbers ----------------------------------------------------------------------------------------------


def test_valid_test_numbers_pass_modulus_11_and_stay_in_the_test_range() -> None:
    numbers = synth.valid_test_numbers()
    sample = numbers[:: len(numbers) // 5_000]
    assert all(nhs_is_valid(str(n)) for n in sample)
    assert numbers.min() >= 999_000_0000 and numbers.max() <= 999_999_9999
    assert 9_999_999_999 not in set(numbers[-20:].tolist())
    assert len(numbers) == len(np.unique(numbers))


@given(st.integers(min_value=999_000_000, max_value=999_999_999))
def test_check_digits_agree_with_the_nhs_rule(body: int) -> None:
    check = int(synth.check_digits(np.array([body]))[0])
    valid = [digit for digit in range(10) if nhs_is_valid(f"{body}{digit}")]
    if check == 10 or body == 999_999_999:  # no check digit works, or only the all-nines number
        assert valid == []
    else:
        assert valid == [check]


@pytest.mark.parametrize("style,expected", [(0, "9434765919"), (1, "943 476 5919"), (2, "943-476-5919")])
def test_typed_nhs_numbers(style: int, expected: str) -> None:
    assert synth.typed_nhs_numbers(np.array([9434765919]), np.array([style]))[0] == expected
