"""Statistical disclosure control of the public appendix (disclosure.py), every expected value worked by hand:
the rule for one count at its boundaries, secondary suppression in one partition and in a two-way table,
totals recomputed from rounded parts, properties over random small areas, and the public views (sentences,
tables, charts, workbook) of a small cohort and of the CS18067 demo."""

import dataclasses
import datetime as dt
import itertools
import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import NHS_A, NHS_B, NHS_C, figures_of, make_params
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icnreport import disclosure
from icnreport.appendix import appendix_tables, build_view, public_figures
from icnreport.appendix_tables import COUNT
from icnreport.charts import chart_data
from icnreport.disclosure import (
    ROUNDING_MULTIPLE,
    SUPPRESSION_THRESHOLD,
    Cells,
    Rules,
    control_count,
    control_figures,
    control_partition,
    round_pounds,
    round_to_multiple,
    suppression_note,
)
from icnreport.errors import ParamsError
from icnreport.figures import Figures, RowLedger, figures_for
from icnreport.formatting import SUPPRESSED
from icnreport.narrative import sentences
from icnreport.params import DisclosureParams, load_params
from icnreport.period import Period

ROOT = Path(__file__).resolve().parents[1]
DEMO_PARAMS = ROOT / "params" / "demo.yaml"
NOTE = (
    "[c] marks a figure not shown to protect confidentiality: a count from 1 to 7, or one from which such a "
    "count could be worked out. Other counts are rounded to the nearest 5."
)
PROPERTY_SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# Rule 1: one count ---------------------------------------------------------------------------------------


def test_the_thresholds_are_nhs_englands() -> None:
    assert (SUPPRESSION_THRESHOLD, ROUNDING_MULTIPLE) == (7, 5)


@pytest.mark.parametrize(
    "count,expected",
    [
        (0, 0),  # a true zero is not disclosive
        (1, None),
        (2, None),
        (7, None),  # the threshold itself is suppressed
        (8, 10),  # 8 / 5 = 1.6 -> 2 x 5
        (12, 10),  # 2.4 -> 2
        (13, 15),  # 2.6 -> 3
        (17, 15),  # 3.4 -> 3
        (18, 20),  # 3.6 -> 4
        (228, 230),  # 45.6 -> 46
        (322, 320),  # 64.4 -> 64
        (550, 550),  # already a multiple of 5
    ],
)
def test_control_count(count: int, expected: int | None) -> None:
    assert control_count(count) == expected


@pytest.mark.parametrize(
    "count,threshold,multiple,expected",
    [
        (10, 10, 10, None),
        (11, 10, 10, 10),
        (15, 10, 10, 20),  # 1.5 -> 2: a tie goes up
        (25, 10, 10, 30),  # 2.5 -> 3, where Python's round (half to even) would give 2 x 10
        (3, 0, 2, 4),  # 1.5 -> 2
    ],
)
def test_control_count_with_other_thresholds_rounds_ties_up(
    count: int, threshold: int, multiple: int, expected: int | None
) -> None:
    assert control_count(count, threshold, multiple) == expected


def test_a_negative_count_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        control_count(-1)


@pytest.mark.parametrize("count,rounded", [(1, 0), (2, 0), (3, 5), (7, 5), (8, 10)])
def test_suppressed_counts_still_have_a_rounded_value(count: int, rounded: int) -> None:
    # A suppressed count's rounded value counts in its total (rule 3): 1 and 2 round to 0, 3 to 7 to 5.
    assert round_to_multiple(count) == rounded


@pytest.mark.parametrize(
    "pounds,expected",
    [(258_447.20, 258_000.0), (773_447.20, 773_000.0), (500.0, 1_000.0), (499.99, 0.0), (-1_500.0, -2_000.0)],
)
def test_money_is_rounded_to_the_nearest_thousand_pounds(pounds: float, expected: float) -> None:
    assert round_pounds(pounds) == expected


# Rules 2 and 3: partitions and their totals ----------------------------------------------------------------


