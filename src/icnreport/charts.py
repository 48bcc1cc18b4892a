"""The three charts of the committee appendix (CS18067 section 4): tracking coverage by month, what happened
to tracked people's care packages, and the weekly cost to adult social care before and after. Each chart
is a view of one period's Figures: a title that states the finding, alt text for a screen-reader user, the
numbers drawn as a table for the workbook, and the PNG.

Drawn with matplotlib's object API (``matplotlib.figure.Figure`` on an Agg canvas, never pyplot), so no
global figure state is kept and no GUI backend is loaded. Style follows the Government Analysis Function
guidance on charts: its categorical palette, direct labels instead of legends, no top or right spines.
"""

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from io import BytesIO

import matplotlib
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from icnreport import outcomes
from icnreport.figures import Figures
from icnreport.formatting import money, month_label, percent

#: Government Analysis Function categorical palette, in the order it is to be used
#: (https://analysisfunction.civilservice.gov.uk/policy-store/data-visualisation-colours-in-charts/).
PALETTE = ("#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1")
AXIS_GREY = "#3D3D3D"
GRID_GREY = "#D9D9D9"
#: 16 cm wide on A4 portrait, printed at 100%: 9 pt text reads as 9 pt.
FIGURE_INCHES = (6.3, 3.5)
DPI = 150
FONT_POINTS = 9
TITLE_POINTS = 10.5
#: The most month labels (and bar values) that fit side by side across the chart without touching; with more
#: months, only every second, third, ... month is labelled and the bars' values are left to the table.
MONTHS_LABELLED = 12
#: DejaVu Sans ships with matplotlib, so a chart renders the same on every machine.
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": FONT_POINTS,
    "axes.titlesize": TITLE_POINTS,
    "axes.labelsize": FONT_POINTS,
    "axes.edgecolor": AXIS_GREY,
    "axes.labelcolor": AXIS_GREY,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": AXIS_GREY,
    "ytick.color": AXIS_GREY,
    "xtick.labelsize": FONT_POINTS,
    "ytick.labelsize": FONT_POINTS,
}

#: Bar labels for the outcomes (SPEC.md definition 6), in the order they are drawn, top to bottom.
OUTCOME_LABELS = {
    outcomes.NONE: "No package before or after",
    outcomes.NEW: "New package",
    outcomes.ENDED: "Package ended",
    outcomes.INCREASED: "Package increased",
    outcomes.DECREASED: "Package decreased",
    outcomes.UNCHANGED: "Package unchanged",
}
#: What the people of each outcome had, for the title and the alt text.
OUTCOME_WORDS = {
    outcomes.NONE: "no care package before or after referral",
    outcomes.NEW: "a new care package after referral",
    outcomes.ENDED: "a care package that ended after referral",
    outcomes.INCREASED: "an increased care package",
    outcomes.DECREASED: "a decreased care package",
    outcomes.UNCHANGED: "an unchanged care package",
}

MONTH = "Month of index referral"
PEOPLE = "People referred"
TRACKED = "People tracked"
TRACKED_PEOPLE = "Tracked people"
COVERAGE = "Tracking coverage"
OUTCOME = "Care package"
SHARE = "Share of tracked people"
DAY = "Day"
WEEKLY_COST = "Weekly cost (£)"


@dataclass(frozen=True)
class Chart:
    """One chart of the appendix: its file-safe name, a title stating the finding, alt text, the numbers
    drawn (readable headings, for the tables workbook) and the rendered PNG."""

    name: str
    title: str
    alt: str
    data: pd.DataFrame
    png: bytes


# Charts ------------------------------------------------------------------------------------------------


def coverage_chart(figures: Figures) -> Chart:
    """Tracking coverage (tracked people / people) by month of index referral (SPEC.md definition 4)."""
    data = _coverage_data(figures)
    title = _coverage_title(data)
    return _chart("coverage_by_month", title, _coverage_alt(figures, data), data, _draw_coverage(data, title))


def outcomes_chart(figures: Figures) -> Chart:
    """Tracked people by what happened to their care package (SPEC.md definition 6)."""
    data = _outcomes_data(figures)
    who = _tracked_people(figures)
    title = _outcomes_title(data, who)
    return _chart("outcomes", title, _outcomes_alt(figures, data, who), data, _draw_outcomes(data, title))


def costs_chart(figures: Figures) -> Chart:
    """Weekly cost to adult social care of tracked people, before and after referral (SPEC.md def. 7)."""
    data = _costs_data(figures)
    title = _costs_title(figures, data)
    return _chart("weekly_cost", title, _costs_alt(figures, data), data, _draw_costs(data, title))


