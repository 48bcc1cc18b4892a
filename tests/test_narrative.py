"""The appendix's sentences, checked against figures worked by hand: CS18067's own (SPEC.md "Reproducing
CS18067"), a small cohort with singular wording and a falling cost, and a period with nobody referred."""

import dataclasses
import datetime as dt

import pytest

from icnreport.disclosure import control_figures
from icnreport.figures import Figures, RowLedger
from icnreport.narrative import Narrative, sentences

# CS18067 section 6 with the exact ratio: 365,000 x 228 / 322 = 258,447.20; total 773,447.20.
CS18067_EXTRAPOLATED = 365_000 * 228 / 322
CS18067_TOTAL = 365_000 + CS18067_EXTRAPOLATED + 150_000


def cs18067(**overrides) -> Figures:
    """CS18067's figures for the 9 months to 30 June 2017 (para 4.1 to 4.7 and 6.3), as SPEC.md reads them."""
    figures = {
        "area": "Bromley",
        "period": "2017-06",
        "period_end": dt.date(2017, 6, 30),
        "programme_start": dt.date(2016, 10, 1),
        "follow_up_days": None,
        "referrals": 575,
        "people": 550,
        "tracked": 322,
        "untracked": 228,
        "untracked_reasons": {"nhs_missing": 150, "nhs_invalid": 18, "not_known_to_asc": 60},
        "tracking_coverage": 322 / 550,
        "follow_up_incomplete": 0,
        "outcomes": {"none": 170, "new": 31, "ended": 20, "increased": 27, "decreased": 4, "unchanged": 70},
        "in_receipt_before": 121,
        "not_in_receipt_before": 201,
        "weekly_cost_before": 28_000.0,
        "weekly_cost_after": 35_000.0,
        "annual_cost_before": 1_460_000.0,
        "annual_cost_after": 1_825_000.0,
        "annual_differential": 365_000.0,
        "extrapolated_untracked": CS18067_EXTRAPOLATED,
        "staffing_per_year": 150_000.0,
        "total_annual_pressure": CS18067_TOTAL,
        "days_per_year": 365,
        "one_off": {"services": 0, "cost": 0.0},
        "age": {"mean": 82.0, "min": 38, "max": 103, "known": 550, "unknown": 0},
        "by_network": {
            "East": {"people": 200, "tracked": 120, "tracking_coverage": 120 / 200},
            "Central": {"people": 180, "tracked": 100, "tracking_coverage": 100 / 180},
            "West": {"people": 170, "tracked": 102, "tracking_coverage": 102 / 170},
        },
        "by_month": {},
        "quarantined": {"duplicate referral_id": 1, "unknown network": 2},
        "rows": {
            "referrals": RowLedger(read=601, used=575, outside_window=23, quarantined=3, blank=0),
            "asc": RowLedger(read=2_000, used=2_000, outside_window=0, quarantined=0, blank=0),
        },
        "warnings": {
            "people_without_age": 0,
            "asc_rows_with_invalid_nhs_number": 0,
            "asc_person_ids_with_several_nhs_numbers": 0,
        },
    }
    figures.update(overrides)
    return Figures(**figures)