@pytest.mark.parametrize(
    "counts,cells,total",
    [
        # 5 is suppressed, so the smallest other non-zero cell, 245, is too; total 300 + 245 + 5 = 550.
        ((300, 245, 5), [300, None, None], 550),
        # 13 -> 15, 12 -> 10, 3 -> [c] (rounded 5); secondary: the smallest other, 10; total 15 + 10 + 5 = 30.
        ((13, 12, 3), [15, None, None], 30),
        # Each 12 -> 10: the total is their sum, 30, not 36 rounded (35); GSS: rounded totals may differ.
        ((12, 12, 12), [10, 10, 10], 30),
        # Ties go to the first in order: 3 -> [c], then the first 20.
        ((3, 20, 20), [None, None, 20], 45),
        # A zero is never suppressed (it discloses nothing): the secondary is the 50.
        ((4, 0, 50), [None, 0, None], 55),
        # Two suppressed cells already protect each other; the total of 3 + 4 = 7 is itself suppressed,
        # although the rounded parts (5 + 5) would make 10.
        ((3, 4), [None, None], None),
        # 8 people in all, each cell rounding to 0: a total of 0 cannot stand for 8, so it is suppressed.
        ((2, 2, 2, 2), [None, None, None, None], None),
        ((0, 0, 0), [0, 0, 0], 0),
        ((9,), [10], 10),
    ],
)
def test_control_partition(counts: tuple[int, ...], cells: list[int | None], total: int | None) -> None:
    assert control_partition(counts) == (cells, total)


def test_a_line_with_no_other_non_zero_part_suppresses_its_total() -> None:
    # Line 1: a = 3 -> [c], so b = 40 -> [c] too; t1 = 5 + 40 = 45 is shown. Line 2: b + c with c = 0 and
    # t2 = 40 shown would give b away: the only candidate left is t2 itself.
    cells = Cells(Rules())
    for name, count in (("a", 3), ("b", 40), ("c", 0)):
        cells.count(name, count)
    cells.total("t1", ["a", "b"])
    cells.total("t2", ["b", "c"])
    cells.protect()
    assert cells.hidden == {"a", "b", "t2"}
    assert cells.shown("t1") == 45 and cells.shown("c") == 0


# Two-way tables and the figures ---------------------------------------------------------------------------


def exact_figures(**overrides) -> Figures:
    """A consistent small area; a test overrides what it is about. 50 people: 20 in A (17 tracked) and 30 in
    B (10 tracked); the 23 untracked not known to adult social care; the 27 tracked had no care either day."""
    fields = {
        "area": "Testshire",
        "period": "2017-06",
        "period_end": dt.date(2017, 6, 30),
        "programme_start": dt.date(2017, 6, 1),
        "follow_up_days": None,
        "referrals": 50,
        "people": 50,
        "tracked": 27,
        "untracked": 23,
        "untracked_reasons": {"nhs_missing": 0, "nhs_invalid": 0, "not_known_to_asc": 23},
        "tracking_coverage": 27 / 50,
        "follow_up_incomplete": 0,
        "outcomes": {"none": 27, "new": 0, "ended": 0, "increased": 0, "decreased": 0, "unchanged": 0},
        "in_receipt_before": 0,
        "not_in_receipt_before": 27,
        "weekly_cost_before": 0.0,
        "weekly_cost_after": 0.0,
        "annual_cost_before": 0.0,
        "annual_cost_after": 0.0,
        "annual_differential": 0.0,
        "extrapolated_untracked": 0.0,
        "staffing_per_year": 150_000.0,
        "total_annual_pressure": 150_000.0,
        "days_per_year": 365.0,
        "one_off": {"services": 0, "cost": 0.0},
        "age": {"mean": 80.5, "min": 60, "max": 99, "known": 50, "unknown": 0},
        "by_network": {
            "A": {"people": 20, "tracked": 17, "tracking_coverage": 17 / 20},
            "B": {"people": 30, "tracked": 10, "tracking_coverage": 10 / 30},
        },
        "by_month": {"2017-06": {"referrals": 50, "people": 50, "tracked": 27, "tracking_coverage": 27 / 50}},
        "quarantined": {},
        "rows": {
            "referrals": RowLedger(read=50, used=50, outside_window=0, quarantined=0, blank=0),
            "asc": RowLedger(read=100, used=100, outside_window=0, quarantined=0, blank=0),
        },
        "warnings": {"people_without_age": 0, "asc_rows_with_invalid_nhs_number": 0},
    }
    assert set(fields) == {field.name for field in dataclasses.fields(Figures)}, "fill every Figures field"
    return Figures(**{**fields, **overrides})


