"""The words of the committee appendix, written from one period's figures.

The sections mirror CS18067 section 4 (summary of outputs: coverage, outcomes, costs, age) and section 6
(financial implications), with a data-quality section after them. Each is a list of plain-English
sentences, no Markdown: the notebook decides how they are laid out. Every percentage names its
denominator in the same sentence (SPEC.md definition 6), and no sentence divides by zero.

The same sentences are written from the exact figures and from the figures after disclosure control, where
a suppressed count or amount is None: it is written "[c]" (the sentence staying grammatical: "[c] of the
320 people tracked ..."), a percentage of it is left out, and the data-quality section says what [c] means.
"""

from dataclasses import dataclass, fields, replace

from icnreport import cohort, outcomes
from icnreport.disclosure import followed_up, suppression_note
from icnreport.figures import Figures, RowLedger
from icnreport.formatting import (
    SUPPRESSED,
    and_list,
    count_or_c,
    long_date,
    money_k,
    money_or_c,
    percent_or_c,
    period_span,
    round_half_up,
)

#: Below this many pounds a year an amount is written in whole pounds: "£0k" would say nothing.
SMALLEST_THOUSAND = 500

EXTRACT_NAMES = {"referrals": "referrals extract", "asc": "adult social care extract"}

#: What an untracked person's reason says about them, singular and plural (SPEC.md definition 4).
UNTRACKED_WORDS = {
    cohort.NHS_MISSING: ("had no NHS number recorded", "had no NHS number recorded"),
    cohort.NHS_INVALID: ("had an NHS number that is not valid", "had an NHS number that is not valid"),
    cohort.NOT_KNOWN_TO_ASC: ("was not known to adult social care", "were not known to adult social care"),
}

#: Outcomes of people not in receipt of care before their referral, and of those already in receipt.
WITHOUT_CARE_BEFORE = "not in receipt of care before their referral"
WITH_CARE_BEFORE = "already in receipt of care"
OUTCOME_WORDS = {
    outcomes.NEW: "had a new care package afterwards",
    outcomes.NONE: "still had no care package afterwards",
    outcomes.INCREASED: "had their package increased",
    outcomes.DECREASED: "had their package decreased",
    outcomes.ENDED: "no longer had a care package afterwards",
    outcomes.UNCHANGED: "had a package of the same weekly cost afterwards",
}


@dataclass(frozen=True)
class Narrative:
    """The appendix's sentences, one list per section, in the order the appendix prints them."""

    summary: list[str]
    coverage: list[str]
    outcomes: list[str]
    costs: list[str]
    financial: list[str]
    age: list[str]
    data_quality: list[str]


def sentences(figures: Figures, note: str | None = None) -> Narrative:
    """Every section's sentences for one period's figures. Where a figure is suppressed ("[c]"), the
    data-quality section opens with ``note`` (by default, what [c] means under the default thresholds)."""
    narrative = Narrative(
        summary=summary_sentences(figures),
        coverage=coverage_sentences(figures),
        outcomes=outcome_sentences(figures),
        costs=cost_sentences(figures),
        financial=financial_sentences(figures),
        age=age_sentences(figures),
        data_quality=data_quality_sentences(figures),
    )
    said = [sentence for section in fields(narrative) for sentence in getattr(narrative, section.name)]
    if not any(SUPPRESSED in sentence for sentence in said):
        return narrative
    return replace(narrative, data_quality=[note or suppression_note(), *narrative.data_quality])


# Words -----------------------------------------------------------------------------------------------


def plural(n: int | None, singular: str, plural_form: str) -> str:
    """A count and its noun, agreeing: "1 person", "2 people", "1,234 rows", "[c] people"."""
    return f"{count_or_c(n)} {singular if n == 1 else plural_form}"


def people(n: int | None) -> str:
    """ "1 person", "2 people", "[c] people"."""
    return plural(n, "person", "people")


def rows(n: int | None) -> str:
    """ "1 row", "2 rows", "[c] rows"."""
    return plural(n, "row", "rows")


def was(n: int | None) -> str:
    """The verb agreeing with a count: "1 ... was", "2 ... were", "[c] ... were"."""
    return "was" if n == 1 else "were"


def everyone(n: int | None, who: str) -> str:
    """A whole group as the subject of a sentence: "The 1 person <who>", "Both people <who>",
    "All 3 people <who>"."""
    if n == 1:
        return f"The 1 person {who}"
    if n == 2:
        return f"Both people {who}"
    return f"All {people(n)} {who}"


