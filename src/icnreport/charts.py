"""The three charts of the committee appendix (CS18067 section 4): tracking coverage by month, what happened
to tracked people's care packages, and the weekly cost to adult social care before and after. Each chart
is a view of one period's Figures: a title that states the finding, alt text for a screen-reader user, the
numbers drawn as a table for the workbook, and the PNG.

Drawn with matplotlib's object API (``matplotlib.figure.Figure`` on an Agg canvas, never pyplot), so no
global figure state is kept and no GUI backend is loaded. Style follows the Government Analysis Function
guidance on charts: its categorical palette, direct labels instead of legends, no top or right spines.

After disclosure control a count or cost may be suppressed (None in the Figures): its cell in the chart's
table is "[c]", its bar is left undrawn and labelled [c], and the alt text names what is not shown.
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
from icnreport.disclosure import followed_up, outcome_total
from icnreport.figures import Figures
from icnreport.formatting import SUPPRESSED, and_list, count_or_c, money, month_label, percent

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
    who, whole = _tracked_people(figures), outcome_total(figures)
    title = _outcomes_title(data, who, whole)
    alt = _outcomes_alt(figures, data, who, whole)
    return _chart("outcomes", title, alt, data, _draw_outcomes(data, title, whole))


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
    people = [_cell(figures.by_month[month]["people"]) for month in months]
    tracked = [_cell(figures.by_month[month]["tracked"]) for month in months]
    frame = pd.DataFrame(
        {
            MONTH: [_short_month(month) for month in months],
            PEOPLE: people,
            TRACKED: tracked,
            COVERAGE: [_proportion(t, p) for t, p in zip(tracked, people, strict=True)],
        },
        index=pd.Index(months, name="month", dtype=object),
    )
    return _typed(frame, {PEOPLE: "int64", TRACKED: "int64", COVERAGE: "float64"})


def _outcomes_data(figures: Figures) -> pd.DataFrame:
    """One row per outcome; share is a proportion (0 to 1) of the tracked people with an outcome."""
    counts = [_cell(figures.outcomes.get(outcome, 0)) for outcome in OUTCOME_LABELS]
    whole = outcome_total(figures)
    frame = pd.DataFrame(
        {
            OUTCOME: list(OUTCOME_LABELS.values()),
            TRACKED_PEOPLE: counts,
            SHARE: [_proportion(n, _cell(whole)) for n in counts],
        },
        index=pd.Index(list(OUTCOME_LABELS), name="outcome"),
    )
    return _typed(frame, {TRACKED_PEOPLE: "int64", SHARE: "float64"})


def _costs_data(figures: Figures) -> pd.DataFrame:
    """Two rows, before and after; none when no tracked person has been followed up."""
    if followed_up(figures) == 0:
        return pd.DataFrame({DAY: pd.Series(dtype=object), WEEKLY_COST: pd.Series(dtype="float64")})
    costs = [figures.weekly_cost_before, figures.weekly_cost_after]
    frame = pd.DataFrame(
        {
            DAY: ["Day before referral", _after_label(figures)],
            WEEKLY_COST: [SUPPRESSED if cost is None else float(cost) for cost in costs],
        },
        index=pd.Index(["before", "after"], name="when"),
    )
    return _typed(frame, {WEEKLY_COST: "float64"})


def _cell(value: int | float | None) -> int | float | str:
    """A chart table's cell: the figure, or "[c]" where disclosure control suppressed it."""
    return SUPPRESSED if value is None else value


def _proportion(part: int | str, whole: int | str) -> float | str | None:
    """part / whole as a cell: "[c]" when either is suppressed, blank (None) with nothing to divide by."""
    if _suppressed(part) or _suppressed(whole):
        return SUPPRESSED
    return part / whole if whole else None


def _typed(frame: pd.DataFrame, types: dict[str, str]) -> pd.DataFrame:
    """Numeric columns typed as numbers, except those holding a suppressed "[c]"."""
    return frame.astype({column: kind for column, kind in types.items() if not frame[column].map(_suppressed).any()})


def _suppressed(value: object) -> bool:
    return isinstance(value, str) and value == SUPPRESSED


def _number(value: object) -> float:
    """A cell as a bar's length: 0 for a suppressed or blank cell, which draws no bar."""
    return 0.0 if _suppressed(value) or pd.isna(value) else float(value)


def _with_people(data: pd.DataFrame) -> pd.DataFrame:
    """The months in which someone had their index referral (a suppressed count is someone)."""
    return data[data[PEOPLE].map(lambda people: _suppressed(people) or people > 0)]


def _known_coverage(data: pd.DataFrame) -> pd.DataFrame:
    """The months whose coverage is shown: someone referred, and neither count suppressed."""
    return data[data[COVERAGE].map(lambda share: not _suppressed(share) and not pd.isna(share))]


# Titles: the finding, always true for the data -----------------------------------------------------------