def all_charts(figures: Figures) -> list[Chart]:
    """The appendix's charts, in the order it shows them."""
    return [coverage_chart(figures), outcomes_chart(figures), costs_chart(figures)]


def chart_data(figures: Figures) -> dict[str, pd.DataFrame]:
    """The numbers behind each chart, by chart name, without drawing anything (for the tables workbook)."""
    return {
        "coverage_by_month": _coverage_data(figures),
        "outcomes": _outcomes_data(figures),
        "weekly_cost": _costs_data(figures),
    }


def _chart(name: str, title: str, alt: str, data: pd.DataFrame, figure: Figure) -> Chart:
    return Chart(name=name, title=title, alt=alt, data=data, png=_png(figure))


# Data tables -------------------------------------------------------------------------------------------


def _coverage_data(figures: Figures) -> pd.DataFrame:
    """One row per month with referrals, oldest first, indexed by period ("2016-10"); coverage is a
    proportion (0 to 1), blank for a month whose referrals were all of people first referred earlier."""
    months = sorted(figures.by_month)
    people = [int(figures.by_month[month]["people"] or 0) for month in months]
    tracked = [int(figures.by_month[month]["tracked"] or 0) for month in months]
    return pd.DataFrame(
        {
            MONTH: [_short_month(month) for month in months],
            PEOPLE: people,
            TRACKED: tracked,
            COVERAGE: [t / p if p else None for t, p in zip(tracked, people, strict=True)],
        },
        index=pd.Index(months, name="month", dtype=object),
    ).astype({PEOPLE: "int64", TRACKED: "int64", COVERAGE: "float64"})


def _outcomes_data(figures: Figures) -> pd.DataFrame:
    """One row per outcome; share is a proportion (0 to 1) of the tracked people with an outcome."""
    counts = [int(figures.outcomes.get(outcome, 0)) for outcome in OUTCOME_LABELS]
    whole = sum(counts)
    return pd.DataFrame(
        {
            OUTCOME: list(OUTCOME_LABELS.values()),
            TRACKED_PEOPLE: counts,
            SHARE: [n / whole if whole else None for n in counts],
        },
        index=pd.Index(list(OUTCOME_LABELS), name="outcome"),
    ).astype({TRACKED_PEOPLE: "int64", SHARE: "float64"})


def _costs_data(figures: Figures) -> pd.DataFrame:
    """Two rows, before and after; none when no tracked person has been followed up."""
    if _followed_up(figures) == 0:
        return pd.DataFrame({DAY: pd.Series(dtype=object), WEEKLY_COST: pd.Series(dtype="float64")})
    return pd.DataFrame(
        {
            DAY: ["Day before referral", _after_label(figures)],
            WEEKLY_COST: [float(figures.weekly_cost_before), float(figures.weekly_cost_after)],
        },
        index=pd.Index(["before", "after"], name="when"),
    )


# Titles: the finding, always true for the data -----------------------------------------------------------


def _coverage_title(data: pd.DataFrame) -> str:
    """First month against last, among months with people; "rose"/"fell" only when the percentages differ."""
    known = data[data[PEOPLE] > 0]
    if known.empty:
        return "No people were referred, so there is no tracking coverage to show"
    first, last = known.iloc[0], known.iloc[-1]
    first_share, last_share = _share(first), _share(last)
    first_month, last_month = month_label(known.index[0]), month_label(known.index[-1])
    if len(known) == 1:
        return f"Tracking coverage was {first_share} in {first_month}"
    if first_share == last_share:
        return f"Tracking coverage was {first_share} in both {first_month} and {last_month}"
    rose = Fraction(int(last[TRACKED]), int(last[PEOPLE])) > Fraction(int(first[TRACKED]), int(first[PEOPLE]))
    verb = "rose" if rose else "fell"
    return f"Tracking coverage {verb} from {first_share} in {first_month} to {last_share} in {last_month}"


def _outcomes_title(data: pd.DataFrame, who: str) -> str:
    """The largest outcome and its share: "Most ..." only when it is more than half."""
    whole = int(data[TRACKED_PEOPLE].sum())
    if whole == 0:
        return f"There are no {who} to show care outcomes for"
    largest = int(data[TRACKED_PEOPLE].max())
    leaders = [OUTCOME_WORDS[outcome] for outcome in data.index[data[TRACKED_PEOPLE] == largest]]
    share = f"{largest:,} of {whole:,}"
    if len(leaders) > 1:
        return f"The largest groups of {who}, {share} ({_percent(largest, whole)}) each, had {_or_list(leaders)}"
    if 2 * largest > whole:
        return f"Most {who} ({share}) had {leaders[0]}"
    return f"The largest group of {who}, {share} ({_percent(largest, whole)}), had {leaders[0]}"