def small_cohort(**overrides) -> Figures:
    """3 people, 1 tracked (1 of 3 = 33%), both untracked without an NHS number. The tracked person had
    care of GBP 100 a week before and GBP 70 after: decreased.
    Annual: 100 x 365/7 = 5,214.29 (GBP 5k); 70 x 365/7 = 3,650 (GBP 4k); differential -1,564.29 (GBP 2k
    down). Extrapolated: -1,564.29 x 2 / 1 = -3,128.57 (GBP 3k off). Total with GBP 1,000 staffing:
    -3,692.86 (-GBP 4k), and the rounded parts -2 - 3 + 1 = -4 agree. Mean age 80.5 rounds up to 81."""
    before, after = 100 * 365 / 7, 70 * 365 / 7
    differential = after - before
    figures = {
        "period_end": dt.date(2016, 12, 31),
        "referrals": 3,
        "people": 3,
        "tracked": 1,
        "untracked": 2,
        "untracked_reasons": {"nhs_missing": 2, "nhs_invalid": 0, "not_known_to_asc": 0},
        "tracking_coverage": 1 / 3,
        "outcomes": {"none": 0, "new": 0, "ended": 0, "increased": 0, "decreased": 1, "unchanged": 0},
        "in_receipt_before": 1,
        "not_in_receipt_before": 0,
        "weekly_cost_before": 100.0,
        "weekly_cost_after": 70.0,
        "annual_cost_before": before,
        "annual_cost_after": after,
        "annual_differential": differential,
        "extrapolated_untracked": differential * 2,
        "staffing_per_year": 1_000.0,
        "total_annual_pressure": differential * 3 + 1_000,
        "age": {"mean": 80.5, "min": 70, "max": 91, "known": 2, "unknown": 1},
        "by_network": {"East": {"people": 3, "tracked": 1, "tracking_coverage": 1 / 3}},
        "quarantined": {"unknown network": 1},
        "rows": {
            "referrals": RowLedger(read=4, used=3, outside_window=0, quarantined=1, blank=0),
            "asc": RowLedger(read=1, used=1, outside_window=0, quarantined=0, blank=0),
        },
        "warnings": {"asc_rows_with_invalid_nhs_number": 1, "asc_person_ids_with_several_nhs_numbers": 2},
    }
    figures.update(overrides)
    return cs18067(**figures)


def nobody_referred(**overrides) -> Figures:
    """A period with no referrals: only staffing is left in the pressure."""
    zero_outcomes = dict.fromkeys(("none", "new", "ended", "increased", "decreased", "unchanged"), 0)
    figures = {
        "referrals": 0,
        "people": 0,
        "tracked": 0,
        "untracked": 0,
        "untracked_reasons": {"nhs_missing": 0, "nhs_invalid": 0, "not_known_to_asc": 0},
        "tracking_coverage": None,
        "outcomes": zero_outcomes,
        "in_receipt_before": 0,
        "not_in_receipt_before": 0,
        "weekly_cost_before": 0.0,
        "weekly_cost_after": 0.0,
        "annual_cost_before": 0.0,
        "annual_cost_after": 0.0,
        "annual_differential": 0.0,
        "extrapolated_untracked": 0.0,
        "total_annual_pressure": 150_000.0,
        "age": {"mean": None, "min": None, "max": None, "known": 0, "unknown": 0},
        "by_network": {name: {"people": 0, "tracked": 0, "tracking_coverage": None} for name in ("East", "West")},
        "quarantined": {},
        "rows": {
            "referrals": RowLedger(read=0, used=0, outside_window=0, quarantined=0, blank=0),
            "asc": RowLedger(read=10, used=10, outside_window=0, quarantined=0, blank=0),
        },
    }
    figures.update(overrides)
    return cs18067(**figures)


def every_sentence(narrative: Narrative) -> list[str]:
    return [sentence for field in dataclasses.fields(narrative) for sentence in getattr(narrative, field.name)]


# CS18067 -------------------------------------------------------------------------------------------------


def test_cs18067_summary() -> None:
    assert sentences(cs18067()).summary == [
        "In the 9 months to 30 June 2017 the 3 Integrated Care Networks (East, Central and West) received "
        "575 referrals for 550 people.",
        "322 of the 550 people referred (59%) could be tracked in adult social care records.",
        "Of the 322 people tracked, 31 had a new care package after their referral and 27 had their package increased.",
        "The estimated total annual pressure on adult social care is £773k.",
    ]


def test_cs18067_coverage_and_why_people_could_not_be_tracked() -> None:
    coverage = sentences(cs18067()).coverage
    assert coverage[:2] == [
        # 322 / 550 = 58.5%: CS18067 printed 58%, we round to 59%.
        "The council could track 322 of the 550 people referred (59%) in adult social care records by their "
        "NHS number.",
        "Of the 228 people who could not be tracked, 150 had no NHS number recorded, 18 had an NHS number "
        "that is not valid and 60 were not known to adult social care.",
    ]
    assert coverage[2:] == [
        "In the East network, 120 of the 200 people referred (60%) could be tracked.",
        "In the Central network, 100 of the 180 people referred (56%) could be tracked.",  # 55.56%
        "In the West network, 102 of the 170 people referred (60%) could be tracked.",
    ]


