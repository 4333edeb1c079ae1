"""A small chart builder: column charts (grouped or stacked), horizontal bar
charts and line charts, returned as geometry that templates/reporting/
_chart.html draws as SVG. No JavaScript, no style attributes (the CSP blocks
them): only SVG presentation attributes, so charts also print.

Horizontal positions are percentages of the chart's width and vertical ones
are pixels of a fixed height, so a chart stretches to any width while its text
keeps a readable size, from a phone to a printed page. All numbers are turned
into strings here, so a locale with a decimal comma cannot break the SVG."""

import math
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

INK = "#1b1f23"
MUTED = "#4a5560"
GRID = "#c9d1d3"
# Okabe–Ito colours, told apart with the common kinds of colour blindness.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#6b6b6b", "#F0E442"]

FONT_SIZE = 12
TOP = 16  # room for the top gridline's label
AXIS_ROOM = 34  # two lines of x-axis labels under a column or line chart
MAX_X_LABELS = 12
# Labels beyond this many are "minor": app.css hides them on a phone.
MAX_X_LABELS_ON_A_PHONE = 6
# A bar chart's row label is wrapped at this many characters, about what
# fits across a 320 px phone at FONT_SIZE, one line every LABEL_LINE_HEIGHT px.
LABEL_LINE_CHARS = 42
LABEL_LINE_HEIGHT = 15


@dataclass
class Series:
    label: str
    values: Sequence[float | None]  # None: hidden, drawn as nothing
    fill: str = ""


@dataclass
class Shape:
    """A rect (bar) or a circle (point); x and width in %, y and height in px."""

    x: str
    y: str
    width: str = ""
    height: str = ""
    fill: str = INK
    title: str = ""


@dataclass
class Segment:
    x1: str
    y1: str
    x2: str
    y2: str
    stroke: str = GRID
    width: str = "1"


@dataclass
class Label:
    x: str
    y: str
    text: str
    anchor: str = "middle"
    fill: str = INK
    size: str = str(FONT_SIZE)
    halo: bool = False  # a white outline, so the text stays readable over bars
    minor: bool = False  # hidden on narrow screens, where labels would collide


@dataclass
class Chart:
    title: str
    description: str  # the aria-label: what the chart shows, in one sentence
    height: int
    bars: list[Shape] = field(default_factory=list)
    points: list[Shape] = field(default_factory=list)
    lines: list[Segment] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    legend: list[Series] = field(default_factory=list)
    empty: bool = False
    empty_text: str = ""  # why there is nothing to draw, when it is not "no data"


def pct(value: float) -> str:
    return f"{value:.3f}%"


def px(value: float) -> str:
    return f"{value:.1f}"


def compact_number(value: float) -> str:
    """12 → "12", 2.5 → "2.5", 12500 → "12.5k": short enough for an axis."""
    if abs(value) >= 1000:
        return f"{value / 1000:.1f}".rstrip("0").rstrip(".") + "k"
    return f"{value:.1f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def nice_ticks(maximum: float, count: int = 4, whole: bool = True) -> list[float]:
    """Round gridline values from 0 to at least `maximum`, about `count` steps."""
    if maximum <= 0:
        return [0, 1]
    raw = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if whole:
        step = max(1, math.ceil(step))
    steps = math.ceil(maximum / step - 1e-9)
    return [round(i * step, 6) for i in range(steps + 1)]


def _with_colours(series: Sequence[Series]) -> list[Series]:
    return [Series(s.label, s.values, s.fill or PALETTE[i % len(PALETTE)]) for i, s in enumerate(series)]


def _value_axis(chart: Chart, ticks: list[float], base: float, plot_height: float, fmt) -> None:
    """Gridlines across the whole width, each labelled at its left end."""
    for tick in ticks:
        y = base - plot_height * tick / ticks[-1]
        chart.lines.append(Segment("0%", px(y), "100%", px(y), stroke=GRID if tick else MUTED))
        chart.labels.append(Label("0%", px(y - 3), fmt(tick), anchor="start", fill=MUTED, size="11", halo=True))


def _category_axis(chart: Chart, categories: Sequence[str], base: float, years: Sequence[str] = ()) -> None:
    """Labels under each slot: every n-th only when there are too many, and
    fewer still on a phone (the others are "minor"). `years` (one per
    category) is a second line, under the first label shown on a phone and
    wherever the year changes between those."""
    step = math.ceil(len(categories) / MAX_X_LABELS)
    phone_step = max(step, math.ceil(len(categories) / MAX_X_LABELS_ON_A_PHONE))
    slot = 100 / max(len(categories), 1)
    last_year = None
    for index, text in enumerate(categories):
        if index % step:
            continue
        x, minor = pct(slot * (index + 0.5)), bool(index % phone_step)
        chart.labels.append(Label(x, px(base + 15), text, size="11", minor=minor))
        year = years[index] if index < len(years) else None
        if year and year != last_year and not minor:
            chart.labels.append(Label(x, px(base + 29), year, fill=MUTED, size="11"))
            last_year = year


