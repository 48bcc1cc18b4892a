"""The appendix charts: titles that state the finding, alt text with the key numbers, the table behind
each chart, palette colours, and charts that still render when there is nothing to show. Every expected
value is worked by hand from the small Figures built here."""

import dataclasses
import datetime as dt

import pytest
from matplotlib.colors import to_hex

from icnreport import charts
from icnreport.figures import Figures, RowLedger

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# Two months: October 1 of 4 people tracked (25%), November 5 of 6 (83%); 6 of 10 in all (60%).
# Outcomes of the 6 tracked: 3 none, 1 new, 1 increased, 1 unchanged (2 in receipt before, 4 not).
SMALL_BY_MONTH = {
    "2016-10": {"referrals": 5, "people": 4, "tracked": 1, "tracking_coverage": 0.25},
    "2016-11": {"referrals": 7, "people": 6, "tracked": 5, "tracking_coverage": 5 / 6},
}
SMALL_OUTCOMES = {"none": 3, "new": 1, "ended": 0, "increased": 1, "decreased": 0, "unchanged": 1}


def make_figures(**overrides) -> Figures:
    """Figures for a small area, every field filled; a test overrides only what it is about."""
    fields = {
        "area": "Testshire",
        "period": "2016-11",
        "period_end": dt.date(2016, 11, 30),
        "programme_start": dt.date(2016, 10, 1),
        "follow_up_days": None,
        "referrals": 12,
        "people": 10,
        "tracked": 6,
        "untracked": 4,
        "untracked_reasons": {"nhs_missing": 1, "nhs_invalid": 1, "not_known_to_asc": 2},
        "tracking_coverage": 0.6,
        "follow_up_incomplete": 0,
        "outcomes": dict(SMALL_OUTCOMES),
        "in_receipt_before": 2,
        "not_in_receipt_before": 4,
        "weekly_cost_before": 100.0,
        "weekly_cost_after": 150.0,
        "annual_cost_before": 100.0 * 365 / 7,
        "annual_cost_after": 150.0 * 365 / 7,
        "annual_differential": 50.0 * 365 / 7,
        "extrapolated_untracked": 50.0 * 365 / 7 * 4 / 6,
        "staffing_per_year": 0.0,
        "total_annual_pressure": 50.0 * 365 / 7 * 10 / 6,
        "days_per_year": 365.0,
        "one_off": {"services": 0, "cost": 0.0},
        "age": {"mean": 80.0, "min": 70, "max": 90, "known": 10, "unknown": 0},
        "by_network": {"East": {"people": 10, "tracked": 6, "tracking_coverage": 0.6}},
        "by_month": {month: dict(counts) for month, counts in SMALL_BY_MONTH.items()},
        "quarantined": {},
        "rows": {
            "referrals": RowLedger(read=12, used=12, outside_window=0, quarantined=0, blank=0),
            "asc": RowLedger(read=20, used=20, outside_window=0, quarantined=0, blank=0),
        },
        "warnings": {},
    }
    unknown = set(overrides) - set(fields)
    assert not unknown, f"not a Figures field: {unknown}"
    assert set(fields) == {field.name for field in dataclasses.fields(Figures)}, "fill every Figures field"
    return Figures(**{**fields, **overrides})


def empty_figures() -> Figures:
    """A period with nobody referred."""
    return make_figures(
        referrals=0,
        people=0,
        tracked=0,
        untracked=0,
        untracked_reasons={"nhs_missing": 0, "nhs_invalid": 0, "not_known_to_asc": 0},
        tracking_coverage=None,
        outcomes=dict.fromkeys(SMALL_OUTCOMES, 0),
        in_receipt_before=0,
        not_in_receipt_before=0,
        weekly_cost_before=0.0,
        weekly_cost_after=0.0,
        by_network={"East": {"people": 0, "tracked": 0, "tracking_coverage": None}},
        by_month={},
    )