def test_cs18067_outcomes_each_out_of_its_own_group() -> None:
    assert sentences(cs18067()).outcomes == [
        "Care is compared on the day before each person's referral and on 30 June 2017.",
        # 121/322 = 37.58%, 201/322 = 62.42%
        "121 of the 322 people tracked (38%) were already in receipt of care before their referral; the "
        "other 201 (62%) were not.",
        # 31/201 = 15.42% (CS18067's 15%; its 10% is 31 of all 322), 170/201 = 84.58%
        "31 of the 201 people not in receipt of care before their referral (15%) had a new care package afterwards.",
        "170 of the 201 people not in receipt of care before their referral (85%) still had no care package "
        "afterwards.",
        # 27/121 = 22.31%, 4/121 = 3.31%, 20/121 = 16.53%, 70/121 = 57.85%
        "27 of the 121 people already in receipt of care (22%) had their package increased.",
        "4 of the 121 people already in receipt of care (3%) had their package decreased.",
        "20 of the 121 people already in receipt of care (17%) no longer had a care package afterwards.",
        "70 of the 121 people already in receipt of care (58%) had a package of the same weekly cost afterwards.",
        # 170/322 = 52.80% (CS18067 para 4.3.5 printed 180, 56%)
        "170 of the 322 people tracked (53%) had no care package before or after their referral.",
    ]


def test_cs18067_costs() -> None:
    assert sentences(cs18067()).costs == [
        "The care of the 322 people tracked cost £28,000 a week before their referral and £35,000 a week on "
        "30 June 2017.",
        "Over a year (a week's cost x 365 / 7) that is £1,460k before and £1,825k after.",
        "The difference is an increase of £365k a year.",
    ]


def test_cs18067_financial_implications_with_the_exact_ratio() -> None:
    assert sentences(cs18067()).financial == [
        "The care costs identified for the 322 people tracked show an increase of £365k a year.",
        # 365,000 x 228 / 322 = 258,447.20, where CS18067's rounded 42%/58% gave £264k
        "Extrapolating the differential to the 228 people who could not be tracked, in proportion to the 322 "
        "who could, adds £258k a year.",
        "Staffing for the council's part in the networks adds £150k a year.",
        # 365 + 258.447 + 150 = 773.447k
        "The total annual pressure on adult social care is £773k: £365k identified, £258k extrapolated and "
        "£150k staffing.",
    ]


def test_cs18067_age() -> None:
    assert sentences(cs18067()).age == [
        "The average age at referral was 82; the youngest person was 38 and the oldest 103."
    ]


def test_cs18067_data_quality_reconciles_every_row() -> None:
    assert sentences(cs18067()).data_quality == [
        "All 601 rows of the referrals extract are accounted for: 575 used, 23 outside the reporting window "
        "and 3 set aside.",
        "All 2,000 rows of the adult social care extract are accounted for: 2,000 used.",
        "Rows set aside, by reason: unknown network (2 rows) and duplicate referral_id (1 row).",
    ]


def test_every_percentage_names_its_denominator_in_the_same_sentence() -> None:
    for figures in (cs18067(), small_cohort(), cs18067(follow_up_days=90, follow_up_incomplete=40)):
        for sentence in every_sentence(sentences(figures)):
            if "%" in sentence:
                assert " of the " in sentence or " of 1 person " in sentence, sentence


def test_sentences_are_plain_text() -> None:
    for figures in (cs18067(), small_cohort(), nobody_referred()):
        for sentence in every_sentence(sentences(figures)):
            assert sentence[0].isupper() or sentence[0].isdigit(), sentence
            assert sentence.endswith("."), sentence
            assert not any(mark in sentence for mark in ("*", "#", "`", "[", "\n")), sentence
            assert "n/a" not in sentence, sentence


# A small cohort: singular wording and a falling cost ------------------------------------------------------