def test_a_two_by_two_table_is_protected_along_rows_and_columns() -> None:
    # Networks x (tracked, untracked): A 17 + 3 = 20, B 10 + 20 = 30.
    # A's 3 untracked is suppressed. Row A (tracked + untracked = people 20): suppress A's tracked (15).
    # Column "tracked" (total 15 + 10 = 25): A's alone is suppressed, so B's 10 is too.
    # Column "untracked": A's alone, so B's 20 is too; row B then has two suppressed cells. People by
    # network are all shown, and so is the tracked total: A and B together, not apart.
    public = control_figures(exact_figures())
    assert public.by_network == {
        "A": {"people": 20, "tracked": None, "tracking_coverage": None},
        "B": {"people": 30, "tracked": None, "tracking_coverage": None},
    }
    assert (public.people, public.tracked, public.untracked) == (50, 25, 25)
    assert public.tracking_coverage == 25 / 50


def test_headline_counts_are_totals_of_their_partitions() -> None:
    # People by network 194/187/169 round to 195/185/170, making 550; tracked 125/110/87 to 125/110/85,
    # making 320 (322 exact); untracked reasons 150/18/60 to 150/20/60, making 230 (228 exact).
    by_network = {
        "East": {"people": 194, "tracked": 125, "tracking_coverage": None},
        "Central": {"people": 187, "tracked": 110, "tracking_coverage": None},
        "West": {"people": 169, "tracked": 87, "tracking_coverage": None},
    }
    figures = exact_figures(
        people=550,
        tracked=322,
        untracked=228,
        untracked_reasons={"nhs_missing": 150, "nhs_invalid": 18, "not_known_to_asc": 60},
        outcomes={"none": 170, "new": 31, "ended": 20, "increased": 27, "decreased": 4, "unchanged": 70},
        in_receipt_before=121,
        not_in_receipt_before=201,
        by_network=by_network,
        age={"mean": 82.0, "min": 38, "max": 103, "known": 550, "unknown": 0},
    )
    public = control_figures(figures)
    assert (public.people, public.tracked, public.untracked) == (550, 320, 230)
    assert [network["people"] for network in public.by_network.values()] == [195, 185, 170]
    # Outcomes: 4 decreased is suppressed, so is the smallest other of its group, 20 ended.
    # In receipt before = 20 + 25 + 5 + 70 = 120 (the suppressed cells' rounded values count); not = 170 + 30.
    assert public.outcomes == {
        "none": 170,
        "new": 30,
        "ended": None,
        "increased": 25,
        "decreased": None,
        "unchanged": 70,
    }
    assert (public.in_receipt_before, public.not_in_receipt_before) == (120, 200)
    assert public.age == {"mean": 82, "min": 38, "max": 103, "known": 550, "unknown": 0}


def test_costs_are_rounded_to_the_thousand_from_the_exact_figures() -> None:
    # 365,000 x 228 / 322 = 258,447.20 -> 258,000; total 773,447.20 -> 773,000 (not 365 + 258 + 150 of the
    # rounded parts, though here they agree).
    extrapolated = 365_000 * 228 / 322
    figures = exact_figures(
        weekly_cost_before=28_000.4,
        weekly_cost_after=35_000.0,
        annual_cost_before=1_460_020.86,
        annual_cost_after=1_825_000.0,
        annual_differential=364_979.14,
        extrapolated_untracked=extrapolated,
        total_annual_pressure=364_979.14 + extrapolated + 150_000,
        one_off={"services": 9, "cost": 1_274.37},
    )
    public = control_figures(figures)
    money = [getattr(public, name) for name in disclosure.COST_FIELDS]
    assert money == [28_000.0, 35_000.0, 1_460_000.0, 1_825_000.0, 365_000.0, 258_000.0, 773_000.0]
    assert public.one_off == {"services": 10, "cost": 1_000.0}
    assert public.staffing_per_year == 150_000.0


def test_every_cost_is_suppressed_with_the_people_it_covers() -> None:
    # 5 people, 3 tracked: the tracked are suppressed, so every cost figure is; staffing is not about people.
    figures = exact_figures(
        people=5,
        tracked=3,
        untracked=2,
        untracked_reasons={"nhs_missing": 0, "nhs_invalid": 0, "not_known_to_asc": 2},
        outcomes={"none": 0, "new": 3, "ended": 0, "increased": 0, "decreased": 0, "unchanged": 0},
        in_receipt_before=0,
        not_in_receipt_before=3,
        weekly_cost_after=300.0,
        annual_cost_after=300.0 * 365 / 7,
        annual_differential=300.0 * 365 / 7,
        by_network={"A": {"people": 5, "tracked": 3, "tracking_coverage": 0.6}},
        by_month={"2017-06": {"referrals": 5, "people": 5, "tracked": 3, "tracking_coverage": 0.6}},
        age={"mean": 80.0, "min": 70, "max": 90, "known": 5, "unknown": 0},
    )
    public = control_figures(figures)
    assert all(getattr(public, name) is None for name in disclosure.COST_FIELDS)
    assert public.staffing_per_year == 150_000.0
    assert (public.people, public.tracked, public.untracked) == (None, None, None)
    # Ages of 5 people are not shown.
    assert public.age == {"mean": None, "min": None, "max": None, "known": None, "unknown": 0}