def share_of(part: int | None, whole: int | None, who: str) -> str:
    """ "31 of the 201 people <who> (15%)": the part, its denominator named, then the percentage, left out
    when either count is suppressed: "[c] of the 320 people <who>"."""
    of_whole = f"of {people(whole)}" if whole == 1 else f"of the {people(whole)}"
    return f"{count_or_c(part)} {of_whole} {who}{in_brackets(percent_or_c(part, whole))}"


def in_brackets(share: str) -> str:
    """ " (15%)" after a count, or nothing for a suppressed percentage: "[c]" already stands beside it."""
    return "" if share == SUPPRESSED else f" ({share})"


def pounds_a_year(pounds: float | None) -> str:
    """An annual amount as CS18067 writes it, "£365k"; under £500 in whole pounds, so it never reads "£0k";
    "[c]" when suppressed."""
    if pounds is None:
        return SUPPRESSED
    return money_k(pounds) if abs(pounds) >= SMALLEST_THOUSAND else money_or_c(pounds)


def change_in_cost(pounds: float | None) -> str:
    """ "an increase of £365k a year", "a decrease of £12k a year", "no change" or "a change of [c] a year"."""
    if pounds is None:
        return f"a change of {SUPPRESSED} a year"
    if pounds > 0:
        return f"an increase of {pounds_a_year(pounds)} a year"
    if pounds < 0:
        return f"a decrease of {pounds_a_year(-pounds)} a year"
    return "no change"


def tracked_people(figures: Figures) -> str:
    """How the counted tracked people are described: "people tracked", or with a follow-up period,
    "people tracked whose 90-day follow-up is complete"."""
    if figures.follow_up_days is None:
        return "tracked"
    return f"tracked whose {figures.follow_up_days}-day follow-up is complete"


def after_day(figures: Figures) -> str:
    """When care is looked at after the referral: "on 30 June 2017" or "90 days after their referral"."""
    if figures.follow_up_days is None:
        return f"on {long_date(figures.period_end)}"
    return f"{plural(figures.follow_up_days, 'day', 'days')} after their referral"


def no_one_referred(figures: Figures) -> str:
    """The one sentence a period with nobody referred can say."""
    return f"No people were referred in the {period_span(figures.programme_start, figures.period_end)}."


def network_names(figures: Figures) -> str:
    """ "the 3 Integrated Care Networks (East, Central and West)", or one network by name."""
    names = list(figures.by_network)
    if len(names) == 1:
        return f"the {names[0]} Integrated Care Network"
    if not names:
        return "the Integrated Care Networks"
    return f"the {len(names):,} Integrated Care Networks ({and_list(names)})"


# Section 4: summary, coverage, outcomes, costs, age ----------------------------------------------------


def summary_sentences(figures: Figures) -> list[str]:
    """The first paragraph: period, referrals, coverage, the main outcomes and the total pressure."""
    if figures.people == 0:
        return [no_one_referred(figures)]
    span = period_span(figures.programme_start, figures.period_end)
    referrals = plural(figures.referrals, "referral", "referrals")
    result = [
        f"In the {span} {network_names(figures)} received {referrals} for {people(figures.people)}.",
        f"{share_of(figures.tracked, figures.people, 'referred')} could be tracked in adult social care records.",
    ]
    counted = followed_up(figures)
    if counted != 0:
        new = figures.outcomes.get(outcomes.NEW, 0)
        increased = figures.outcomes.get(outcomes.INCREASED, 0)
        result.append(
            f"Of the {people(counted)} {tracked_people(figures)}, {count_or_c(new)} had a new care package "
            f"after their referral and {count_or_c(increased)} had their package increased."
        )
    result.append(
        f"The estimated total annual pressure on adult social care is {pounds_a_year(figures.total_annual_pressure)}."
    )
    return result


def coverage_sentences(figures: Figures) -> list[str]:
    """Tracking coverage, why the untracked could not be tracked, and coverage by network."""
    if figures.people == 0:
        return [no_one_referred(figures)]
    tracked = share_of(figures.tracked, figures.people, "referred")
    result = [f"The council could track {tracked} in adult social care records by their NHS number."]
    result.append(untracked_sentence(figures))
    if len(figures.by_network) > 1:
        result.extend(network_sentence(name, network) for name, network in figures.by_network.items())
    return result


