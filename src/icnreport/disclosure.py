"""Statistical disclosure control: the figures as they may be published under `public/`.

The rules are NHS England's and OpenSAFELY's for outputs from identifiable data (ehrql's
``measures/disclosure_control.py`` applies the first, writing a suppressed count as 0; a committee reader is
shown "[c]" instead), with the thresholds from the params' ``disclosure`` section:

1. A count of 0 stays 0; a count from 1 to ``SUPPRESSION_THRESHOLD`` is suppressed; any other count is
   rounded to the nearest ``ROUNDING_MULTIPLE`` (``control_count``).
2. Secondary suppression: where counts add up to a published total (a *line*), no line may have exactly one
   suppressed cell, or it could be worked out by subtraction; the smallest other non-zero cell is
   suppressed too, until no line has exactly one (``Cells.protect``).
3. A total is the sum of its cells' rounded values (a suppressed cell's rounded value counts but is never
   shown), then itself controlled (``Rules.total``).
4. Percentages are computed from the controlled counts (by the appendix's views); money is rounded to the
   nearest £1,000, and suppressed with the people it covers.

A suppressed count is None in the controlled Figures; the views write it as "[c]".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from icnreport import outcomes
from icnreport.formatting import round_half_up

if TYPE_CHECKING:  # figures.py and params.py import this module's constants: no import at run time
    from icnreport.figures import Figures, RowLedger
    from icnreport.params import DisclosureParams

#: NHS England / OpenSAFELY: a count from 1 to 7 is not published ("redacted"), as ehrql's disclosure control.
SUPPRESSION_THRESHOLD = 7
#: NHS England / OpenSAFELY: every other count is rounded to the nearest 5.
ROUNDING_MULTIPLE = 5
#: Public money figures are rounded to the nearest £1,000, so an exact ratio of counts cannot be worked
#: back from them (SPEC.md definition 7's extrapolation is the differential x untracked / tracked).
POUNDS_ROUNDING = 1_000

#: The money figures of SPEC.md definition 7 that cover the tracked people whose follow-up is complete.
COST_FIELDS = (
    "weekly_cost_before",
    "weekly_cost_after",
    "annual_cost_before",
    "annual_cost_after",
    "annual_differential",
    "extrapolated_untracked",
    "total_annual_pressure",
)
IN_RECEIPT_BEFORE = (outcomes.ENDED, outcomes.INCREASED, outcomes.DECREASED, outcomes.UNCHANGED)
NOT_IN_RECEIPT_BEFORE = (outcomes.NONE, outcomes.NEW)
LEDGER_PARTS = ("used", "outside_window", "quarantined", "blank")
#: The data-quality warning that is the age table's count of people without an age.
PEOPLE_WITHOUT_AGE = "people_without_age"


# The rule for one count -------------------------------------------------------------------------------


def round_to_multiple(count: int, multiple: int = ROUNDING_MULTIPLE) -> int:
    """A count to the nearest multiple, a tie going up: 12 -> 10, 13 -> 15 (with 10: 15 -> 20)."""
    return (2 * count + multiple) // (2 * multiple) * multiple


def control_count(count: int, threshold: int = SUPPRESSION_THRESHOLD, multiple: int = ROUNDING_MULTIPLE) -> int | None:
    """A count as it may be published: 0 stays 0, 1 to ``threshold`` is suppressed (None), any other count
    is rounded to the nearest ``multiple``."""
    if count < 0:
        raise ValueError(f"a count cannot be negative: {count}")
    if count == 0:
        return 0
    if count <= threshold:
        return None
    return round_to_multiple(count, multiple)


@dataclass(frozen=True)
class Rules:
    """The thresholds of disclosure control (the params' ``disclosure`` section)."""

    threshold: int = SUPPRESSION_THRESHOLD
    multiple: int = ROUNDING_MULTIPLE

    def count(self, count: int) -> int | None:
        """Rule 1 for one count."""
        return control_count(count, self.threshold, self.multiple)

    def total(self, exact: int, rounded: int) -> int | None:
        """Rule 3: a total shown as the sum of its parts' rounded values, suppressed when the group it
        counts is 1 to ``threshold`` or when that sum is (a sum of 0 or 5 cannot stand for 8 or more)."""
        if exact == 0:
            return 0
        if exact <= self.threshold or rounded <= self.threshold:
            return None
        return rounded


#: The rules with the NHS England / OpenSAFELY thresholds.
DEFAULT_RULES = Rules()


def rules_for(settings: DisclosureParams) -> Rules:
    """The rules with the thresholds of the params' ``disclosure`` section."""
    return Rules(settings.suppression_threshold, settings.rounding_multiple)


def suppression_note(rules: Rules = DEFAULT_RULES) -> str:
    """What "[c]" means, said wherever it appears (text, tables, workbook)."""
    return (
        "[c] marks a figure not shown to protect confidentiality: a count from 1 to "
        f"{rules.threshold}, or one from which such a count could be worked out. Other counts are rounded to "
        f"the nearest {rules.multiple}."
    )


def round_pounds(pounds: float) -> float:
    """An amount to the nearest £1,000, a tie going away from zero: 258,447.20 -> 258,000."""
    thousands = (Decimal(str(pounds)) / POUNDS_ROUNDING).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return float(thousands * POUNDS_ROUNDING)


# Lines of counts and secondary suppression ------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """Published cells that add up to a published total: were exactly one of them suppressed, it could be
    worked out by subtraction."""

    parts: tuple[str, ...]
    total: str


@dataclass
class Cells:
    """The counts to publish, by name: each one's value rounded to the multiple, which are suppressed, and
    the lines that tie them together. Built with ``count`` and ``total``, then ``protect``-ed."""

    rules: Rules
    exact: dict[str, int] = field(default_factory=dict)
    rounded: dict[str, int] = field(default_factory=dict)
    hidden: set[str] = field(default_factory=set)
    lines: list[Line] = field(default_factory=list)

    def count(self, name: str, count: int) -> str:
        """A count controlled on its own (rule 1)."""
        self.exact[name] = int(count)
        self.rounded[name] = round_to_multiple(int(count), self.rules.multiple)
        if self.rules.count(int(count)) is None:
            self.hidden.add(name)
        return name

    def total(self, name: str, parts: Sequence[str]) -> str:
        """A total of published parts, recomputed from their rounded values (rule 3)."""
        self.exact[name] = sum(self.exact[part] for part in parts)
        self.rounded[name] = sum(self.rounded[part] for part in parts)
        if self.rules.total(self.exact[name], self.rounded[name]) is None:
            self.hidden.add(name)
        self.relate(parts, name)
        return name

    def relate(self, parts: Sequence[str], total: str) -> None:
        """Parts that add up to a total shown on its own (a network's people are its tracked plus untracked)."""
        self.lines.append(Line(tuple(parts), total))

    def protect(self) -> None:
        """Rule 2: suppress more cells until no line has exactly one suppressed (rows and columns of a
        two-way table alike, as each is a line). Each pass suppresses at least one more cell or ends."""
        changed = True
        while changed:
            changed = False
            for line in self.lines:
                changed = self._protect(line) or changed

    def _protect(self, line: Line) -> bool:
        """In a line with exactly one suppressed cell, suppress its smallest other non-zero part (ties: the
        first in order); failing that, its total. Whether anything was suppressed."""
        if sum(name in self.hidden for name in (*line.parts, line.total)) != 1:
            return False
        shown = [(self.rounded[part], position, part) for position, part in enumerate(line.parts)]
        candidates = [entry for entry in shown if entry[2] not in self.hidden and entry[0] > 0]
        if candidates:
            self.hidden.add(min(candidates)[2])
            return True
        if line.total not in self.hidden and self.rounded[line.total] > 0:
            self.hidden.add(line.total)
            return True
        return False

    def shown(self, name: str) -> int | None:
        """A cell as published: its rounded value, or None when suppressed."""
        return None if name in self.hidden else self.rounded[name]


def control_partition(counts: Sequence[int], rules: Rules = DEFAULT_RULES) -> tuple[list[int | None], int | None]:
    """One partition on its own: its cells and its total as published."""
    cells = Cells(rules)
    names = [cells.count(f"cell {position}", count) for position, count in enumerate(counts)]
    cells.total("total", names)
    cells.protect()
    return [cells.shown(name) for name in names], cells.shown("total")


# The published partitions of one period's figures ------------------------------------------------------


def control_figures(figures: Figures, rules: Rules = DEFAULT_RULES) -> Figures:
    """The exact figures after disclosure control: every count controlled, totals recomputed, percentages
    recomputed from the controlled counts, money rounded or suppressed. The exact figures are not changed."""
    cells = Cells(rules)
    _network_cells(cells, figures)
    _age_cells(cells, figures)
    _outcome_cells(cells, figures)
    _month_cells(cells, figures)
    _row_cells(cells, figures)
    _other_cells(cells, figures)
    cells.protect()
    return _controlled(figures, cells, rules)


def _headline(cells: Cells, name: str, parts: list[str], exact: int) -> str:
    """A headline count as the total of its canonical partition (or on its own if there is none)."""
    return cells.total(name, parts) if parts else cells.count(name, exact)


def _two_way(cells: Cells, prefix: str, rows: dict[str, dict]) -> tuple[list[str], list[str], list[str]]:
    """People, tracked and untracked (people - tracked) of each row of a two-way table; each row is a line."""
    people, tracked, untracked = [], [], []
    for row, values in rows.items():
        referred, found = int(values["people"]), int(values["tracked"])
        people.append(cells.count(f"{prefix}:{row}:people", referred))
        tracked.append(cells.count(f"{prefix}:{row}:tracked", found))
        untracked.append(cells.count(f"{prefix}:{row}:untracked", referred - found))
        cells.relate([tracked[-1], untracked[-1]], people[-1])
    return people, tracked, untracked


def _network_cells(cells: Cells, figures: Figures) -> None:
    """People and tracking by network (columns and rows), the untracked by reason, and the headline
    people = tracked + untracked."""
    people, tracked, untracked = _two_way(cells, "network", figures.by_network)
    _headline(cells, "people", people, figures.people)
    _headline(cells, "tracked", tracked, figures.tracked)
    reasons = [cells.count(f"reason:{reason}", n) for reason, n in figures.untracked_reasons.items()]
    _headline(cells, "untracked", reasons, figures.untracked)
    if untracked:
        cells.total("network untracked", untracked)
    cells.relate(["tracked", "untracked"], "people")


def _age_cells(cells: Cells, figures: Figures) -> None:
    """The people with an age recorded, and those without, make up the people."""
    known = cells.count("age known", int(figures.age.get("known") or 0))
    unknown = cells.count("age unknown", int(figures.age.get("unknown") or 0))
    cells.relate([known, unknown], "people")


def _outcome_cells(cells: Cells, figures: Figures) -> None:
    """Outcomes within each group (in receipt of care before, or not); the groups and the people whose
    follow-up is incomplete make up the tracked."""
    for kind, n in figures.outcomes.items():
        cells.count(f"outcome:{kind}", n)
    before = [f"outcome:{kind}" for kind in IN_RECEIPT_BEFORE if kind in figures.outcomes]
    not_before = [f"outcome:{kind}" for kind in NOT_IN_RECEIPT_BEFORE if kind in figures.outcomes]
    _headline(cells, "in receipt before", before, figures.in_receipt_before)
    _headline(cells, "not in receipt before", not_before, figures.not_in_receipt_before)
    cells.count("follow-up incomplete", figures.follow_up_incomplete)
    cells.relate(["in receipt before", "not in receipt before", "follow-up incomplete"], "tracked")


def _month_cells(cells: Cells, figures: Figures) -> None:
    """Referrals by month, and people and tracking by month of index referral (a two-way table)."""
    referrals = [cells.count(f"month:{month}:referrals", v["referrals"]) for month, v in figures.by_month.items()]
    _headline(cells, "referrals", referrals, figures.referrals)
    people, tracked, untracked = _two_way(cells, "month", figures.by_month)
    for name, column in (("people", people), ("tracked", tracked), ("untracked", untracked)):
        if column:
            cells.total(f"month {name}", column)


def _row_cells(cells: Cells, figures: Figures) -> None:
    """Each extract's row ledger, and the rows set aside by reason (both extracts together)."""
    for source, ledger in figures.rows.items():
        parts = [cells.count(f"rows:{source}:{part}", getattr(ledger, part)) for part in LEDGER_PARTS]
        cells.total(f"rows:{source}:read", parts)
    reasons = [cells.count(f"quarantined:{reason}", n) for reason, n in figures.quarantined.items()]
    cells.total("quarantined", reasons)
    cells.relate([f"rows:{source}:quarantined" for source in figures.rows], "quarantined")


def _other_cells(cells: Cells, figures: Figures) -> None:
    """Counts published on their own: data-quality warnings and one-off services."""
    for key, n in figures.warnings.items():
        if key != PEOPLE_WITHOUT_AGE:
            cells.count(f"warning:{key}", n)
    cells.count("one-off services", int(figures.one_off.get("services", 0)))


# The controlled Figures --------------------------------------------------------------------------------


def _controlled(figures: Figures, cells: Cells, rules: Rules) -> Figures:
    shown = cells.shown
    people, tracked = shown("people"), shown("tracked")
    costs_hidden = "tracked" in cells.hidden or "follow-up incomplete" in cells.hidden
    return dataclasses.replace(
        figures,
        referrals=shown("referrals"),
        people=people,
        tracked=tracked,
        untracked=shown("untracked"),
        untracked_reasons={reason: shown(f"reason:{reason}") for reason in figures.untracked_reasons},
        tracking_coverage=share(tracked, people),
        follow_up_incomplete=shown("follow-up incomplete"),
        outcomes={kind: shown(f"outcome:{kind}") for kind in figures.outcomes},
        in_receipt_before=shown("in receipt before"),
        not_in_receipt_before=shown("not in receipt before"),
        **_money(figures, costs_hidden),
        one_off=_one_off(figures, cells, costs_hidden),
        age=_age(figures, cells, rules),
        by_network={name: _coverage(cells, f"network:{name}") for name in figures.by_network},
        by_month={month: _month(cells, month) for month in figures.by_month},
        quarantined={reason: shown(f"quarantined:{reason}") for reason in figures.quarantined},
        rows={source: _ledger(cells, source, ledger) for source, ledger in figures.rows.items()},
        warnings=_warnings(figures, cells),
    )


def share(part: int | None, whole: int | None) -> float | None:
    """A proportion of controlled counts: None when either is suppressed or there is nothing to divide by."""
    if part is None or not whole:
        return None
    return part / whole


def _money(figures: Figures, hidden: bool) -> dict[str, float | None]:
    """Rule 4: the cost figures rounded to £1,000 from the exact ones, or all suppressed with their group."""
    money: dict[str, float | None] = {
        name: None if hidden else round_pounds(getattr(figures, name)) for name in COST_FIELDS
    }
    money["staffing_per_year"] = round_pounds(figures.staffing_per_year)
    return money


def _one_off(figures: Figures, cells: Cells, costs_hidden: bool) -> dict[str, float | int | None]:
    services = cells.shown("one-off services")
    hidden = services is None or costs_hidden
    return {"services": services, "cost": None if hidden else round_pounds(figures.one_off.get("cost", 0.0))}


def _age(figures: Figures, cells: Cells, rules: Rules) -> dict[str, float | int | None]:
    """Mean (in whole years), youngest and oldest, suppressed when no more than ``threshold`` people have an
    age; the counts with and without an age controlled as counts."""
    age = figures.age
    hidden = int(age.get("known") or 0) <= rules.threshold or age.get("mean") is None
    return {
        "mean": None if hidden else round_half_up(float(age["mean"])),
        "min": None if hidden else age["min"],
        "max": None if hidden else age["max"],
        "known": cells.shown("age known"),
        "unknown": cells.shown("age unknown"),
    }


def _coverage(cells: Cells, prefix: str) -> dict[str, float | int | None]:
    people, tracked = cells.shown(f"{prefix}:people"), cells.shown(f"{prefix}:tracked")
    return {"people": people, "tracked": tracked, "tracking_coverage": share(tracked, people)}


def _month(cells: Cells, month: str) -> dict[str, float | int | None]:
    return {"referrals": cells.shown(f"month:{month}:referrals"), **_coverage(cells, f"month:{month}")}


def _ledger(cells: Cells, source: str, ledger: RowLedger) -> RowLedger:
    parts = {part: cells.shown(f"rows:{source}:{part}") for part in LEDGER_PARTS}
    return dataclasses.replace(ledger, read=cells.shown(f"rows:{source}:read"), **parts)


def _warnings(figures: Figures, cells: Cells) -> dict[str, int | None]:
    """The data-quality counts; people without an age are the age table's count, controlled once."""
    return {
        key: cells.shown("age unknown" if key == PEOPLE_WITHOUT_AGE else f"warning:{key}") for key in figures.warnings
    }


# Reading controlled figures ------------------------------------------------------------------------------


def outcome_total(figures: Figures) -> int | None:
    """The tracked people with an outcome: the sum of the six outcomes, or, where one is suppressed, the
    sum of the two groups (in receipt of care before, and not), which disclosure control keeps equal to
    it; None when a group is suppressed too."""
    counts = list(figures.outcomes.values())
    if None not in counts:
        return sum(counts)
    if figures.in_receipt_before is None or figures.not_in_receipt_before is None:
        return None
    return figures.in_receipt_before + figures.not_in_receipt_before


def followed_up(figures: Figures) -> int | None:
    """The tracked people whose outcomes and costs are counted: all of them, less any whose follow-up is
    incomplete (SPEC.md definition 5); None when either count is suppressed."""
    if figures.tracked is None or figures.follow_up_incomplete is None:
        return None
    return figures.tracked - figures.follow_up_incomplete