@pytest.mark.parametrize("known,shown", [(7, False), (8, True)])
def test_ages_need_more_than_the_threshold_of_people(known: int, shown: bool) -> None:
    figures = exact_figures(age={"mean": 80.5, "min": 60, "max": 99, "known": known, "unknown": 50 - known})
    age = control_figures(figures).age
    assert (age["mean"], age["min"], age["max"]) == ((81, 60, 99) if shown else (None, None, None))


def test_the_row_ledger_is_a_partition_of_the_rows_read() -> None:
    # 767 rows: 575 used, 189 outside (190), 3 quarantined ([c], rounded 5): the 190 goes too; read = 770.
    ledger = RowLedger(read=767, used=575, outside_window=189, quarantined=3, blank=0)
    public = control_figures(exact_figures(rows={"referrals": ledger}, quarantined={"unknown network": 3}))
    assert public.rows["referrals"] == RowLedger(read=770, used=575, outside_window=None, quarantined=None, blank=0)
    assert public.quarantined == {"unknown network": None}


def test_control_makes_new_figures_and_leaves_the_exact_ones_alone() -> None:
    figures = exact_figures()
    before = dataclasses.replace(figures)
    control_figures(figures)
    assert figures == before


# Properties over random small areas ----------------------------------------------------------------------


def _is_published_count(value: object) -> bool:
    return value is None or (isinstance(value, int) and value % ROUNDING_MULTIPLE == 0)


@PROPERTY_SETTINGS
@given(st.lists(st.integers(0, 40), min_size=1, max_size=6))
def test_partitions_never_leave_one_cell_to_be_worked_out(counts: list[int]) -> None:
    cells, total = control_partition(counts)
    for count, shown in zip(counts, cells, strict=True):
        assert _is_published_count(shown)
        if 1 <= count <= SUPPRESSION_THRESHOLD:
            assert shown is None
        if count == 0:
            assert shown == 0
    assert _is_published_count(total)
    assert [*cells, total].count(None) != 1
    if None not in cells and total is not None:
        assert total == sum(cells)


def _split(draw, total: int, parts: int) -> list[int]:
    """total split into parts non-negative counts."""
    cuts = sorted(draw(st.lists(st.integers(0, total), min_size=parts - 1, max_size=parts - 1)))
    return [b - a for a, b in itertools.pairwise([0, *cuts, total])]


@st.composite
def small_areas(draw) -> Figures:
    """Consistent exact figures of a small area: networks and months of people (tracked + untracked), the
    untracked split by reason, the tracked split into outcomes and follow-up incomplete."""
    rows = draw(st.lists(st.tuples(st.integers(0, 25), st.integers(0, 25)), min_size=1, max_size=4))
    months = draw(st.lists(st.tuples(st.integers(0, 25), st.integers(0, 25)), min_size=1, max_size=3))
    tracked, untracked = sum(t for t, _ in rows), sum(u for _, u in rows)
    reasons = _split(draw, untracked, 3)
    kinds = _split(draw, tracked, 7)
    outcomes = dict(zip(("none", "new", "ended", "increased", "decreased", "unchanged"), kinds[:6], strict=True))
    quarantined = _split(draw, draw(st.integers(0, 20)), 2)
    used = sum(t + u + draw(st.integers(0, 3)) for t, u in months)
    ledger = RowLedger(
        read=0, used=used, outside_window=draw(st.integers(0, 20)), quarantined=sum(quarantined), blank=0
    )
    return exact_figures(
        people=tracked + untracked,
        tracked=tracked,
        untracked=untracked,
        untracked_reasons=dict(zip(("nhs_missing", "nhs_invalid", "not_known_to_asc"), reasons, strict=True)),
        follow_up_incomplete=kinds[6],
        outcomes=outcomes,
        in_receipt_before=sum(kinds[2:6]),
        not_in_receipt_before=sum(kinds[:2]),
        by_network={
            f"N{i}": {"people": t + u, "tracked": t, "tracking_coverage": None} for i, (t, u) in enumerate(rows)
        },
        by_month={
            f"2017-0{i + 1}": {"referrals": t + u + 1, "people": t + u, "tracked": t, "tracking_coverage": None}
            for i, (t, u) in enumerate(months)
        },
        quarantined={"reason one": quarantined[0], "reason two": quarantined[1]},
        rows={"referrals": dataclasses.replace(ledger, read=used + ledger.outside_window + sum(quarantined))},
        age={"mean": 80.0, "min": 60, "max": 99, "known": tracked + untracked, "unknown": 0},
    )