def cs18067_figures() -> Figures:
    """CS18067's figures (SPEC.md "Reproducing CS18067"), with a made-up rise in coverage month by month:
    14 of 40 (35%) in October 2016 up to 61 of 75 (81%) in June 2017, 322 of 550 in all."""
    people = [40, 50, 55, 60, 65, 65, 70, 70, 75]
    tracked = [14, 20, 25, 31, 37, 39, 46, 49, 61]
    months = ["2016-10", "2016-11", "2016-12", "2017-01", "2017-02", "2017-03", "2017-04", "2017-05", "2017-06"]
    by_month = {
        month: {"referrals": p + 3, "people": p, "tracked": t, "tracking_coverage": t / p}
        for month, p, t in zip(months, people, tracked, strict=True)
    }
    return make_figures(
        period="2017-06",
        period_end=dt.date(2017, 6, 30),
        referrals=577,
        people=550,
        tracked=322,
        untracked=228,
        untracked_reasons={"nhs_missing": 40, "nhs_invalid": 8, "not_known_to_asc": 180},
        tracking_coverage=322 / 550,
        outcomes={"none": 170, "new": 31, "ended": 20, "increased": 27, "decreased": 4, "unchanged": 70},
        in_receipt_before=121,
        not_in_receipt_before=201,
        weekly_cost_before=28_000.0,
        weekly_cost_after=35_000.0,
        by_month=by_month,
    )


# Coverage by month -------------------------------------------------------------------------------------


def test_coverage_title_states_the_rise_first_month_to_last() -> None:
    chart = charts.coverage_chart(make_figures())
    assert chart.name == "coverage_by_month"
    assert chart.title == "Tracking coverage rose from 25% in October 2016 to 83% in November 2016"


def test_coverage_title_states_a_fall() -> None:
    by_month = {
        "2016-10": {"referrals": 6, "people": 6, "tracked": 5, "tracking_coverage": 5 / 6},
        "2016-11": {"referrals": 4, "people": 4, "tracked": 1, "tracking_coverage": 0.25},
    }
    chart = charts.coverage_chart(make_figures(by_month=by_month))
    assert chart.title == "Tracking coverage fell from 83% in October 2016 to 25% in November 2016"


def test_coverage_title_when_first_and_last_month_round_to_the_same_percentage() -> None:
    # 1 of 3 is 33.3% and 2 of 6 is 33.3%: no change is claimed.
    by_month = {
        "2016-10": {"referrals": 3, "people": 3, "tracked": 1, "tracking_coverage": 1 / 3},
        "2016-11": {"referrals": 6, "people": 6, "tracked": 2, "tracking_coverage": 1 / 3},
    }
    chart = charts.coverage_chart(make_figures(by_month=by_month))
    assert chart.title == "Tracking coverage was 33% in both October 2016 and November 2016"


def test_coverage_title_of_a_single_month() -> None:
    by_month = {"2016-10": {"referrals": 4, "people": 4, "tracked": 1, "tracking_coverage": 0.25}}
    assert charts.coverage_chart(make_figures(by_month=by_month)).title == "Tracking coverage was 25% in October 2016"


def test_coverage_title_skips_a_last_month_with_no_new_people() -> None:
    # December's 2 referrals were of people first referred earlier: no coverage to compare.
    by_month = {**SMALL_BY_MONTH, "2016-12": {"referrals": 2, "people": 0, "tracked": 0, "tracking_coverage": None}}
    chart = charts.coverage_chart(make_figures(by_month=by_month))
    assert chart.title == "Tracking coverage rose from 25% in October 2016 to 83% in November 2016"
    assert chart.data["Tracking coverage"].isna().tolist() == [False, False, True]


def test_coverage_data_has_one_row_per_month_with_readable_headings() -> None:
    data = charts.coverage_chart(make_figures()).data
    assert list(data.columns) == ["Month of index referral", "People referred", "People tracked", "Tracking coverage"]
    assert data["Month of index referral"].tolist() == ["Oct 2016", "Nov 2016"]
    assert data["People referred"].tolist() == [4, 6]
    assert data["People tracked"].tolist() == [1, 5]
    assert data["Tracking coverage"].tolist() == pytest.approx([0.25, 5 / 6])


