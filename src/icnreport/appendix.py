"""The committee appendix as the notebook shows it: one period's figures with their sentences, tables and
charts, and the small calls that display each section. The notebook is a page of these calls and prose."""

import base64
import html
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from icnreport import appendix_tables as t
from icnreport.charts import Chart, all_charts
from icnreport.figures import Figures, figures_for
from icnreport.formatting import money, money_k, month_label, round_half_up
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
class Appendix:
    """Everything the appendix shows for one period."""

    params: Params
    period: Period
    figures: Figures
    narrative: Narrative
    tables: dict[str, t.Table]
    charts: dict[str, Chart]


def load_appendix(params_file: str | Path, period: str, figures_json: str | Path | None = None) -> Appendix:
    """The appendix for a period: figures from the runner's figures.json if given, else from the extracts."""
    params = load_params(params_file)
    month = parse_period(period)
    if figures_json:
        figures = Figures.from_json(Path(figures_json).read_text(encoding="utf-8"))
    else:
        figures = figures_for(params, month)
    return build_appendix(params, month, figures)


def build_appendix(params: Params, period: Period, figures: Figures) -> Appendix:
    """Sentences, tables and charts for the figures."""
    return Appendix(
        params,
        period,
        figures,
        sentences(figures),
        appendix_tables(params, figures),
        {chart.name: chart for chart in all_charts(figures)},
    )


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
    if params.report.compare_with_cs18067:
        from icnreport.cs18067 import comparison_table

        tables.append(
            t.Table("cs18067", "CS18067 as published, beside the reproduced figures", comparison_table(figures))
        )
    return {table.name: table for table in tables}


def table_html(table: t.Table) -> str:
    """A table as accessible HTML: a caption, header cells, numbers written the committee's way."""
    shown = table.frame.copy()
    for column, kind in table.formats.items():
        if column in shown:
            shown[column] = [BLANK_CELL if pd.isna(v) else FORMATTERS[kind](v) for v in shown[column]]
    body = shown.to_html(index=False, border=0, na_rep=BLANK_CELL, classes="data")
    caption = f"<caption>{html.escape(table.caption)}</caption>"
    return body.replace(">", ">" + caption, 1)


def show_sentences(lines: list[str]) -> None:
    """Display sentences as paragraphs."""
    from IPython.display import HTML, display

    display(HTML("".join(f"<p>{html.escape(line)}</p>" for line in lines)))


def show_table(table: t.Table) -> None:
    """Display one table."""
    from IPython.display import HTML, display

    display(HTML(table_html(table)))


def show_chart(chart: Chart, number: int) -> None:
    """Display one chart as a figure: its numbered title as a text caption above the image, which carries the
    alt text; caption and image are one block, so a page never separates them."""
    from IPython.display import HTML, display

    display(HTML(chart_html(chart, number)))


def chart_html(chart: Chart, number: int) -> str:
    """A chart as an HTML figure with a caption and alt text, the image embedded."""
    image = base64.b64encode(chart.png).decode("ascii")
    return (
        f'<figure class="chart"><figcaption>Figure {number}: {html.escape(chart.title)}</figcaption>'
        f'<img src="data:image/png;base64,{image}" alt="{html.escape(chart.alt, quote=True)}"></figure>'
    )


def show_heading(text: str) -> None:
    """Display a section heading from code, for a section shown only when the params ask for it."""
    from IPython.display import HTML, display

    display(HTML(f"<h2>{html.escape(text)}</h2>"))


def methodology_sentences(params: Params, figures: Figures) -> list[str]:
    """The method in plain English (SPEC.md definitions), as this period's settings apply it."""
    after = (
        f"the day {figures.follow_up_days} days after the referral; people whose follow-up day had not yet come"
        " are left out of the outcomes and costs"
        if figures.follow_up_days
        else "the last day of the reporting period"
    )
    return [
        f"The report counts referrals received from {_day(params.programme_start)} to {_day(figures.period_end)}."
        " A person referred more than once is counted once, at their first referral in that time.",
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
    ]


def _day(day) -> str:
    from icnreport.formatting import long_date

    return long_date(day)