def _published_lines(public: Figures) -> list[tuple[list, object]]:
    """Every published partition of the figures as (its cells, its total)."""
    networks, months = public.by_network.values(), public.by_month.values()
    ledger = public.rows["referrals"]
    return [
        ([network["people"] for network in networks], public.people),
        ([network["tracked"] for network in networks], public.tracked),
        (list(public.untracked_reasons.values()), public.untracked),
        ([public.tracked, public.untracked], public.people),
        ([public.outcomes[kind] for kind in disclosure.IN_RECEIPT_BEFORE], public.in_receipt_before),
        ([public.outcomes[kind] for kind in disclosure.NOT_IN_RECEIPT_BEFORE], public.not_in_receipt_before),
        ([public.in_receipt_before, public.not_in_receipt_before, public.follow_up_incomplete], public.tracked),
        ([month["referrals"] for month in months], public.referrals),
        ([ledger.used, ledger.outside_window, ledger.quarantined, ledger.blank], ledger.read),
    ]


@PROPERTY_SETTINGS
@given(small_areas())
def test_public_figures_of_small_areas_are_safe(figures: Figures) -> None:
    public = control_figures(figures)
    for cells, total in _published_lines(public):
        assert all(_is_published_count(value) for value in [*cells, total])
        assert [*cells, total].count(None) != 1, (cells, total)
    # Every count from 1 to 7 is suppressed.
    for exact, shown in [
        *zip(figures.outcomes.values(), public.outcomes.values(), strict=True),
        *zip(figures.untracked_reasons.values(), public.untracked_reasons.values(), strict=True),
        *(
            (figures.by_network[n][key], public.by_network[n][key])
            for n in figures.by_network
            for key in ("people", "tracked")
        ),
        *(
            (figures.by_month[m][key], public.by_month[m][key])
            for m in figures.by_month
            for key in ("people", "tracked")
        ),
    ]:
        # Every count from 1 to 7 is suppressed; any other is rounded or suppressed (secondary).
        assert shown is None if 1 <= exact <= SUPPRESSION_THRESHOLD else shown in (None, round_to_multiple(exact))
    # A row of a two-way table whose people and tracked are both shown gives its untracked away.
    for exact_rows, public_rows in ((figures.by_network, public.by_network), (figures.by_month, public.by_month)):
        for key, row in public_rows.items():
            if row["people"] is not None and row["tracked"] is not None:
                untracked = exact_rows[key]["people"] - exact_rows[key]["tracked"]
                assert not 1 <= untracked <= SUPPRESSION_THRESHOLD
    costs = [getattr(public, name) for name in disclosure.COST_FIELDS]
    if public.tracked is None or public.follow_up_incomplete is None:
        assert costs == [None] * len(costs)
    else:
        assert all(cost % 1_000 == 0 for cost in costs)


# The public views -----------------------------------------------------------------------------------------

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
#: Numbers in the appendix's words that are not counts of people or rows: money, percentages, dates and
#: months, the length of the period, the number of networks, the annualising factor, days of follow-up,
#: ages, and the thresholds in the note on [c].
NOT_COUNTS = re.compile(
    r"-?£[\d,]+(?:\.\d+)?[km]?"
    r"|a count from 1 to \d+"
    r"|\d+%"
    rf"|\b\d{{1,2}} (?:{MONTHS}) \d{{4}}"
    rf"|\b(?:{MONTHS}|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{{4}}"
    r"|\b\d+ months? to"
    r"|\b\d+ Integrated Care Networks"
    r"|x \d+ / 7"
    r"|\b\d+[- ]days?"
    r"|(?:age at referral was|youngest person was|oldest|recorded age was) \d+"
)