def untracked_sentence(figures: Figures) -> str:
    """Why the people who could not be tracked could not be, by SPEC.md definition 4's reasons."""
    if figures.untracked == 0:
        return "Every person referred could be tracked."
    reasons = {reason: n for reason, n in figures.untracked_reasons.items() if n != 0}
    if not reasons:
        return f"{people(figures.untracked).capitalize()} could not be tracked."
    if len(reasons) == 1:
        (reason,) = reasons
        whole = everyone(figures.untracked, "who could not be tracked")
        return f"{whole} {untracked_words(reason, figures.untracked)}."
    described = [f"{count_or_c(n)} {untracked_words(reason, n)}" for reason, n in reasons.items()]
    return f"Of the {people(figures.untracked)} who could not be tracked, {and_list(described)}."


def untracked_words(reason: str, n: int | None) -> str:
    """What an untracked reason says about n people."""
    singular, plural_form = UNTRACKED_WORDS.get(reason, (f"were untracked ({reason})",) * 2)
    return singular if n == 1 else plural_form


def network_sentence(name: str, network: dict) -> str:
    """One network's tracking coverage."""
    referred = network.get("people", 0)
    if referred == 0:
        return f"The {name} network referred no one in the period."
    tracked = network.get("tracked", 0)
    return f"In the {name} network, {share_of(tracked, referred, 'referred')} could be tracked."


def outcome_sentences(figures: Figures) -> list[str]:
    """CS18067 para 4.3: care before and after the referral, each share out of its own group."""
    if figures.people == 0:
        return [no_one_referred(figures)]
    counted = followed_up(figures)
    if counted == 0:
        if figures.tracked == 0:
            return ["No one referred could be tracked, so there are no care outcomes to report."]
        return [
            f"None of the {people(figures.tracked)} tracked has been followed up yet, "
            "so there are no outcomes to report."
        ]
    return [
        f"Care is compared on the day before each person's referral and {after_day(figures)}.",
        *care_before_sentences(figures, counted),
        *group_sentences(figures, figures.not_in_receipt_before, WITHOUT_CARE_BEFORE, (outcomes.NEW, outcomes.NONE)),
        *group_sentences(
            figures,
            figures.in_receipt_before,
            WITH_CARE_BEFORE,
            (outcomes.INCREASED, outcomes.DECREASED, outcomes.ENDED, outcomes.UNCHANGED),
        ),
        no_care_sentence(figures, counted),
    ]


def care_before_sentences(figures: Figures, counted: int | None) -> list[str]:
    """How many of the counted tracked people were in receipt of care the day before their referral."""
    before, rest = figures.in_receipt_before, figures.not_in_receipt_before
    who = tracked_people(figures)
    if rest == 0 or (before is not None and before == counted):
        return [f"{everyone(counted, who)} {was(counted)} already in receipt of care before their referral."]
    if before == 0:
        if counted == 1:
            return [f"The 1 person {who} was not in receipt of care before their referral."]
        return [f"None of the {people(counted)} {who} was in receipt of care before their referral."]
    share = share_of(before, counted, tracked_people(figures))
    return [
        f"{share} {was(before)} already in receipt of care before their referral; the other "
        f"{count_or_c(rest)}{in_brackets(percent_or_c(rest, counted))} {was(rest)} not."
    ]


def group_sentences(figures: Figures, group: int | None, who: str, kinds: tuple[str, ...]) -> list[str]:
    """One sentence per outcome of a group (in receipt before, or not), out of that group."""
    if group == 0:
        return []
    result = []
    for kind in kinds:
        n = figures.outcomes.get(kind, 0)
        result.append(f"{share_of(n, group, who)} {OUTCOME_WORDS[kind]}.")
    return result


def no_care_sentence(figures: Figures, counted: int | None) -> str:
    """CS18067 para 4.3.5: the tracked people with no package before or after, out of all counted."""
    none = figures.outcomes.get(outcomes.NONE, 0)
    share = share_of(none, counted, tracked_people(figures))
    return f"{share} had no care package before or after their referral."


def cost_sentences(figures: Figures) -> list[str]:
    """CS18067 para 4.7: weekly cost before and after, the annual effect and the differential."""
    if figures.people == 0:
        return [no_one_referred(figures)]
    counted = followed_up(figures)
    if counted == 0:
        return ["With no one tracked and followed up, there are no care costs to compare."]
    days = f"{figures.days_per_year:g}"
    result = [
        f"The care of the {people(counted)} {tracked_people(figures)} cost "
        f"{money_or_c(figures.weekly_cost_before)} a week before their referral and "
        f"{money_or_c(figures.weekly_cost_after)} a week {after_day(figures)}.",
        f"Over a year (a week's cost x {days} / 7) that is {pounds_a_year(figures.annual_cost_before)} "
        f"before and {pounds_a_year(figures.annual_cost_after)} after.",
        difference_sentence(figures.annual_differential),
    ]
    services = figures.one_off.get("services", 0)
    if services != 0:
        result.append(
            f"{plural(services, 'one-off service', 'one-off services')} costing "
            f"{money_or_c(figures.one_off.get('cost', 0.0))} in all {was(services)} not counted as care packages."
        )
    return result