def test_coverage_alt_text_gives_first_last_and_overall_numbers() -> None:
    alt = charts.coverage_chart(make_figures()).alt
    assert alt.startswith("Bar chart of tracking coverage")
    assert "Oct 2016 to Nov 2016" in alt
    assert "Oct 2016 25% (1 of 4)" in alt
    assert "Nov 2016 83% (5 of 6)" in alt
    assert "6 of 10 people were tracked (60%)" in alt


def test_coverage_alt_text_adds_a_highest_or_lowest_month_only_when_it_is_neither_end() -> None:
    alt = charts.coverage_chart(cs18067_figures()).alt
    assert "Oct 2016 35% (14 of 40); Jun 2017 81% (61 of 75)." in alt
    assert "Highest" not in alt and "Lowest" not in alt  # the first and last months are the extremes
    assert "322 of 550 people were tracked (59%)" in alt
    by_month = {
        **SMALL_BY_MONTH,
        "2016-12": {"referrals": 2, "people": 2, "tracked": 2, "tracking_coverage": 1.0},
        "2017-01": {"referrals": 5, "people": 5, "tracked": 2, "tracking_coverage": 0.4},
    }
    alt = charts.coverage_chart(make_figures(by_month=by_month)).alt
    assert "Oct 2016 25% (1 of 4); Jan 2017 40% (2 of 5). Highest Dec 2016 100% (2 of 2). Over" in alt


def test_coverage_bars_are_the_first_palette_colour_and_labelled_with_percentages() -> None:
    data = charts._coverage_data(make_figures())
    axes = charts._draw_coverage(data, "title").axes[0]
    assert {to_hex(bar.get_facecolor()).upper() for bar in axes.patches} == {charts.PALETTE[0]}
    assert [bar.get_height() for bar in axes.patches] == pytest.approx([25, 500 / 6])
    assert [text.get_text() for text in axes.texts] == ["25%", "83%"]


# Outcomes ----------------------------------------------------------------------------------------------


def test_outcomes_title_says_most_when_the_largest_outcome_is_more_than_half() -> None:
    chart = charts.outcomes_chart(cs18067_figures())
    assert chart.name == "outcomes"
    assert chart.title == "Most tracked people (170 of 322) had no care package before or after referral"


@pytest.mark.parametrize(
    "counts, title",
    [
        # 3 of 6 is exactly half: not "most".
        (
            SMALL_OUTCOMES,
            "The largest group of tracked people, 3 of 6 (50%), had no care package before or after referral",
        ),
        (
            {"none": 1, "new": 1, "ended": 0, "increased": 3, "decreased": 0, "unchanged": 2},
            "The largest group of tracked people, 3 of 7 (43%), had an increased care package",
        ),
        (
            {"none": 2, "new": 1, "ended": 0, "increased": 0, "decreased": 0, "unchanged": 2},
            "The largest groups of tracked people, 2 of 5 (40%) each, had no care package before or after "
            "referral or an unchanged care package",
        ),
        (
            {"none": 0, "new": 0, "ended": 0, "increased": 0, "decreased": 4, "unchanged": 0},
            "Most tracked people (4 of 4) had a decreased care package",
        ),
    ],
)
def test_outcomes_title_names_the_largest_outcome_and_its_share(counts: dict, title: str) -> None:
    assert charts.outcomes_chart(make_figures(outcomes=counts)).title == title


def test_outcomes_data_has_every_outcome_in_order() -> None:
    data = charts.outcomes_chart(make_figures()).data
    assert list(data.columns) == ["Care package", "Tracked people", "Share of tracked people"]
    assert data.index.tolist() == ["none", "new", "ended", "increased", "decreased", "unchanged"]
    assert data["Tracked people"].tolist() == [3, 1, 0, 1, 0, 1]
    assert data["Share of tracked people"].tolist() == pytest.approx([0.5, 1 / 6, 0, 1 / 6, 0, 1 / 6])


def test_outcomes_alt_text_gives_every_count_and_share() -> None:
    alt = charts.outcomes_chart(cs18067_figures()).alt
    assert alt == (
        "Horizontal bar chart of the 322 tracked people by what happened to their care package between the "
        "day before referral and 30 June 2017: no package before or after 170 (53%), new package 31 (10%), "
        "package ended 20 (6%), package increased 27 (8%), package decreased 4 (1%) and "
        "package unchanged 70 (22%)."
    )