def test_small_cohort_coverage_in_the_singular() -> None:
    narrative = sentences(small_cohort())
    assert narrative.summary[:2] == [
        "In the 3 months to 31 December 2016 the East Integrated Care Network received 3 referrals for 3 people.",
        "1 of the 3 people referred (33%) could be tracked in adult social care records.",
    ]
    # One network: no per-network sentences.
    assert narrative.coverage == [
        "The council could track 1 of the 3 people referred (33%) in adult social care records by their NHS number.",
        "Both people who could not be tracked had no NHS number recorded.",
    ]


def test_small_cohort_outcomes_in_the_singular() -> None:
    assert sentences(small_cohort()).outcomes == [
        "Care is compared on the day before each person's referral and on 31 December 2016.",
        "The 1 person tracked was already in receipt of care before their referral.",
        "0 of 1 person already in receipt of care (0%) had their package increased.",
        "1 of 1 person already in receipt of care (100%) had their package decreased.",
        "0 of 1 person already in receipt of care (0%) no longer had a care package afterwards.",
        "0 of 1 person already in receipt of care (0%) had a package of the same weekly cost afterwards.",
        "0 of 1 person tracked (0%) had no care package before or after their referral.",
    ]


def test_small_cohort_costs_fall() -> None:
    narrative = sentences(small_cohort())
    assert narrative.costs == [
        "The care of the 1 person tracked cost £100 a week before their referral and £70 a week on 31 December 2016.",
        "Over a year (a week's cost x 365 / 7) that is £5k before and £4k after.",
        "The difference is a decrease of £2k a year.",
    ]
    assert narrative.financial == [
        "The care costs identified for the 1 person tracked show a decrease of £2k a year.",
        "Extrapolating the differential to the 2 people who could not be tracked, in proportion to the 1 who "
        "could, takes £3k a year off.",
        "Staffing for the council's part in the networks adds £1k a year.",
        "The total annual pressure on adult social care is -£4k: -£2k identified, -£3k extrapolated and £1k staffing.",
    ]


def test_small_cohort_age_rounds_half_up_and_counts_the_unknown() -> None:
    assert sentences(small_cohort()).age == [
        "The average age at referral was 81; the youngest person was 70 and the oldest 91.",
        "No age was recorded for 1 of the 3 people referred.",
    ]


def test_small_cohort_data_quality_in_the_singular() -> None:
    assert sentences(small_cohort()).data_quality == [
        "All 4 rows of the referrals extract are accounted for: 3 used and 1 set aside.",
        "The 1 row of the adult social care extract is accounted for: 1 used.",
        "Rows set aside, by reason: unknown network (1 row).",
        "1 row of the adult social care extract has an NHS number that is not valid and links to no one.",
        "2 adult social care person ids have more than one valid NHS number and should be checked.",
    ]


# Nobody referred: no division by zero ------------------------------------------------------------------


def test_nobody_referred() -> None:
    narrative = sentences(nobody_referred())
    said = "No people were referred in the 9 months to 30 June 2017."
    for section in (
        narrative.summary,
        narrative.coverage,
        narrative.outcomes,
        narrative.costs,
        narrative.age,
    ):
        assert section == [said]
    assert narrative.financial == [
        "With no one referred there is nothing to extrapolate.",
        "Staffing for the council's part in the networks adds £150k a year.",
        "The total annual pressure on adult social care is £150k: £0 identified, £0 extrapolated and £150k staffing.",
    ]
    assert narrative.data_quality == [
        "The referrals extract had no rows.",
        "All 10 rows of the adult social care extract are accounted for: 10 used.",
        "No rows were set aside.",
    ]


