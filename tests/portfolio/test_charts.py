"""Server-drawn SVG charts: bars scaled to the largest value, values written
for print and hover, and the same figures as a table."""

from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import translation

from portfolio.charts import PLOT_WIDTH, bar_chart


def test_bars_are_scaled_to_an_axis_ending_on_a_round_value():
    chart = bar_chart(
        "Projects by region",
        [("Gao", [40]), ("Mopti", [20]), ("Kidal", [0])],
        series=[("Projects", "series-1")],
        axis_label="Number of projects",
        row_header="Region",
    )

    assert [row.bars[0].width for row in chart.rows] == [PLOT_WIDTH, PLOT_WIDTH // 2, 0]
    assert [tick.text for tick in chart.ticks] == ["0", "10", "20", "30", "40"]


def test_axis_of_an_awkward_largest_value_ends_just_past_it():
    with translation.override("en"):
        chart = bar_chart(
            "Money",
            [("TF", [Decimal("1234567")])],
            series=[("USD", "series-1")],
            axis_label="USD",
            row_header="Mechanism",
        )

    assert chart.ticks[-1].text == "2,000,000"
    assert chart.rows[0].bars[0].width == round(PLOT_WIDTH * 1234567 / 2000000)
    assert not chart.is_empty


def test_grouped_bars_share_one_scale():
    chart = bar_chart(
        "Money",
        [("QIP", [Decimal("100"), Decimal("50"), Decimal("25")])],  # axis: 0 to 100
        series=[("Approved", "series-1"), ("Transferred", "series-2"), ("Spent", "series-3")],
        axis_label="USD",
        row_header="Mechanism",
    )

    assert [bar.width for bar in chart.rows[0].bars] == [
        PLOT_WIDTH,
        PLOT_WIDTH // 2,
        round(PLOT_WIDTH * Decimal("0.25")),
    ]
    assert chart.rows[0].bars[1].y > chart.rows[0].bars[0].y


def test_chart_without_values_says_so_and_draws_nothing():
    chart = bar_chart(
        "Empty", [("Gao", [0])], series=[("n", "series-1")], axis_label="n", row_header="Region"
    )

    html = render_to_string("_bar_chart.html", {"chart": chart})

    assert chart.is_empty and "<svg" not in html


def test_rendered_chart_has_title_axis_label_tooltips_values_and_table():
    with translation.override("fr"):
        chart = bar_chart(
            "Projets par région",
            [("Gao", [1234]), ("Mopti", [56])],
            series=[("Projets", "series-1")],
            axis_label="Nombre de projets",
            row_header="Région",
        )
        html = render_to_string("_bar_chart.html", {"chart": chart})

    assert "<figcaption" in html and "Projets par région" in html
    # The drawing is for the eyes; the table is what a screen reader reads,
    # folded under the chart until asked for, with a header saying what it lists.
    assert 'aria-hidden="true"' in html and "Nombre de projets" in html
    assert '<details class="chart__figures" data-print-open>' in html and "<summary>" in html
    assert '<th scope="col">Région</th>' in html
    assert "<title>Gao — Projets : 1\xa0234</title>" in html
    assert '<td class="num">1\xa0234</td>' in html
    assert "style=" not in html  # the content security policy forbids inline styles


def test_ticks_of_a_few_projects_are_whole_numbers_each_written_once():
    few = bar_chart(
        "Projects", [("Gao", [2])], series=[("n", "series-1")], axis_label="n", row_header="Region"
    )
    ten = bar_chart(
        "Projects", [("Gao", [10])], series=[("n", "series-1")], axis_label="n", row_header="Region"
    )

    assert [tick.text for tick in few.ticks] == ["0", "1", "2", "3", "4"]
    assert few.rows[0].bars[0].width == PLOT_WIDTH // 2
    assert [tick.text for tick in ten.ticks] == ["0", "5", "10", "15", "20"]


def test_a_long_row_label_is_written_on_two_lines_and_whole_on_hover():
    chart = bar_chart(
        "Projects by pillar",
        [("Restauration de l'autorité de l'État et des services publics", [3]), ("Gao", [1])],
        series=[("Projects", "series-1")],
        axis_label="Number of projects",
        row_header="Pillar",
    )

    long, short = chart.rows
    assert [line.text for line in long.label_lines] == [
        "Restauration de",
        "l'autorité de l'État…",
    ]
    assert long.is_label_shortened and not short.is_label_shortened
    assert [line.text for line in short.label_lines] == ["Gao"]
    html = render_to_string("_bar_chart.html", {"chart": chart})
    assert (
        "<title>Restauration de l&#x27;autorité de l&#x27;État et des services publics</title>"
        in html
    )