def counts_in(text: str) -> list[int]:
    """The counts printed in a sentence, once money, percentages, dates and ages are taken out."""
    return [int(number.replace(",", "")) for number in re.findall(r"\d[\d,]*", NOT_COUNTS.sub(" ", text))]


def test_counts_in_leaves_out_what_is_not_a_count() -> None:
    sentence = (
        "In the 9 months to 30 June 2017 the 3 Integrated Care Networks (East, Central and West) received "
        "1,580 referrals for 550 people (58%), costing £1,460k; Oct 2016 to Jun 2017; a week's cost x 365 / 7; "
        "the average age at referral was 82; the youngest person was 38 and the oldest 103; 90-day follow-up."
    )
    assert counts_in(sentence) == [1_580, 550]


def printed_counts(view) -> list[int]:
    """Every count a view prints: in its sentences, chart titles and alt text, table text, and the cells
    of count columns (the age table's years left out)."""
    said = [
        sentence for section in dataclasses.fields(view.narrative) for sentence in getattr(view.narrative, section.name)
    ]
    said += [text for chart in view.charts.values() for text in (chart.title, chart.alt)]
    numbers = [n for text in said for n in counts_in(text)]
    for table in view.tables.values():
        quoted = {"CS18067 printed", "Note"}  # the published report's own figures, quoted
        for column in table.frame.columns:
            values = table.frame[column]
            if table.formats.get(column) == COUNT:
                years = (values.index < 3) & (table.name == "age")  # the mean, youngest and oldest age
                shown = [v for v, is_age in zip(values, years, strict=True) if not is_age and v != SUPPRESSED]
                numbers += [int(v) for v in shown if not pd.isna(v)]
            elif column not in table.formats and column not in quoted:
                numbers += [n for v in values if isinstance(v, str) for n in counts_in(v)]
    for chart in view.charts.values():
        for column in ("People referred", "People tracked", "Tracked people"):
            if column in chart.data:
                numbers += [int(v) for v in chart.data[column] if v != SUPPRESSED]
    return numbers


@pytest.fixture(scope="module")
def demo() -> tuple:
    params = load_params(DEMO_PARAMS)
    return params, figures_for(params, Period(2017, 6))


def test_every_count_the_public_demo_prints_is_a_multiple_of_five(demo) -> None:
    params, figures = demo
    public = build_view(params, figures, "public")
    numbers = printed_counts(public)
    assert len(numbers) > 50
    assert [n for n in numbers if n % ROUNDING_MULTIPLE] == []
    # The same check finds the exact counts in the restricted view: it can fail.
    assert {322, 121, 201, 31, 27, 4} <= set(printed_counts(build_view(params, figures, "restricted")))


def test_public_demo_figures(demo) -> None:
    # CS18067's 550 / 322 / 121 / 201 after control: see test_headline_counts_are_totals_of_their_partitions.
    # Referrals: the months' 55, 58, 52, 63, 61, 68, 65, 75, 78 round to 55, 60, 50, 65, 60, 70, 65, 75, 80,
    # making 580 where the exact 575 would round to 575: rounded totals may differ by a few.
    params, figures = demo
    public = build_view(params, figures, "public")
    f = public.figures
    assert (f.referrals, f.people, f.tracked, f.untracked) == (580, 550, 320, 230)
    assert (f.in_receipt_before, f.not_in_receipt_before) == (120, 200)
    assert f.outcomes == {"none": 170, "new": 30, "ended": None, "increased": 25, "decreased": None, "unchanged": 70}
    assert (f.weekly_cost_before, f.weekly_cost_after, f.annual_differential) == (28_000, 35_000, 365_000)
    assert (f.extrapolated_untracked, f.total_annual_pressure) == (258_000, 773_000)
    assert public.narrative.outcomes[1:] == [
        # 120 / 320 = 37.5% and 200 / 320 = 62.5%, each rounding up.
        "120 of the 320 people tracked (38%) were already in receipt of care before their referral; the other "
        "200 (63%) were not.",
        "30 of the 200 people not in receipt of care before their referral (15%) had a new care package afterwards.",
        "170 of the 200 people not in receipt of care before their referral (85%) still had no care package "
        "afterwards.",
        "25 of the 120 people already in receipt of care (21%) had their package increased.",  # 20.8%
        "[c] of the 120 people already in receipt of care had their package decreased.",
        "[c] of the 120 people already in receipt of care no longer had a care package afterwards.",
        "70 of the 120 people already in receipt of care (58%) had a package of the same weekly cost afterwards.",
        "170 of the 320 people tracked (53%) had no care package before or after their referral.",
    ]
    assert public.narrative.data_quality[0] == NOTE
    assert public.narrative.summary[-1] == "The estimated total annual pressure on adult social care is £773k."