def test_nobody_tracked() -> None:
    figures = cs18067(
        tracked=0,
        untracked=550,
        untracked_reasons={"nhs_missing": 550, "nhs_invalid": 0, "not_known_to_asc": 0},
        outcomes=dict.fromkeys(("none", "new", "ended", "increased", "decreased", "unchanged"), 0),
        in_receipt_before=0,
        not_in_receipt_before=0,
        annual_differential=0.0,
        extrapolated_untracked=0.0,
        total_annual_pressure=150_000.0,
    )
    narrative = sentences(figures)
    assert narrative.coverage[:2] == [
        "The council could track 0 of the 550 people referred (0%) in adult social care records by their NHS number.",
        "All 550 people who could not be tracked had no NHS number recorded.",
    ]
    assert narrative.outcomes == ["No one referred could be tracked, so there are no care outcomes to report."]
    assert narrative.costs == ["With no one tracked and followed up, there are no care costs to compare."]
    assert narrative.financial[0] == "With no one tracked and followed up there is no differential to extrapolate."


def test_everyone_tracked_nothing_to_extrapolate() -> None:
    figures = cs18067(
        people=322,
        untracked=0,
        untracked_reasons={"nhs_missing": 0, "nhs_invalid": 0, "not_known_to_asc": 0},
        extrapolated_untracked=0.0,
        total_annual_pressure=515_000.0,
    )
    narrative = sentences(figures)
    assert narrative.coverage[1] == "Every person referred could be tracked."
    assert "Every person referred could be tracked, so nothing is extrapolated." in narrative.financial
    assert narrative.financial[-1] == (
        "The total annual pressure on adult social care is £515k: £365k identified, £0 extrapolated and £150k staffing."
    )


@pytest.mark.parametrize(
    "in_before,sentence",
    [
        (0, "None of the 322 people tracked was in receipt of care before their referral."),
        (322, "All 322 people tracked were already in receipt of care before their referral."),
    ],
)
def test_a_whole_group_in_or_out_of_care(in_before: int, sentence: str) -> None:
    figures = cs18067(in_receipt_before=in_before, not_in_receipt_before=322 - in_before)
    assert sentences(figures).outcomes[1] == sentence


# Follow-up, rounding of the parts, small amounts, a ledger that does not add up ------------------------


def test_follow_up_incomplete_people_are_left_out_and_said_so() -> None:
    # 40 of the 322 tracked were referred less than 90 days before 30 June 2017 (40/322 = 12.42%); the
    # outcomes are of the other 282: 100 in receipt before and 182 not.
    figures = cs18067(follow_up_days=90, follow_up_incomplete=40, in_receipt_before=100, not_in_receipt_before=182)
    narrative = sentences(figures)
    assert narrative.outcomes[:2] == [
        "Care is compared on the day before each person's referral and 90 days after their referral.",
        # 100/282 = 35.46%, 182/282 = 64.54%
        "100 of the 282 people tracked whose 90-day follow-up is complete (35%) were already in receipt of "
        "care before their referral; the other 182 (65%) were not.",
    ]
    assert narrative.financial[1] == (
        "Extrapolating the differential to the people who could not be tracked and whose 90-day follow-up is "
        "complete, in proportion to the 282 people tracked whose 90-day follow-up is complete, adds £258k a "
        "year."
    )
    assert narrative.data_quality[-1] == (
        "Care is followed up 90 days after each referral, so 40 of the 322 people tracked (12%), referred "
        "less than 90 days before 30 June 2017, were left out of the outcomes and costs as follow-up "
        "incomplete; untracked people referred as recently were also left out of the extrapolation."
    )


def test_follow_up_with_no_one_left_out() -> None:
    narrative = sentences(cs18067(follow_up_days=1))
    assert narrative.data_quality[-1] == (
        "Care is followed up 1 day after each referral; every person tracked was referred at least 1 day "
        "before 30 June 2017."
    )


def test_no_follow_up_sentence_without_follow_up_days() -> None:
    assert not any("followed up" in sentence for sentence in sentences(cs18067()).data_quality)


def test_total_notes_when_rounded_parts_do_not_add_up() -> None:
    # 1,400 + 1,400 + 1,400 = 4,200: parts print as £1k each (3k) but the total as £4k.
    figures = cs18067(
        annual_differential=1_400.0,
        extrapolated_untracked=1_400.0,
        staffing_per_year=1_400.0,
        total_annual_pressure=4_200.0,
    )
    assert sentences(figures).financial[-1] == (
        "The total annual pressure on adult social care is £4k: £1k identified, £1k extrapolated and £1k "
        "staffing. The parts do not add up exactly because each is rounded to the nearest £1k."
    )