def _coverage_title(data: pd.DataFrame) -> str:
    """First month against last, among months with coverage shown; "rose"/"fell" only when the percentages
    differ."""
    known = _known_coverage(data)
    if known.empty and not _with_people(data).empty:
        return "Tracking coverage by month is not shown, to protect confidentiality"
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


def _outcomes_title(data: pd.DataFrame, who: str, whole: int | None) -> str:
    """The largest outcome and its share: "Most ..." only when it is more than half. With outcomes
    suppressed, the largest shown is named only when it is larger than all the suppressed ones together."""
    if whole == 0:
        return f"There are no {who} to show care outcomes for"
    shown = data[TRACKED_PEOPLE][~data[TRACKED_PEOPLE].map(_suppressed)].astype(int)
    largest = int(shown.max()) if not shown.empty else 0
    if whole is None or largest <= whole - int(shown.sum()):
        return f"What happened to the care packages of {who} (some outcomes not shown, to protect confidentiality)"
    leaders = [OUTCOME_WORDS[outcome] for outcome in shown.index[shown == largest]]
    share = f"{largest:,} of {whole:,}"
    if len(leaders) > 1:
        return f"The largest groups of {who}, {share} ({_percent(largest, whole)}) each, had {_or_list(leaders)}"
    if 2 * largest > whole:
        return f"Most {who} ({share}) had {leaders[0]}"
    return f"The largest group of {who}, {share} ({_percent(largest, whole)}), had {leaders[0]}"


def _costs_title(figures: Figures, data: pd.DataFrame) -> str:
    if data.empty:
        return f"There are no {_tracked_people(figures)} to show a weekly cost for"
    if figures.weekly_cost_before is None or figures.weekly_cost_after is None:
        return "Weekly cost to adult social care is not shown, to protect confidentiality"
    before, after = money(figures.weekly_cost_before), money(figures.weekly_cost_after)
    if before == after:
        return f"Weekly cost to adult social care did not change: {before} before and after referral"
    verb = "rose" if figures.weekly_cost_after > figures.weekly_cost_before else "fell"
    return f"Weekly cost to adult social care {verb} from {before} to {after}"


# Alt text: what the chart shows, with the key numbers ----------------------------------------------------


def _coverage_alt(figures: Figures, data: pd.DataFrame) -> str:
    months = _with_people(data)
    if months.empty:
        return "No chart: no people were referred in the period, so there is no tracking coverage to show."
    first, last = months[MONTH].iloc[0], months[MONTH].iloc[-1]
    span = first if len(months) == 1 else f"{first} to {last}"
    sentences = [
        "Bar chart of tracking coverage (the share of people referred who were found in adult social care "
        f"records) by month of index referral, {span}.",
        *_coverage_figures(_known_coverage(data)),
    ]
    hidden = list(months[MONTH][months[COVERAGE].map(_suppressed)])
    if hidden:
        sentences.append(f"Coverage is not shown ({SUPPRESSED}) for {and_list(hidden)}, to protect confidentiality.")
    overall = f"{count_or_c(figures.tracked)} of {count_or_c(figures.people)} people were tracked"
    if figures.tracked is not None and figures.people is not None:
        overall += f" ({_percent(figures.tracked, figures.people)})"
    sentences.append(f"Over the whole period {overall}.")
    return " ".join(sentences)


def _coverage_figures(known: pd.DataFrame) -> list[str]:
    """The first and last months' coverage, and the highest and lowest where they are neither."""
    if known.empty:
        return []
    first, last = known.iloc[0], known.iloc[-1]
    shares = known[TRACKED].astype(float) / known[PEOPLE].astype(float)
    sentences = [f"{_month_share(first)}." if len(known) == 1 else f"{_month_share(first)}; {_month_share(last)}."]
    ends = {known.index[0], known.index[-1]}
    extremes = [(word, known.loc[month]) for word, month in (("Highest", shares.idxmax()), ("Lowest", shares.idxmin()))]
    sentences += [f"{word} {_month_share(row)}." for word, row in extremes if row.name not in ends]
    return sentences


def _month_share(row: pd.Series) -> str:
    """ "Oct 2016 35% (14 of 40)"."""
    return f"{row[MONTH]} {_share(row)} ({row[TRACKED]:,} of {row[PEOPLE]:,})"


def _outcomes_alt(figures: Figures, data: pd.DataFrame, who: str, whole: int | None) -> str:
    if whole == 0:
        return f"No chart: there are no {who} to show care outcomes for."
    parts = [
        f"{label.lower()} {_count_and_share(n, whole)}"
        for label, n in zip(data[OUTCOME], data[TRACKED_PEOPLE], strict=True)
    ]
    text = (
        f"Horizontal bar chart of the {count_or_c(whole)} {who} by what happened to their care package between "
        f"the day before referral and {_after_day(figures)}: {and_list(parts)}."
    )
    hidden = [label.lower() for label in data[OUTCOME][data[TRACKED_PEOPLE].map(_suppressed)]]
    if hidden:
        verb = "is" if len(hidden) == 1 else "are"
        text += f" {and_list(hidden).capitalize()} {verb} not shown ({SUPPRESSED}), to protect confidentiality."
    return text