def column_chart(
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[Series],
    stacked: bool = False,
    years: Sequence[str] = (),
    fmt: Callable[[float], str] = compact_number,
    height: int = 220,
) -> Chart:
    """Vertical bars, one slot per category (a month, a band), with the
    series side by side (grouped) or on top of each other (stacked)."""
    series = _with_colours(series)
    chart = Chart(title, description, height, legend=series if len(series) > 1 else [])
    values = [[v or 0 for v in s.values] for s in series]
    if stacked:
        tallest = max((sum(column) for column in zip(*values, strict=True)), default=0)
    else:
        tallest = max((v for row in values for v in row), default=0)
    chart.empty = tallest == 0
    base = height - AXIS_ROOM
    plot_height = base - TOP
    ticks = nice_ticks(tallest)
    slot = 100 / max(len(categories), 1)
    bar_room = slot * 0.72
    for index, category in enumerate(categories):
        left = slot * index + (slot - bar_room) / 2
        stack = 0.0
        for number, s in enumerate(series):
            value = s.values[index]
            if not value:
                continue
            bar_height = plot_height * value / ticks[-1]
            if stacked:
                y, x, width = base - plot_height * (stack + value) / ticks[-1], left, bar_room
                stack += value
            else:
                width = bar_room / len(series)
                y, x = base - bar_height, left + width * number
            title = f"{category}: {s.label} {fmt(value)}" if len(series) > 1 else f"{category}: {fmt(value)}"
            chart.bars.append(Shape(pct(x), px(y), pct(width), px(bar_height), s.fill, title))
    _value_axis(chart, ticks, base, plot_height, fmt)
    _category_axis(chart, categories, base, years)
    return chart


@dataclass
class Row:
    """One row of a horizontal bar chart: a label over one bar per series."""

    label: str
    values: Sequence[float | None]
    texts: Sequence[str] = ()  # what to print after each bar; defaults to the value
    maximum: float | None = None  # this row's full scale, when rows differ (1–5 and 0–10)
    fills: Sequence[str] = ()  # a colour per bar, instead of the series colours


def bar_chart(
    title: str,
    description: str,
    rows: Sequence[Row],
    series: Sequence[str] = ("",),
    maximum: float | None = None,
    fmt: Callable[[float], str] = compact_number,
    hidden_text: str = "hidden",
    colours: Sequence[str] = (),
) -> Chart:
    """Horizontal bars: a row per category, its label above its bars, the
    value printed after each bar. Long labels fit a phone this way."""
    fills = list(colours) or [""] * len(series)
    legend = _with_colours([Series(label, [], fill) for label, fill in zip(series, fills, strict=True)])
    bar_height = 16 if len(series) == 1 else 12
    bars_height = len(series) * (bar_height + 3) + 8
    # A long label (a whole question) takes several lines: SVG text does not wrap.
    label_lines = [textwrap.wrap(row.label, LABEL_LINE_CHARS) or [""] for row in rows]
    heights = [18 + (len(lines) - 1) * LABEL_LINE_HEIGHT + bars_height for lines in label_lines]
    chart = Chart(title, description, sum(heights) + 4)
    chart.legend = legend if len(series) > 1 else []
    everything = [v for row in rows for v in row.values if v is not None]
    # Rows whose values are all hidden still show, as the word "hidden".
    chart.empty = not rows or (not any(everything) and len(everything) == sum(len(r.values) for r in rows))
    largest = maximum or max(everything, default=0) or 1
    top = 4
    for row, lines, height in zip(rows, label_lines, heights, strict=True):
        for number, line in enumerate(lines):
            chart.labels.append(Label("0%", px(top + 12 + number * LABEL_LINE_HEIGHT), line, anchor="start"))
        bars_top = top + 18 + (len(lines) - 1) * LABEL_LINE_HEIGHT
        top += height
        scale = row.maximum or largest
        for number, value in enumerate(row.values):
            y = bars_top + number * (bar_height + 3)
            text_y = px(y + bar_height - 3)
            if value is None:
                text = f"{series[number]}: {hidden_text}" if len(series) > 1 else hidden_text
                chart.labels.append(Label("0%", text_y, text, anchor="start", fill=MUTED, size="11"))
                continue
            width = 78 * value / scale
            fill = row.fills[number] if row.fills else legend[number].fill
            name = f"{series[number]}: " if len(series) > 1 else ""
            text = row.texts[number] if row.texts else fmt(value)
            if width > 0:
                chart.bars.append(Shape("0%", px(y), pct(width), px(bar_height), fill, f"{row.label}: {name}{text}"))
            chart.labels.append(Label(pct(width + 1), text_y, text, anchor="start", size="11"))
    return chart


def line_chart(
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[Series],
    low: float,
    high: float,
    years: Sequence[str] = (),
    fmt: Callable[[float], str] = compact_number,
    height: int = 220,
    hidden_text: str = "hidden",
) -> Chart:
    """Points joined by lines on a fixed scale (a 0–10 score); a hidden value
    leaves a gap. Each point is labelled with its value."""
    series = _with_colours(series)
    chart = Chart(title, description, height, legend=series if len(series) > 1 else [])
    chart.empty = not any(v is not None for s in series for v in s.values)
    if chart.empty and categories:
        chart.empty_text = hidden_text
    base = height - AXIS_ROOM
    plot_height = base - TOP - 12  # room for the label over the highest point
    ticks = [low + (high - low) * i / 5 for i in range(6)]
    slot = 100 / max(len(categories), 1)

    def y_of(value: float) -> float:
        return base - plot_height * (value - low) / (high - low)

    for tick in ticks:
        y = y_of(tick)
        chart.lines.append(Segment("0%", px(y), "100%", px(y), stroke=GRID if tick != low else MUTED))
        chart.labels.append(Label("0%", px(y - 3), fmt(tick), anchor="start", fill=MUTED, size="11", halo=True))
    for s in series:
        previous = None
        for index, value in enumerate(s.values):
            if value is None:
                previous = None
                continue
            x, y = slot * (index + 0.5), y_of(value)
            if previous:
                chart.lines.append(Segment(pct(previous[0]), px(previous[1]), pct(x), px(y), stroke=s.fill, width="3"))
            chart.points.append(Shape(pct(x), px(y), fill=s.fill, title=f"{categories[index]}: {fmt(value)}"))
            chart.labels.append(Label(pct(x), px(y - 9), fmt(value), size="11", halo=True))
            previous = (x, y)
    _category_axis(chart, categories, base, years)
    return chart
