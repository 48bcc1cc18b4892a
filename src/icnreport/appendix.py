"""The committee appendix as the notebook shows it: one period's figures with their sentences, tables and
charts, for each audience, and the small calls that display each section. The notebook is a page of these
calls and prose.

Two audiences read the appendix: `restricted` (exact figures, for Part Two and analysts) and `public` (the
figures after disclosure control, safe to publish). One notebook run shows both, each output marked with its
audience; the renderer keeps one audience's outputs per document."""

import base64
import html
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from icnreport import appendix_tables as t
from icnreport import cs18067
from icnreport.audiences import AUDIENCE_KEY, AUDIENCES, PUBLIC, RESTRICTED
from icnreport.charts import Chart, all_charts
from icnreport.disclosure import control_figures, rules_for, suppression_note
from icnreport.figures import Figures, figures_for
from icnreport.formatting import SUPPRESSED, long_date, money, money_k, month_label, round_half_up
from icnreport.narrative import Narrative, sentences
from icnreport.params import Params, load_params
from icnreport.period import Period, parse_period

BLANK_CELL = "–"
FORMATTERS = {
    t.COUNT: lambda value: f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}",
    t.SHARE: lambda value: f"{round_half_up(value * 100)}%",
    t.MONEY: money,
    t.MONEY_K: money_k,
    t.MONTH: month_label,
}


@dataclass(frozen=True)
class View:
    """What one audience sees: the figures, their sentences, tables and charts."""

    figures: Figures
    narrative: Narrative
    tables: dict[str, t.Table]
    charts: dict[str, Chart]


@dataclass(frozen=True)
class Appendix:
    """The appendix of one period for the audiences shown; each display call shows every audience's version."""

    params: Params
    period: Period
    views: dict[str, View]

    def sentences(self, section: str) -> None:
        """Display a section's sentences (a Narrative attribute, e.g. "coverage") as paragraphs."""
        self._display(lambda view: _paragraphs(getattr(view.narrative, section)))

    def table(self, name: str) -> None:
        """Display one table, if this period has it (the drawdown and CS18067 tables are optional)."""
        self._display(lambda view: table_html(view.tables[name]) if name in view.tables else "")

    def chart(self, name: str, number: int) -> None:
        """Display one chart as a numbered figure with its alt text."""
        self._display(lambda view: chart_html(view.charts[name], number))

    def heading(self, text: str) -> None:
        """Display a section heading from code, for a section shown only when the params ask for it."""
        self._display(lambda view: f"<h2>{html.escape(text)}</h2>")

    def paragraphs(self, lines: list[str]) -> None:
        """Display fixed sentences, the same for every audience."""
        self._display(lambda view: _paragraphs(lines))

    def methodology(self) -> None:
        """Display the method in plain English, as this period's settings apply it."""
        self._display(lambda view: _paragraphs(methodology_sentences(self.params, view.figures)))

    def has(self, name: str) -> bool:
        """Whether this period's appendix has the named table."""
        return any(name in view.tables for view in self.views.values())

    def _display(self, render) -> None:
        from IPython.display import HTML, display

        for audience, view in self.views.items():
            markup = render(view)
            if markup:
                metadata = {AUDIENCE_KEY: audience} if len(self.views) > 1 else {}
                display(HTML(markup), metadata=metadata)


def load_appendix(
    params_file: str | Path, period: str, figures_json: str | Path | None = None, audiences: str = RESTRICTED
) -> Appendix:
    """The appendix for a period: figures from the runner's figures.json if given, else from the extracts.
    `audiences` is "restricted", "public" or "both" (what the scheduled run asks for)."""
    params = load_params(params_file)
    month = parse_period(period)
    if figures_json:
        figures = Figures.from_json(Path(figures_json).read_text(encoding="utf-8"))
    else:
        figures = figures_for(params, month)
    wanted = AUDIENCES if audiences == "both" else (audiences,)
    unknown = set(wanted) - set(AUDIENCES)
    if unknown:
        raise ValueError(f"audiences must be 'restricted', 'public' or 'both', not {audiences!r}")
    return Appendix(params, month, {audience: build_view(params, figures, audience) for audience in wanted})


def build_view(params: Params, figures: Figures, audience: str) -> View:
    """One audience's view: the public one is made from the figures after disclosure control."""
    shown = public_figures(params, figures) if audience == PUBLIC else figures
    charts = {chart.name: chart for chart in all_charts(shown)}
    note = suppression_note(rules_for(params.disclosure))
    return View(shown, sentences(shown, note), appendix_tables(params, shown), charts)