def _costs_title(figures: Figures, data: pd.DataFrame) -> str:
    if data.empty:
        return f"There are no {_tracked_people(figures)} to show a weekly cost for"
    before, after = money(figures.weekly_cost_before), money(figures.weekly_cost_after)
    if before == after:
        return f"Weekly cost to adult social care did not change: {before} before and after referral"
    verb = "rose" if figures.weekly_cost_after > figures.weekly_cost_before else "fell"
    return f"Weekly cost to adult social care {verb} from {before} to {after}"


# Alt text: what the chart shows, with the key numbers ----------------------------------------------------


def _coverage_alt(figures: Figures, data: pd.DataFrame) -> str:
    known = data[data[PEOPLE] > 0]
    if known.empty:
        return "No chart: no people were referred in the period, so there is no tracking coverage to show."
    first, last = known.iloc[0], known.iloc[-1]
    shares = known[TRACKED] / known[PEOPLE]
    span = first[MONTH] if len(known) == 1 else f"{first[MONTH]} to {last[MONTH]}"
    sentences = [
        "Bar chart of tracking coverage (the share of people referred who were found in adult social care "
        f"records) by month of index referral, {span}.",
        f"{_month_share(first)}." if len(known) == 1 else f"{_month_share(first)}; {_month_share(last)}.",
    ]
    ends = {known.index[0], known.index[-1]}
    extremes = [(word, known.loc[month]) for word, month in (("Highest", shares.idxmax()), ("Lowest", shares.idxmin()))]
    sentences += [f"{word} {_month_share(row)}." for word, row in extremes if row.name not in ends]
    sentences.append(
        f"Over the whole period {figures.tracked:,} of {figures.people:,} people were tracked "
        f"({_percent(figures.tracked, figures.people)})."
    )
    return " ".join(sentences)


def _month_share(row: pd.Series) -> str:
    """ "Oct 2016 35% (14 of 40)"."""
    return f"{row[MONTH]} {_share(row)} ({row[TRACKED]:,} of {row[PEOPLE]:,})"


def _outcomes_alt(figures: Figures, data: pd.DataFrame, who: str) -> str:
    whole = int(data[TRACKED_PEOPLE].sum())
    if whole == 0:
        return f"No chart: there are no {who} to show care outcomes for."
    parts = [
        f"{label.lower()} {n:,} ({_percent(n, whole)})"
        for label, n in zip(data[OUTCOME], data[TRACKED_PEOPLE], strict=True)
    ]
    return (
        f"Horizontal bar chart of the {whole:,} {who} by what happened to their care package between the "
        f"day before referral and {_after_day(figures)}: {_and_list(parts)}."
    )


def _costs_alt(figures: Figures, data: pd.DataFrame) -> str:
    if data.empty:
        return f"No chart: there are no {_tracked_people(figures)} to show a weekly cost for."
    before, after = figures.weekly_cost_before, figures.weekly_cost_after
    if money(before) == money(after):
        change = "no change"
    else:
        change = f"{'a rise' if after > before else 'a fall'} of {money(abs(after - before))} a week"
    return (
        f"Bar chart of the weekly cost to adult social care of the {_followed_up(figures):,} "
        f"{_tracked_people(figures)}: {money(before)} on the day before referral and {money(after)} "
        f"{_after_words(figures)}, {change}."
    )


# Drawing -------------------------------------------------------------------------------------------------


def _draw_coverage(data: pd.DataFrame, title: str) -> Figure:
    """Bars of coverage per month, each labelled with its percentage."""
    with _style():
        figure, axes = _figure(title)
        if not (data[PEOPLE] > 0).any():
            return _nothing_to_show(figure, axes)
        positions = range(len(data))
        bars = axes.bar(positions, data[COVERAGE].fillna(0) * 100, width=0.7, color=PALETTE[0])
        if len(data) <= MONTHS_LABELLED:
            labels = [_share(row) if row[PEOPLE] else "" for _, row in data.iterrows()]
            axes.bar_label(bars, labels=labels, padding=2, color=AXIS_GREY)
        step = math.ceil(len(data) / MONTHS_LABELLED)
        axes.set_xticks(list(positions)[::step], [_two_line(m) for m in data[MONTH]][::step])
        axes.set_ylim(0, 109)
        axes.set_yticks([0, 25, 50, 75, 100])
        axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:.0f}%"))
        axes.set_xlabel(MONTH)
        axes.set_ylabel("People tracked (%)")
        _gridlines(axes, "y")
        return figure