@pytest.mark.parametrize(
    "differential,words",
    [
        (365_000.0, "an increase of £365k a year"),
        (-12_345.0, "a decrease of £12k a year"),
        (499.0, "an increase of £499 a year"),  # never "£0k"
        (500.0, "an increase of £1k a year"),
    ],
)
def test_the_differential_in_words(differential: float, words: str) -> None:
    assert sentences(cs18067(annual_differential=differential)).costs[-1] == f"The difference is {words}."


def test_no_difference() -> None:
    figures = cs18067(annual_differential=0.0, extrapolated_untracked=0.0, total_annual_pressure=150_000.0)
    narrative = sentences(figures)
    assert narrative.costs[-1] == "There is no difference in the annual cost."
    assert narrative.financial[:2] == [
        "The care costs identified for the 322 people tracked show no change.",
        "Extrapolating the differential to the 228 people who could not be tracked, in proportion to the 322 "
        "who could, adds nothing.",
    ]


def test_no_staffing() -> None:
    assert "No staffing cost is included." in sentences(cs18067(staffing_per_year=0.0)).financial


def test_one_off_services_are_mentioned_beside_the_costs() -> None:
    costs = sentences(cs18067(one_off={"services": 2, "cost": 1_250.0})).costs
    assert costs[-1] == "2 one-off services costing £1,250 in all were not counted as care packages."


def test_blank_rows_are_part_of_the_reconciliation() -> None:
    ledger = RowLedger(read=603, used=575, outside_window=23, quarantined=3, blank=2)
    figures = cs18067(rows={"referrals": ledger})
    assert sentences(figures).data_quality[0] == (
        "All 603 rows of the referrals extract are accounted for: 575 used, 23 outside the reporting window, "
        "3 set aside and 2 blank."
    )


def test_two_rows_are_both() -> None:
    ledger = RowLedger(read=2, used=1, outside_window=1, quarantined=0, blank=0)
    assert sentences(cs18067(rows={"asc": ledger})).data_quality[0] == (
        "Both rows of the adult social care extract are accounted for: 1 used and 1 outside the reporting window."
    )


def test_a_ledger_that_does_not_add_up_is_not_called_accounted_for() -> None:
    ledger = RowLedger(read=601, used=570, outside_window=23, quarantined=3, blank=0)
    figures = cs18067(rows={"referrals": ledger})
    assert sentences(figures).data_quality[0] == (
        "The 601 rows of the referrals extract do not reconcile: 570 used, 23 outside the reporting window "
        "and 3 set aside make 596."
    )


def test_only_one_recorded_age() -> None:
    figures = cs18067(age={"mean": 77.0, "min": 77, "max": 77, "known": 1, "unknown": 549})
    assert sentences(figures).age == [
        "The only person with a recorded age was 77 at referral.",
        "No age was recorded for 549 of the 550 people referred.",
    ]


def test_no_recorded_age() -> None:
    figures = cs18067(age={"mean": None, "min": None, "max": None, "known": 0, "unknown": 550})
    assert sentences(figures).age == ["No age was recorded for any of the 550 people referred."]


def test_a_network_with_no_referrals() -> None:
    by_network = {
        "East": {"people": 550, "tracked": 322, "tracking_coverage": 322 / 550},
        "West": {"people": 0, "tracked": 0, "tracking_coverage": None},
    }
    assert sentences(cs18067(by_network=by_network)).coverage[2:] == [
        "In the East network, 322 of the 550 people referred (59%) could be tracked.",
        "The West network referred no one in the period.",
    ]


def test_narrative_is_frozen() -> None:
    narrative = sentences(cs18067())
    with pytest.raises(dataclasses.FrozenInstanceError):
        narrative.summary = []  # type: ignore[misc]


# After disclosure control: "[c]" for a suppressed figure, sentences still grammatical ----------------------

NOTE_ON_C = (
    "[c] marks a figure not shown to protect confidentiality: a count from 1 to 7, or one from which such a "
    "count could be worked out. Other counts are rounded to the nearest 5."
)