def test_outcomes_bars_come_from_the_palette_and_are_labelled_at_their_ends() -> None:
    data = charts._outcomes_data(cs18067_figures())
    axes = charts._draw_outcomes(data, "title").axes[0]
    assert {to_hex(bar.get_facecolor()).upper() for bar in axes.patches} <= set(charts.PALETTE)
    assert [bar.get_width() for bar in axes.patches] == [170, 31, 20, 27, 4, 70]
    assert [text.get_text() for text in axes.texts] == [
        "170 (53%)",
        "31 (10%)",
        "20 (6%)",
        "27 (8%)",
        "4 (1%)",
        "70 (22%)",
    ]
    assert [label.get_text() for label in axes.get_yticklabels()][0] == "No package before or after"


def test_outcomes_with_incomplete_follow_up_say_who_is_counted() -> None:
    figures = make_figures(follow_up_days=90, follow_up_incomplete=1, outcomes={**SMALL_OUTCOMES, "none": 2})
    chart = charts.outcomes_chart(figures)
    assert chart.title.startswith("The largest group of tracked people with a complete 90-day follow-up, 2 of 5")
    assert "and 90 days after referral:" in chart.alt


# Costs -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "before, after, title",
    [
        (28_000.0, 35_000.0, "Weekly cost to adult social care rose from £28,000 to £35,000"),
        (35_000.0, 28_000.0, "Weekly cost to adult social care fell from £35,000 to £28,000"),
        (28_000.0, 28_000.0, "Weekly cost to adult social care did not change: £28,000 before and after referral"),
        # 40p apart is the same to the pound: "did not change", never "rose from £28,000 to £28,000".
        (28_000.1, 28_000.4, "Weekly cost to adult social care did not change: £28,000 before and after referral"),
    ],
)
def test_costs_title_for_rise_fall_and_no_change(before: float, after: float, title: str) -> None:
    chart = charts.costs_chart(make_figures(weekly_cost_before=before, weekly_cost_after=after))
    assert chart.name == "weekly_cost"
    assert chart.title == title


def test_costs_alt_text_gives_both_costs_and_the_change() -> None:
    alt = charts.costs_chart(cs18067_figures()).alt
    assert alt == (
        "Bar chart of the weekly cost to adult social care of the 322 tracked people: £28,000 on the day "
        "before referral and £35,000 on 30 June 2017, a rise of £7,000 a week."
    )
    fell = charts.costs_chart(make_figures(weekly_cost_before=150.0, weekly_cost_after=100.0)).alt
    assert fell.endswith("£150 on the day before referral and £100 on 30 November 2016, a fall of £50 a week.")


def test_costs_data_is_before_then_after_in_pounds() -> None:
    data = charts.costs_chart(make_figures()).data
    assert list(data.columns) == ["Day", "Weekly cost (£)"]
    assert data["Day"].tolist() == ["Day before referral", "30 November 2016 (period end)"]
    assert data["Weekly cost (£)"].tolist() == [100.0, 150.0]


def test_costs_after_day_with_a_follow_up_period() -> None:
    data = charts.costs_chart(make_figures(follow_up_days=90)).data
    assert data["Day"].tolist() == ["Day before referral", "90 days after referral"]


def test_cost_bars_are_the_first_two_palette_colours_labelled_in_pounds() -> None:
    data = charts._costs_data(cs18067_figures())
    axes = charts._draw_costs(data, "title").axes[0]
    assert [to_hex(bar.get_facecolor()).upper() for bar in axes.patches] == list(charts.PALETTE[:2])
    assert [text.get_text() for text in axes.texts] == ["£28,000", "£35,000"]


# All charts, style, PNG --------------------------------------------------------------------------------


def test_all_charts_are_png_with_titles_alt_text_and_file_safe_names() -> None:
    made = charts.all_charts(make_figures())
    assert [chart.name for chart in made] == ["coverage_by_month", "outcomes", "weekly_cost"]
    for chart in made:
        assert chart.png.startswith(PNG_SIGNATURE)
        assert chart.name.replace("_", "").isalnum()
        assert chart.title and chart.alt