def _draw_outcomes(data: pd.DataFrame, title: str) -> Figure:
    """Horizontal bars, one per outcome, top to bottom in SPEC.md's order, labelled with count and share."""
    with _style():
        figure, axes = _figure(title)
        whole = int(data[TRACKED_PEOPLE].sum())
        if whole == 0:
            return _nothing_to_show(figure, axes)
        bars = axes.barh(range(len(data)), data[TRACKED_PEOPLE], height=0.65, color=PALETTE[0])
        labels = [f"{n:,} ({_percent(n, whole)})" for n in data[TRACKED_PEOPLE]]
        axes.bar_label(bars, labels=labels, padding=3, color=AXIS_GREY)
        axes.set_yticks(range(len(data)), list(data[OUTCOME]))
        axes.invert_yaxis()
        axes.set_xlim(0, max(data[TRACKED_PEOPLE]) * 1.22)
        axes.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
        axes.set_xlabel("Tracked people")
        axes.tick_params(axis="y", length=0)
        _gridlines(axes, "x")
        return figure


def _draw_costs(data: pd.DataFrame, title: str) -> Figure:
    """Two bars, before then after, labelled in pounds."""
    with _style():
        figure, axes = _figure(title)
        if data.empty:
            return _nothing_to_show(figure, axes)
        costs = list(data[WEEKLY_COST])
        bars = axes.bar(range(len(data)), costs, width=0.55, color=list(PALETTE[: len(data)]))
        axes.bar_label(bars, labels=[money(cost) for cost in costs], padding=2, color=AXIS_GREY)
        axes.set_xticks(range(len(data)), list(data[DAY]))
        axes.set_xlim(-0.6, len(data) - 0.4)
        axes.set_ylim(0, max(max(costs), 1) * 1.15)
        axes.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: money(value)))
        axes.set_ylabel("Weekly cost")
        axes.tick_params(axis="x", length=0)
        _gridlines(axes, "y")
        return figure


@contextmanager
def _style() -> Iterator[None]:
    """The appendix style for the figures made inside; matplotlib's own settings are restored after."""
    with matplotlib.rc_context(STYLE):
        yield


def _figure(title: str) -> tuple[Figure, Axes]:
    """A blank chart. The title is not drawn: the appendix prints it as the figure's caption, as text."""
    figure = Figure(figsize=FIGURE_INCHES, dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure, figure.add_subplot()


def _nothing_to_show(figure: Figure, axes: Axes) -> Figure:
    axes.set_axis_off()
    axes.text(0.5, 0.5, "Nothing to show for this period", ha="center", va="center", color=AXIS_GREY)
    return figure


def _gridlines(axes: Axes, which: str) -> None:
    axes.grid(axis=which, color=GRID_GREY, linewidth=0.6)
    axes.set_axisbelow(True)


def _png(figure: Figure) -> bytes:
    """The figure as PNG bytes; no software or date stamp, so the same figures give the same bytes."""
    buffer = BytesIO()
    with _style():
        figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None}, facecolor="white")
    return buffer.getvalue()


# Words and numbers -----------------------------------------------------------------------------------------


def _percent(part: int, whole: int) -> str:
    return percent(int(part), int(whole))


def _short_month(period: str) -> str:
    """ "2016-10" -> "Oct 2016", for axis labels and the table."""
    month, year = month_label(period).split(" ")
    return f"{month[:3]} {year}"


def _share(row: pd.Series) -> str:
    """A month's coverage as written on its bar: "35%"."""
    return _percent(row[TRACKED], row[PEOPLE])


def _two_line(short: str) -> str:
    """ "Oct 2016" -> "Oct\\n2016", so month ticks never overlap."""
    return short.replace(" ", "\n")


def _and_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _or_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


def _followed_up(figures: Figures) -> int:
    """Tracked people whose outcomes and costs are counted (SPEC.md definition 5)."""
    return figures.tracked - figures.follow_up_incomplete


def _tracked_people(figures: Figures) -> str:
    if figures.follow_up_days is None:
        return "tracked people"
    return f"tracked people with a complete {figures.follow_up_days}-day follow-up"


def _after_label(figures: Figures) -> str:
    if figures.follow_up_days is None:
        return f"{_after_day(figures)} (period end)"
    return _after_day(figures)


def _after_day(figures: Figures) -> str:
    """The after day (SPEC.md definition 5): "30 June 2017" or "90 days after referral"."""
    if figures.follow_up_days is None:
        return f"{figures.period_end.day} {month_label(f'{figures.period_end:%Y-%m}')}"
    return f"{figures.follow_up_days} days after referral"


def _after_words(figures: Figures) -> str:
    """ "on 30 June 2017" or "90 days after referral"."""
    return f"on {_after_day(figures)}" if figures.follow_up_days is None else _after_day(figures)