def test_public_cs18067_sentences_write_c_and_leave_out_its_percentage() -> None:
    # Tracked 120 + 100 + 102 -> 120 + 100 + 100 = 320; in receipt before 20 + 25 + [c] 5 + 70 = 120 (4
    # decreased suppressed, then 20 ended, the smallest other); not 170 + 30 = 200. 120/320 = 37.5% -> 38%,
    # 200/320 = 62.5% -> 63%. The referrals ledger: 23 outside -> 25 is suppressed beside 3 set aside, and
    # the 601 rows read are 575 + 25 + 5 + 0 = 605.
    narrative = sentences(control_figures(cs18067()))
    assert narrative.outcomes[1] == (
        "120 of the 320 people tracked (38%) were already in receipt of care before their referral; the other "
        "200 (63%) were not."
    )
    assert narrative.outcomes[5:7] == [
        "[c] of the 120 people already in receipt of care had their package decreased.",
        "[c] of the 120 people already in receipt of care no longer had a care package afterwards.",
    ]
    assert narrative.coverage[4] == "In the West network, 100 of the 170 people referred (59%) could be tracked."
    assert narrative.data_quality == [
        NOTE_ON_C,
        "All 605 rows of the referrals extract are accounted for: 575 used, [c] outside the reporting window "
        "and [c] set aside.",
        "All 2,000 rows of the adult social care extract are accounted for: 2,000 used.",
        "Rows set aside, by reason: duplicate referral_id ([c] rows) and unknown network ([c] rows).",
    ]
    assert narrative.financial[-1] == (
        "The total annual pressure on adult social care is £773k: £365k identified, £258k extrapolated and "
        "£150k staffing."
    )


def test_public_sentences_of_a_cohort_too_small_to_show() -> None:
    # 3 people, 1 tracked: every count of people is suppressed, and so every cost; staffing is not about
    # people and stays. A true 0 (no new package) is still 0.
    narrative = sentences(control_figures(small_cohort()))
    assert narrative.summary == [
        "In the 3 months to 31 December 2016 the East Integrated Care Network received [c] referrals for [c] people.",
        "[c] of the [c] people referred could be tracked in adult social care records.",
        "Of the [c] people tracked, 0 had a new care package after their referral and 0 had their package increased.",
        "The estimated total annual pressure on adult social care is [c].",
    ]
    assert narrative.coverage[1] == "All [c] people who could not be tracked had no NHS number recorded."
    # No one was out of care before, so everyone tracked was in it, however many they are.
    assert narrative.outcomes[1] == "All [c] people tracked were already in receipt of care before their referral."
    assert narrative.costs[2] == "The difference is a change of [c] a year."
    assert narrative.financial[1:] == [
        "Extrapolating the differential to the [c] people who could not be tracked, in proportion to the [c] who "
        "could, changes the annual cost by [c] a year.",
        "Staffing for the council's part in the networks adds £1k a year.",
        "The total annual pressure on adult social care is [c]: [c] identified, [c] extrapolated and £1k staffing.",
    ]
    assert narrative.age == ["[c] of the [c] people referred had an age recorded, too few to show."]
    assert narrative.data_quality[:3] == [
        NOTE_ON_C,
        "All [c] rows of the referrals extract are accounted for: [c] used and [c] set aside.",
        "All [c] rows of the adult social care extract are accounted for: [c] used.",
    ]


def test_the_note_on_c_appears_only_where_c_does() -> None:
    assert NOTE_ON_C not in sentences(cs18067()).data_quality
    assert sentences(cs18067(), note="Custom note.").data_quality[0] != "Custom note."
    assert sentences(control_figures(cs18067()), note="Custom note.").data_quality[0] == "Custom note."


def test_repeated_service_rows_are_reported() -> None:
    from icnreport.narrative import warning_sentences

    assert warning_sentences({"service_rows_repeating_an_earlier_row": 2}) == [
        "2 rows of tracked people's services repeat an earlier row exactly (as successive quarterly extracts do) "
        "and were counted once."
    ]
    assert warning_sentences({"service_rows_repeating_an_earlier_row": 0}) == []