def _count_and_share(n: int | str, whole: int | None) -> str:
    """A bar's label: "170 (53%)", "170" when the whole is suppressed, or "[c]"."""
    if _suppressed(n):
        return SUPPRESSED
    return f"{int(n):,}" if whole is None else f"{int(n):,} ({_percent(n, whole)})"


def _costs_alt(figures: Figures, data: pd.DataFrame) -> str:
    if data.empty:
        return f"No chart: there are no {_tracked_people(figures)} to show a weekly cost for."
    before, after = figures.weekly_cost_before, figures.weekly_cost_after
    whom = f"the {count_or_c(followed_up(figures))} {_tracked_people(figures)}"
    if before is None or after is None:
        return (
            f"Bar chart of the weekly cost to adult social care of {whom}: the costs on the day before referral "
            f"and {_after_words(figures)} are not shown ({SUPPRESSED}), to protect confidentiality."
        )
    if money(before) == money(after):
        change = "no change"
    else:
        change = f"{'a rise' if after > before else 'a fall'} of {money(abs(after - before))} a week"
    return (
        f"Bar chart of the weekly cost to adult social care of {whom}: {money(before)} on the day before "
        f"referral and {money(after)} {_after_words(figures)}, {change}."
    )


# Drawing -------------------------------------------------------------------------------------------------


def _draw_coverage(data: pd.DataFrame, title: str) -> Figure:
    """Bars of coverage per month, each labelled with its percentage."""
    with _style():
        figure, axes = _figure(title)
        if _with_people(data).empty:
            return _nothing_to_show(figure, axes)
        positions = range(len(data))
        bars = axes.bar(positions, [_number(share) * 100 for share in data[COVERAGE]], width=0.7, color=PALETTE[0])
        if len(data) <= MONTHS_LABELLED:
            labels = [_coverage_label(row) for _, row in data.iterrows()]
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


def _draw_outcomes(data: pd.DataFrame, title: str, whole: int | None = None) -> Figure:
    """Horizontal bars, one per outcome, top to bottom in SPEC.md's order, labelled with count and share of
    ``whole`` (by default the sum of the bars); a suppressed outcome has no bar and the label [c]."""
    with _style():
        figure, axes = _figure(title)
        counts = [_number(n) for n in data[TRACKED_PEOPLE]]
        if whole is None and not data[TRACKED_PEOPLE].map(_suppressed).any():
            whole = int(sum(counts))
        if whole == 0:
            return _nothing_to_show(figure, axes)
        bars = axes.barh(range(len(data)), counts, height=0.65, color=PALETTE[0])
        labels = [_count_and_share(n, whole) for n in data[TRACKED_PEOPLE]]
        axes.bar_label(bars, labels=labels, padding=3, color=AXIS_GREY)
        axes.set_yticks(range(len(data)), list(data[OUTCOME]))
        axes.invert_yaxis()
        axes.set_xlim(0, max(max(counts), 1) * 1.22)
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
        costs = [_number(cost) for cost in data[WEEKLY_COST]]
        labels = [SUPPRESSED if _suppressed(cost) else money(cost) for cost in data[WEEKLY_COST]]
        bars = axes.bar(range(len(data)), costs, width=0.55, color=list(PALETTE[: len(data)]))
        axes.bar_label(bars, labels=labels, padding=2, color=AXIS_GREY)
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


#: zlib level for the PNGs: 1 writes them several times faster than the default 6, a little larger.
PNG_COMPRESSION = 1


def _png(figure: Figure) -> bytes:
    """The figure as an opaque RGB PNG: no alpha channel for the PDF to carry as a soft mask, no software or
    date stamp (the same figures give the same bytes), and fast compression."""
    from PIL import Image

    with _style():
        figure.canvas.draw()
        width, height = figure.canvas.get_width_height()
        image = Image.frombuffer("RGBA", (width, height), figure.canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buffer = BytesIO()
    image.convert("RGB").save(buffer, format="PNG", compress_level=PNG_COMPRESSION, dpi=(DPI, DPI))
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


def _coverage_label(row: pd.Series) -> str:
    """A month's bar label: its coverage, "[c]" when suppressed, nothing when no one was referred."""
    if _suppressed(row[COVERAGE]):
        return SUPPRESSED
    return "" if pd.isna(row[COVERAGE]) else _share(row)


def _two_line(short: str) -> str:
    """ "Oct 2016" -> "Oct\\n2016", so month ticks never overlap."""
    return short.replace(" ", "\n")


def _or_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


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