def difference_sentence(annual_differential: float | None) -> str:
    """CS18067 para 4.7's differential: annual cost after less annual cost before."""
    if annual_differential == 0:
        return "There is no difference in the annual cost."
    return f"The difference is {change_in_cost(annual_differential)}."


def age_sentences(figures: Figures) -> list[str]:
    """CS18067 para 4.3.1: mean age at referral in whole years, the youngest and the oldest."""
    if figures.people == 0:
        return [no_one_referred(figures)]
    age = figures.age
    if age.get("known") == 0:
        return [f"No age was recorded for any of the {people(figures.people)} referred."]
    if age.get("mean") is None:
        return [f"{share_of(age.get('known'), figures.people, 'referred')} had an age recorded, too few to show."]
    if age.get("known") == 1:
        result = [f"The only person with a recorded age was {int(age['min']):,} at referral."]
    else:
        result = [
            f"The average age at referral was {round_half_up(float(age['mean']))}; the youngest person was "
            f"{int(age['min']):,} and the oldest {int(age['max']):,}."
        ]
    unknown = age.get("unknown", 0)
    if unknown != 0:
        result.append(f"No age was recorded for {count_or_c(unknown)} of the {people(figures.people)} referred.")
    return result


# Section 6: financial implications --------------------------------------------------------------------


def financial_sentences(figures: Figures) -> list[str]:
    """CS18067 section 6: the differential, its extrapolation, staffing and the total annual pressure."""
    counted = followed_up(figures)
    result = []
    if counted != 0:
        result.append(
            f"The care costs identified for the {people(counted)} {tracked_people(figures)} show "
            f"{change_in_cost(figures.annual_differential)}."
        )
    result.append(extrapolation_sentence(figures))
    if figures.staffing_per_year:
        result.append(
            f"Staffing for the council's part in the networks adds {pounds_a_year(figures.staffing_per_year)} a year."
        )
    else:
        result.append("No staffing cost is included.")
    result.append(total_sentence(figures))
    return result


def extrapolation_sentence(figures: Figures) -> str:
    """SPEC.md definition 7: the differential scaled by untracked / tracked, with the ratio in words."""
    if figures.people == 0:
        return "With no one referred there is nothing to extrapolate."
    counted = followed_up(figures)
    if counted == 0:
        return "With no one tracked and followed up there is no differential to extrapolate."
    if figures.follow_up_days is None:
        if figures.untracked == 0:
            return "Every person referred could be tracked, so nothing is extrapolated."
        untracked = f"the {people(figures.untracked)} who could not be tracked"
        ratio = f"in proportion to the {count_or_c(counted)} who could"
    else:
        follow_up = f"{figures.follow_up_days}-day follow-up"
        untracked = f"the people who could not be tracked and whose {follow_up} is complete"
        ratio = f"in proportion to the {people(counted)} {tracked_people(figures)}"
    effect = extrapolated(figures.extrapolated_untracked)
    return f"Extrapolating the differential to {untracked}, {ratio}, {effect}."


def extrapolated(pounds: float | None) -> str:
    """What the extrapolation does to the annual cost: "adds £258k a year", "takes £3k a year off"."""
    if pounds is None:
        return f"changes the annual cost by {SUPPRESSED} a year"
    if pounds > 0:
        return f"adds {pounds_a_year(pounds)} a year"
    if pounds < 0:
        return f"takes {pounds_a_year(-pounds)} a year off"
    return "adds nothing"


def total_sentence(figures: Figures) -> str:
    """The total annual pressure and its three parts, noting when the rounded parts do not add up."""
    parts = (figures.annual_differential, figures.extrapolated_untracked, figures.staffing_per_year)
    named = [f"{pounds_a_year(parts[0])} identified", f"{pounds_a_year(parts[1])} extrapolated"]
    named.append(f"{pounds_a_year(parts[2])} staffing")
    sentence = (
        f"The total annual pressure on adult social care is {pounds_a_year(figures.total_annual_pressure)}: "
        f"{and_list(named)}."
    )
    if figures.total_annual_pressure is None or None in parts:
        return sentence
    in_thousands = [round_half_up(part / 1_000) for part in parts]
    if sum(in_thousands) != round_half_up(figures.total_annual_pressure / 1_000):
        sentence += " The parts do not add up exactly because each is rounded to the nearest £1k."
    return sentence