def test_png_is_the_same_bytes_for_the_same_figures() -> None:
    figures = make_figures()
    assert [chart.png for chart in charts.all_charts(figures)] == [chart.png for chart in charts.all_charts(figures)]


def test_figure_is_sized_for_16_cm_of_a4_without_top_or_right_spines() -> None:
    figure = charts._draw_costs(charts._costs_data(make_figures()), "title")
    assert tuple(figure.get_size_inches()) == pytest.approx((6.3, 3.5))
    axes = figure.axes[0]
    assert not axes.spines["top"].get_visible() and not axes.spines["right"].get_visible()
    assert axes.spines["left"].get_visible()


def test_drawing_leaves_matplotlib_settings_as_they_were() -> None:
    import matplotlib

    before = dict(matplotlib.rcParams)
    charts.all_charts(make_figures())
    assert dict(matplotlib.rcParams) == before


def test_title_is_left_to_the_caption_not_drawn_twice() -> None:
    # The appendix prints each chart's title as a text caption; the image itself carries no title.
    figure = charts._draw_costs(charts._costs_data(make_figures()), "Weekly cost rose")
    assert figure.get_suptitle() == ""
    assert all(not axes.get_title() for axes in figure.axes)


def test_a_period_with_nobody_referred_still_gives_three_charts() -> None:
    made = charts.all_charts(empty_figures())
    assert [chart.title for chart in made] == [
        "No people were referred, so there is no tracking coverage to show",
        "There are no tracked people to show care outcomes for",
        "There are no tracked people to show a weekly cost for",
    ]
    for chart in made:
        assert chart.png.startswith(PNG_SIGNATURE)
        assert chart.alt.startswith("No chart:")
    assert made[0].data.empty and list(made[0].data.columns)[0] == "Month of index referral"
    assert made[1].data["Tracked people"].tolist() == [0] * 6
    assert made[2].data.empty and list(made[2].data.columns) == ["Day", "Weekly cost (£)"]


def test_tracked_people_none_followed_up_yet() -> None:
    figures = make_figures(
        follow_up_days=90, follow_up_incomplete=6, outcomes=dict.fromkeys(SMALL_OUTCOMES, 0), weekly_cost_after=0.0
    )
    outcomes, costs = charts.outcomes_chart(figures), charts.costs_chart(figures)
    assert outcomes.title == "There are no tracked people with a complete 90-day follow-up to show care outcomes for"
    assert costs.title == "There are no tracked people with a complete 90-day follow-up to show a weekly cost for"
    assert costs.png.startswith(PNG_SIGNATURE)


def test_months_with_referrals_but_no_new_people_draw_without_coverage() -> None:
    by_month = {"2016-10": {"referrals": 2, "people": 0, "tracked": 0, "tracking_coverage": None}}
    chart = charts.coverage_chart(make_figures(by_month=by_month))
    assert chart.title == "No people were referred, so there is no tracking coverage to show"
    assert chart.png.startswith(PNG_SIGNATURE)


def test_chart_data_matches_the_drawn_charts() -> None:
    figures = cs18067_figures()
    data = charts.chart_data(figures)
    for chart in charts.all_charts(figures):
        assert data[chart.name].equals(chart.data)


# After disclosure control: no bar, "[c]" and alt text naming what is not shown ---------------------------


