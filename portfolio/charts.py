"""Charts drawn on the server as SVG: no JavaScript, nothing from elsewhere,
readable on screen, in print and by a screen reader.

A chart is horizontal bars, one group per row (a region, a status...), one bar
per series in the group (approved, transferred, spent...). The geometry is
computed here; `templates/_bar_chart.html` draws it with its title, axis
label, the value written beside each bar (for print) and in each bar's
tooltip (`<title>`, for hovering), and the same figures as a table.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from hashlib import blake2b

from funding.money import format_whole

LABEL_WIDTH = 180  # room for the row labels, left of the bars
VALUE_WIDTH = 110  # room for the value written after the longest bar
PLOT_WIDTH = 270
BAR_HEIGHT = 24
BAR_GAP = 4
GROUP_GAP = 16
AXIS_HEIGHT = 48  # the ticks and the axis label under the bars
LABEL_LINE = 21  # characters of a row label's line (two lines at most; the table writes all)
LABEL_LINE_HEIGHT = 16
TICKS = 4


def _chart_id(title: str, rows) -> str:
    """An id for the chart's elements, the same at each rendering of the same
    chart (a page may show a chart rendered earlier, `core.render_cache`),
    distinct for charts of different titles or figures."""
    text = repr((str(title), [(str(label), list(values)) for label, values in rows]))
    return "chart-" + blake2b(text.encode(), digest_size=6).hexdigest()


def nice_step(largest) -> Decimal:
    """The smallest round step (1, 2, 2.5 or 5 times a power of ten) with
    which TICKS steps reach `largest`. The ticks are labelled in whole
    numbers, so the step is one too: a step of 0.5 or 2.5 would write two
    ticks alike, or a tick's value wrongly (2 projects: 0, 0, 1, 1, 2)."""
    raw = Decimal(largest) / TICKS
    power = Decimal(10) ** max(raw.adjusted(), 0)
    for factor in (1, 2, Decimal("2.5"), 5, 10):
        step = power * factor
        if step >= raw and step == step.to_integral_value():
            return step
    return power * 10


def whole_number(value) -> str:
    """Rounded to the nearest whole number (`number_format` alone would cut the
    decimals off), grouped in the locale's way."""
    return format_whole(value)


@dataclass
class Bar:
    series: str
    css_class: str
    value: Decimal | int
    text: str
    x: int
    y: int
    width: int

    @property
    def text_x(self) -> int:
        """The value is written just after the bar."""
        return self.x + self.width + 6

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT // 2 + 5


@dataclass
class LabelLine:
    text: str
    y: int


@dataclass
class Row:
    label: str
    values: list[str]
    bars: list[Bar]
    label_lines: list[LabelLine]
    url: str = ""

    @property
    def is_label_shortened(self) -> bool:
        return " ".join(line.text for line in self.label_lines) != self.label


def label_lines(label: str, middle: int) -> list[LabelLine]:
    """`label` on one line, or two cut between words around `middle` (the
    second shortened with "…" if it is still too long)."""
    if len(label) <= LABEL_LINE:
        return [LabelLine(label, middle + 5)]
    first, rest = [], label.split()
    while rest and len(" ".join([*first, rest[0]])) <= LABEL_LINE:
        first.append(rest.pop(0))
    if not first:  # one long word
        first, rest = [label[:LABEL_LINE]], [label[LABEL_LINE:]]
    second = " ".join(rest)
    if len(second) > LABEL_LINE:
        second = second[: LABEL_LINE - 1].rstrip() + "…"
    top = middle + 5 - LABEL_LINE_HEIGHT // 2
    return [LabelLine(" ".join(first), top), LabelLine(second, top + LABEL_LINE_HEIGHT)]


@dataclass
class Tick:
    x: int
    text: str


@dataclass
class BarChart:
    title: str
    axis_label: str
    # What the rows are (a mechanism, a status, a region...): the header of
    # the table's first column.
    row_header: str
    series: list[tuple[str, str]]
    rows: list[Row] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    height: int = 0
    width: int = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH
    plot_left: int = LABEL_WIDTH
    plot_right: int = LABEL_WIDTH + PLOT_WIDTH
    plot_bottom: int = 0
    bar_height: int = BAR_HEIGHT
    id: str = ""

    @property
    def axis_label_x(self) -> int:
        return self.plot_left + PLOT_WIDTH // 2

    @property
    def tick_y(self) -> int:
        return self.plot_bottom + 18

    @property
    def is_empty(self) -> bool:
        return not any(bar.value for row in self.rows for bar in row.bars)


def bar_chart(
    title: str,
    rows: Sequence[tuple[str, Sequence]],
    *,
    series: Sequence[tuple[str, str]],
    axis_label: str,
    row_header: str,
    formatter: Callable = whole_number,
    urls: Sequence[str] | None = None,
) -> BarChart:
    """A chart of `rows` ((label, one value per series), ...), values scaled
    to the largest; `series` is ((name, CSS class), ...); `row_header` says
    what the rows are."""
    chart = BarChart(
        title=title,
        axis_label=axis_label,
        row_header=row_header,
        series=list(series),
        id=_chart_id(title, rows),
    )
    largest = max((value or 0 for _label, values in rows for value in values), default=0)
    step = nice_step(largest) if largest else 0
    scale = step * TICKS  # the axis ends on a round value at or past the largest
    per_group = len(series) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP
    y = GROUP_GAP // 2
    for index, (label, values) in enumerate(rows):
        bars = []
        for position, ((name, css_class), value) in enumerate(zip(series, values, strict=True)):
            value = value or 0
            width = round(PLOT_WIDTH * Decimal(value) / scale) if scale else 0
            bars.append(
                Bar(
                    series=name,
                    css_class=css_class,
                    value=value,
                    text=formatter(value),
                    x=LABEL_WIDTH,
                    y=y + position * (BAR_HEIGHT + BAR_GAP),
                    width=max(width, 1) if value else 0,
                )
            )
        chart.rows.append(
            Row(
                label=label,
                values=[bar.text for bar in bars],
                bars=bars,
                label_lines=label_lines(str(label), y + per_group // 2),
                url=urls[index] if urls else "",
            )
        )
        y += per_group + GROUP_GAP
    chart.plot_bottom = y
    chart.height = y + AXIS_HEIGHT
    if scale:
        chart.ticks = [
            Tick(x=LABEL_WIDTH + round(PLOT_WIDTH * n / TICKS), text=formatter(step * n))
            for n in range(TICKS + 1)
        ]
    return chart