def test_the_restricted_view_keeps_the_exact_figures(demo) -> None:
    params, figures = demo
    restricted = build_view(params, figures, "restricted")
    assert restricted.figures is figures
    assert restricted.narrative == sentences(figures)
    assert restricted.narrative.summary[1] == (
        "322 of the 550 people referred (59%) could be tracked in adult social care records."
    )
    for name, table in appendix_tables(params, figures).items():
        assert restricted.tables[name].frame.equals(table.frame)
        assert not table.notes
        assert not table.frame.isin([SUPPRESSED]).to_numpy().any(), name


def test_public_tables_show_c_with_a_note(demo) -> None:
    params, figures = demo
    tables = build_view(params, figures, "public").tables
    outcomes = tables["outcomes"].frame.set_index("Outcome")
    assert outcomes.loc["Care package decreased", "People"] == SUPPRESSED
    assert outcomes.loc["Care package decreased", "Share of those before"] == SUPPRESSED
    assert tables["outcomes"].notes == (NOTE,)
    assert tables["coverage"].notes == ()  # no [c] in it, so no note
    from icnreport.appendix import table_html

    html = table_html(tables["outcomes"])
    assert "<td>[c]</td>" in html and f'<p class="table-note">Note: {NOTE}</p>' in html


def test_public_charts_draw_no_bar_for_a_suppressed_outcome(demo) -> None:
    from icnreport import charts

    params, figures = demo
    chart = build_view(params, figures, "public").charts["outcomes"]
    assert chart.data["Tracked people"].tolist() == [170, 30, SUPPRESSED, 25, SUPPRESSED, 70]
    assert chart.alt.endswith("Package ended and package decreased are not shown ([c]), to protect confidentiality.")
    assert chart.title == "Most tracked people (170 of 320) had no care package before or after referral"
    axes = charts._draw_outcomes(chart.data, chart.title, 320).axes[0]
    assert [bar.get_width() for bar in axes.patches] == [170, 30, 0, 25, 0, 70]
    assert [text.get_text() for text in axes.texts] == ["170 (53%)", "30 (9%)", "[c]", "25 (8%)", "[c]", "70 (22%)"]