# Data quality -----------------------------------------------------------------------------------------


def data_quality_sentences(figures: Figures) -> list[str]:
    """Where every input row went, why rows were set aside, who was left out and what to check."""
    result = [
        ledger_sentence(EXTRACT_NAMES.get(name, f"{name} extract"), ledger) for name, ledger in figures.rows.items()
    ]
    result.append(quarantine_sentence(figures.quarantined))
    if figures.follow_up_days is not None:
        result.append(follow_up_sentence(figures))
    result.extend(warning_sentences(figures.warnings))
    return result


def ledger_sentence(extract: str, ledger: RowLedger) -> str:
    """SPEC.md "nothing is silently dropped": every row read is used, outside the window or set aside."""
    if ledger.read == 0:
        return f"The {extract} had no rows."
    parts = [f"{count_or_c(ledger.used)} used"]
    if ledger.outside_window != 0:
        parts.append(f"{count_or_c(ledger.outside_window)} outside the reporting window")
    if ledger.quarantined != 0:
        parts.append(f"{count_or_c(ledger.quarantined)} set aside")
    if ledger.blank != 0:
        parts.append(f"{count_or_c(ledger.blank)} blank")
    counts = (ledger.used, ledger.outside_window, ledger.quarantined, ledger.blank)
    # After disclosure control the rows read are the sum of the rounded parts, so a shown ledger reconciles.
    if None not in counts and ledger.read is not None and sum(counts) != ledger.read:
        return f"The {rows(ledger.read)} of the {extract} do not reconcile: {and_list(parts)} make {sum(counts):,}."
    if ledger.read == 1:
        return f"The 1 row of the {extract} is accounted for: {and_list(parts)}."
    whole = "Both rows" if ledger.read == 2 else f"All {rows(ledger.read)}"
    return f"{whole} of the {extract} are accounted for: {and_list(parts)}."


def quarantine_sentence(quarantined: dict[str, int | None]) -> str:
    """The reasons rows were set aside (both extracts together), most common first; suppressed ones last."""
    shown = [(n, reason) for reason, n in quarantined.items() if n != 0]
    reasons = sorted(shown, key=lambda item: (item[0] is None, -(item[0] or 0), item[1]))
    if not reasons:
        return "No rows were set aside."
    listed = [f"{reason} ({rows(n)})" for n, reason in reasons]
    return f"Rows set aside, by reason: {and_list(listed)}."


def follow_up_sentence(figures: Figures) -> str:
    """With follow_up_days set, the tracked people referred too recently to be followed up (definition 5)."""
    days = plural(int(figures.follow_up_days or 0), "day", "days")
    end = long_date(figures.period_end)
    left_out = figures.follow_up_incomplete
    if left_out == 0:
        return (
            f"Care is followed up {days} after each referral; every person tracked was referred at least "
            f"{days} before {end}."
        )
    return (
        f"Care is followed up {days} after each referral, so "
        f"{share_of(left_out, figures.tracked, 'tracked')}, "
        f"referred less than {days} before {end}, {was(left_out)} left out of the outcomes and costs as "
        "follow-up incomplete; untracked people referred as recently were also left out of the extrapolation."
    )


def warning_sentences(warnings: dict[str, int | None]) -> list[str]:
    """Notes for an analyst that set no row aside (people without an age are in the age section)."""
    result = []
    invalid = warnings.get("asc_rows_with_invalid_nhs_number", 0)
    if invalid != 0:
        result.append(
            f"{rows(invalid)} of the adult social care extract {'has' if invalid == 1 else 'have'} "
            f"an NHS number that is not valid and {'links' if invalid == 1 else 'link'} to no one."
        )
    several = warnings.get("asc_person_ids_with_several_nhs_numbers", 0)
    if several != 0:
        ids = plural(several, "adult social care person id", "adult social care person ids")
        result.append(
            f"{ids} {'has' if several == 1 else 'have'} more than one valid NHS number and should be checked."
        )
    repeated = warnings.get("service_rows_repeating_an_earlier_row", 0)
    if repeated != 0:
        result.append(
            f"{rows(repeated)} of tracked people's services {'repeats' if repeated == 1 else 'repeat'} an earlier "
            f"row exactly (as successive quarterly extracts do) and {'was' if repeated == 1 else 'were'} counted once."
        )
    return result