def public_figures(params: Params, figures: Figures) -> Figures:
    """The figures as they may be published: after disclosure control with the params' thresholds
    (disclosure.py). Every public sentence, table, chart and workbook sheet is made from these."""
    return control_figures(figures, rules_for(params.disclosure))


def appendix_tables(params: Params, figures: Figures) -> dict[str, t.Table]:
    """Every table of the appendix, by name, in the order they appear."""
    tables = [
        t.coverage_table(figures),
        t.coverage_by_month_table(figures),
        t.untracked_table(figures),
        t.outcomes_table(figures),
        t.costs_table(figures),
        t.financial_table(figures),
        t.age_table(figures),
        t.reconciliation_table(figures),
        t.quarantine_table(figures),
    ]
    if params.report.funding_years:
        tables.append(t.drawdown_table(figures, params.report.funding_years, params.report.budget))
    if params.report.compare_with_cs18067 and cs18067.reports_on(figures):
        comparison = cs18067.comparison_table(figures)
        tables.append(t.Table("cs18067", "CS18067 as published, beside the reproduced figures", comparison))
    tables = t.noted(tables, suppression_note(rules_for(params.disclosure)))
    return {table.name: table for table in tables}


def table_html(table: t.Table) -> str:
    """A table as accessible HTML: a caption, header cells, numbers written the committee's way."""
    if table.frame.empty:
        return ""
    shown = table.frame.copy()
    for column, kind in table.formats.items():
        if column in shown:
            shown[column] = [_cell_text(value, kind) for value in shown[column]]
    body = shown.to_html(index=False, border=0, na_rep=BLANK_CELL, classes="data")
    caption = f"<caption>{html.escape(table.caption)}</caption>"
    notes = "".join(f'<p class="table-note">Note: {html.escape(note)}</p>' for note in table.notes)
    return body.replace(">", ">" + caption, 1) + notes


def _cell_text(value: object, kind: str) -> str:
    """A table cell written the committee's way: "–" where there is no figure, "[c]" where it is suppressed."""
    if isinstance(value, str) and value == SUPPRESSED:
        return SUPPRESSED
    return BLANK_CELL if pd.isna(value) else FORMATTERS[kind](value)


def chart_html(chart: Chart, number: int) -> str:
    """A chart as an HTML figure: its numbered title as a text caption above the image, which carries the alt
    text; caption and image are one block, so a page never separates them."""
    image = base64.b64encode(chart.png).decode("ascii")
    return (
        f'<figure class="chart"><figcaption>Figure {number}: {html.escape(chart.title)}</figcaption>'
        f'<img src="data:image/png;base64,{image}" alt="{html.escape(chart.alt, quote=True)}"></figure>'
    )


def _paragraphs(lines: list[str]) -> str:
    return "".join(f"<p>{html.escape(line)}</p>" for line in lines)


def methodology_sentences(params: Params, figures: Figures) -> list[str]:
    """The method in plain English (SPEC.md definitions), as this period's settings apply it."""
    after = (
        f"the day {figures.follow_up_days} days after the referral; people whose follow-up day had not yet come"
        " are left out of the outcomes and costs"
        if figures.follow_up_days
        else "the last day of the reporting period"
    )
    return [
        f"The report counts referrals received from {long_date(params.programme_start)} to "
        f"{long_date(figures.period_end)}. A person referred more than once is counted once, at their first "
        "referral in that time.",
        "An NHS number is valid when it has 10 digits and passes the NHS Data Dictionary's Modulus 11 check."
        " A person is tracked when their valid NHS number appears anywhere in the council's adult social care"
        " records (Client Level Data).",
        "For each tracked person the care packages active on the day before their referral are compared with"
        f" those active on {after}. A package is any social care service other than a one-off item;"
        " its weekly cost is the unit cost times the units per week.",
        f"Annual costs are weekly costs times {figures.days_per_year:g} / 7. The differential is extrapolated to"
        " the people who could not be tracked in proportion to those who could.",
        "Every row of both extracts is accounted for: used, outside the reporting period, or set aside with a"
        " reason (see Data quality). Full definitions are in the project's methodology notes.",
        disclosure_sentence(params),
    ]


def disclosure_sentence(params: Params) -> str:
    """How the public appendix protects confidentiality (disclosure.py), said the same way to both audiences."""
    rules = rules_for(params.disclosure)
    return (
        f"In the public version of this appendix each count is rounded to the nearest {rules.multiple}, a count"
        f" from 1 to {rules.threshold} is not shown ({SUPPRESSED}), nor is any count from which one could be"
        " worked out, and money is rounded to the nearest £1,000; the restricted version gives exact figures."
    )