def test_public_workbook_has_a_notes_sheet_and_c_in_cells(demo, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from icnreport.workbook import write_workbook

    params, figures = demo
    public = public_figures(params, figures)
    path = write_workbook(tmp_path / "tables.xlsx", appendix_tables(params, public).values(), chart_data(public))
    workbook = load_workbook(path)
    assert workbook.sheetnames[0] == "notes"
    assert workbook["notes"]["B3"].value == NOTE
    rows = workbook["rows"]
    assert [cell.value for cell in rows[3]] == ["Referrals", 770, 575, "[c]", "[c]", 0]
    assert [cell.value for cell in workbook["chart_outcomes"]["C"]][2:] == [170, 30, "[c]", 25, "[c]", 70]


def test_the_runner_writes_the_public_workbook_from_controlled_figures(demo, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from icnreport.runner import _write_workbook

    params, figures = demo
    _write_workbook(params, Period(2017, 6), figures, tmp_path / "tables.xlsx")
    assert load_workbook(tmp_path / "tables.xlsx")["rows"]["B3"].value == 770  # exact: 767


def small_cohort() -> Figures:
    """24 people referred in June 2017: 3 to East (2 tracked: one in care of £100 a week both days, one known
    to adult social care with no care) and 21 to Central (20 with no NHS number; 1 tracked, with no care)."""
    referrals = [
        {"referral_id": "E1", "nhs_number": NHS_A, "referral_date": "2017-06-01", "network": "East"},
        {"referral_id": "E2", "nhs_number": NHS_B, "referral_date": "2017-06-02", "network": "East"},
        {"referral_id": "E3", "nhs_number": "", "referral_date": "2017-06-03", "network": "East"},
        *(
            {"referral_id": f"C{i}", "nhs_number": "", "referral_date": "2017-06-05", "network": "Central"}
            for i in range(20)
        ),
        {"referral_id": "C20", "nhs_number": NHS_C, "referral_date": "2017-06-05", "network": "Central"},
    ]
    asc = [
        {"person_id": "P1", "nhs_number": NHS_A, "event_start_date": "2017-01-01", "unit_cost": "100"},
        {"person_id": "P2", "nhs_number": NHS_B, "event_type": "Assessment", "event_start_date": "2017-01-01"},
        {"person_id": "P3", "nhs_number": NHS_C, "event_type": "Request", "event_start_date": "2017-01-01"},
    ]
    return figures_of(referrals, asc, programme_start="2017-06-01")


def test_public_views_of_a_small_cohort_show_c_and_only_rounded_counts() -> None:
    # Exact: East 3 people (2 tracked), Central 21 (1 tracked), West 0; 24 people, 3 tracked, 21 untracked
    # (all without an NHS number). Public: East's 3 is suppressed, and with it Central's 21 (the smallest other);
    # people = 5 + 20 + 0 = 25. Tracked 2, 1 and 0 round to 0: with 3 tracked in all the total is suppressed,
    # and so, in people = tracked + untracked, is the untracked 20, and then its one reason.
    params, figures = make_params(programme_start="2017-06-01"), small_cohort()
    assert (figures.people, figures.tracked, figures.untracked) == (24, 3, 21)
    public = build_view(params, figures, "public")
    f = public.figures
    assert (f.people, f.tracked, f.untracked) == (25, None, None)
    assert f.by_network["East"]["people"] is None and f.by_network["Central"]["people"] is None
    assert f.untracked_reasons == {"nhs_missing": None, "nhs_invalid": 0, "not_known_to_asc": 0}
    assert all(getattr(f, name) is None for name in disclosure.COST_FIELDS)
    assert public.narrative.summary[1] == "[c] of the 25 people referred could be tracked in adult social care records."
    assert public.narrative.coverage[1] == "All [c] people who could not be tracked had no NHS number recorded."
    assert public.narrative.data_quality[0] == NOTE
    assert SUPPRESSED in public.tables["coverage"].frame.to_numpy()
    assert "are not shown ([c])" in public.charts["weekly_cost"].alt
    assert public.charts["weekly_cost"].data["Weekly cost (£)"].tolist() == [SUPPRESSED, SUPPRESSED]
    assert [n for n in printed_counts(public) if n % ROUNDING_MULTIPLE] == []
    # The restricted view of the same cohort says 3 and 24.
    assert {3, 24} <= set(printed_counts(build_view(params, figures, "restricted")))


# Params ---------------------------------------------------------------------------------------------------


def test_thresholds_come_from_the_params(demo) -> None:
    params, figures = demo
    stricter = params.model_copy(
        update={"disclosure": DisclosureParams(suppression_threshold=10, rounding_multiple=10)}
    )
    public = build_view(stricter, figures, "public")
    assert [n for n in printed_counts(public) if n % 10] == []
    assert public.narrative.data_quality[0] == suppression_note(Rules(10, 10))
    assert (
        "a count from 1 to 10" in public.narrative.data_quality[0] and "nearest 10." in public.narrative.data_quality[0]
    )


def test_the_disclosure_section_defaults_to_nhs_englands_thresholds(demo) -> None:
    params, _ = demo
    assert params.disclosure == DisclosureParams(suppression_threshold=7, rounding_multiple=5)


@pytest.mark.parametrize(
    "section,message",
    [
        ("  threshold: 7", "unknown key 'disclosure.threshold'"),
        ("  suppression_threshold: -1", "key 'disclosure.suppression_threshold'"),
        ("  rounding_multiple: 0", "key 'disclosure.rounding_multiple'"),
        # 2 would be shown, rounded to 0, as if there were none.
        ("  suppression_threshold: 1\n  rounding_multiple: 5", "a count of 2 would be rounded to 0"),
    ],
)
def test_the_disclosure_section_is_checked(tmp_path: Path, section: str, message: str) -> None:
    params = tmp_path / "params.yaml"
    params.write_text(DEMO_PARAMS.read_text(encoding="utf-8") + f"disclosure:\n{section}\n", encoding="utf-8")
    with pytest.raises(ParamsError, match=re.escape(message)):
        load_params(params)


def test_the_method_says_how_the_public_version_is_protected(demo) -> None:
    from icnreport.appendix import methodology_sentences

    params, figures = demo
    assert methodology_sentences(params, figures)[-1] == (
        "In the public version of this appendix each count is rounded to the nearest 5, a count from 1 to 7 is "
        "not shown ([c]), nor is any count from which one could be worked out, and money is rounded to the "
        "nearest £1,000; the restricted version gives exact figures."
    )