def test_a_suppressed_month_has_no_bar_and_is_named_in_the_alt_text() -> None:
    # October's counts are suppressed; November 45 of 60 (75%), December 10 of 40 (25%).
    by_month = {
        "2016-10": {"referrals": 5, "people": None, "tracked": None, "tracking_coverage": None},
        "2016-11": {"referrals": 60, "people": 60, "tracked": 45, "tracking_coverage": 0.75},
        "2016-12": {"referrals": 40, "people": 40, "tracked": 10, "tracking_coverage": 0.25},
    }
    chart = charts.coverage_chart(make_figures(by_month=by_month, people=105, tracked=55))
    assert chart.data["People referred"].tolist() == ["[c]", 60, 40]
    assert chart.data["Tracking coverage"].tolist() == ["[c]", 0.75, 0.25]
    assert chart.title == "Tracking coverage fell from 75% in November 2016 to 25% in December 2016"
    assert chart.alt == (
        "Bar chart of tracking coverage (the share of people referred who were found in adult social care "
        "records) by month of index referral, Oct 2016 to Dec 2016. Nov 2016 75% (45 of 60); Dec 2016 25% "
        "(10 of 40). Coverage is not shown ([c]) for Oct 2016, to protect confidentiality. Over the whole "
        "period 55 of 105 people were tracked (52%)."
    )
    axes = charts._draw_coverage(chart.data, chart.title).axes[0]
    assert [bar.get_height() for bar in axes.patches] == pytest.approx([0, 75, 25])
    assert [text.get_text() for text in axes.texts] == ["[c]", "75%", "25%"]


def test_coverage_with_every_month_suppressed() -> None:
    by_month = {"2016-10": {"referrals": None, "people": None, "tracked": None, "tracking_coverage": None}}
    chart = charts.coverage_chart(make_figures(by_month=by_month, people=None, tracked=None))
    assert chart.title == "Tracking coverage by month is not shown, to protect confidentiality"
    assert chart.alt.endswith(
        "Coverage is not shown ([c]) for Oct 2016, to protect confidentiality. Over the whole period [c] of [c] "
        "people were tracked."
    )
    assert chart.png.startswith(PNG_SIGNATURE)


def test_outcomes_title_names_no_largest_group_a_suppressed_one_could_beat() -> None:
    # 65 with an outcome (25 in receipt before, 40 not); the 40 not in receipt are both suppressed, and
    # could hold more than the largest shown, 15.
    counts = {"none": None, "new": None, "ended": 0, "increased": 10, "decreased": 0, "unchanged": 15}
    chart = charts.outcomes_chart(make_figures(outcomes=counts, in_receipt_before=25, not_in_receipt_before=40))
    assert chart.title == (
        "What happened to the care packages of tracked people (some outcomes not shown, to protect confidentiality)"
    )
    assert chart.data["Share of tracked people"].tolist() == ["[c]", "[c]", 0.0, 10 / 65, 0.0, 15 / 65]
    assert chart.alt == (
        "Horizontal bar chart of the 65 tracked people by what happened to their care package between the day "
        "before referral and 30 November 2016: no package before or after [c], new package [c], package ended "
        "0 (0%), package increased 10 (15%), package decreased 0 (0%) and package unchanged 15 (23%). No package "
        "before or after and new package are not shown ([c]), to protect confidentiality."
    )


def test_outcomes_with_a_suppressed_group_give_counts_without_shares() -> None:
    counts = {"none": 20, "new": 0, "ended": None, "increased": 0, "decreased": 0, "unchanged": 0}
    figures = make_figures(outcomes=counts, in_receipt_before=None, not_in_receipt_before=20)
    chart = charts.outcomes_chart(figures)
    assert "of the [c] tracked people" in chart.alt and "no package before or after 20, " in chart.alt
    axes = charts._draw_outcomes(chart.data, chart.title).axes[0]
    assert [text.get_text() for text in axes.texts] == ["20", "0", "[c]", "0", "0", "0"]


def test_suppressed_weekly_costs_draw_no_bars() -> None:
    figures = make_figures(tracked=None, weekly_cost_before=None, weekly_cost_after=None)
    chart = charts.costs_chart(figures)
    assert chart.title == "Weekly cost to adult social care is not shown, to protect confidentiality"
    assert chart.alt == (
        "Bar chart of the weekly cost to adult social care of the [c] tracked people: the costs on the day before "
        "referral and on 30 November 2016 are not shown ([c]), to protect confidentiality."
    )
    assert chart.data["Weekly cost (£)"].tolist() == ["[c]", "[c]"]
    axes = charts._draw_costs(chart.data, chart.title).axes[0]
    assert [bar.get_height() for bar in axes.patches] == [0, 0]
    assert [text.get_text() for text in axes.texts] == ["[c]", "[c]"]
