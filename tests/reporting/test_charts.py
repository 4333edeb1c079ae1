"""The SVG chart builder: geometry that matches the numbers, and charts that
say what they are."""

import re

from django.template.loader import render_to_string

from reporting.charts import Row, Series, bar_chart, column_chart, compact_number, line_chart, nice_ticks


def test_gridlines_are_round_numbers_that_reach_the_largest_value():
    assert nice_ticks(0) == [0, 1]
    assert nice_ticks(4) == [0, 1, 2, 3, 4]
    assert nice_ticks(18) == [0, 5, 10, 15, 20]
    assert nice_ticks(1250) == [0, 500, 1000, 1500]
    assert nice_ticks(3.2, whole=False) == [0, 1, 2, 3, 4]


def test_compact_numbers_for_axes():
    assert [compact_number(v) for v in (0, 7, 2.5, 12500, 1000)] == ["0", "7", "2.5", "12.5k", "1k"]


def test_column_heights_are_in_proportion_to_the_values():
    chart = column_chart("T", "D", ["Jan", "Feb"], [Series("Requests", [2, 4])], height=234)
    # Plot from y=16 to the axis at 234 - 34 = 200: 184 px for 0..4.
    assert [(bar.y, bar.height) for bar in chart.bars] == [("108.0", "92.0"), ("16.0", "184.0")]
    assert [bar.title for bar in chart.bars] == ["Jan: 2", "Feb: 4"]


def test_stacked_columns_sit_on_each_other():
    chart = column_chart("T", "D", ["Jan"], [Series("A", [1]), Series("B", [3])], stacked=True, height=234)
    a, b = chart.bars
    assert float(a.y) == float(b.y) + float(b.height)  # B starts where A ends
    assert float(a.height) + float(b.height) == 184
    assert [item.label for item in chart.legend] == ["A", "B"]


def test_a_hidden_value_is_written_as_hidden_never_drawn():
    chart = bar_chart("T", "D", [Row("Staff", [None]), Row("Partners", [5])], hidden_text="hidden (fewer than 5)")
    assert [bar.title for bar in chart.bars] == ["Partners: 5"]
    assert "hidden (fewer than 5)" in [label.text for label in chart.labels]
    assert not chart.empty


def test_all_zero_is_an_empty_chart():
    assert bar_chart("T", "D", [Row("A", [0])]).empty
    assert column_chart("T", "D", ["Jan"], [Series("A", [0])]).empty


def test_a_line_leaves_a_gap_at_a_hidden_round():
    chart = line_chart("T", "D", ["1", "2", "3", "4"], [Series("Mean", [8, None, 7, 9])], low=0, high=10)
    series_lines = [line for line in chart.lines if line.width == "3"]
    assert len(chart.points) == 3 and len(series_lines) == 1  # only rounds 3 to 4 are joined


def test_month_labels_are_thinned_on_a_phone():
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    chart = column_chart("T", "D", months, [Series("A", [1] * 12)], years=["2026"] * 12)
    axis = [label for label in chart.labels if label.text in months]
    assert len(axis) == 12 and sum(not label.minor for label in axis) == 6
    assert [label.text for label in chart.labels if label.text == "2026"] == ["2026"]


def test_the_svg_is_an_image_with_a_title_and_attributes_only():
    chart = column_chart("Requests per month", "Columns: requests.", ["Jan"], [Series("A", [3])])
    svg = render_to_string("reporting/_chart.html", {"chart": chart})
    assert 'role="img"' in svg
    assert 'aria-label="Requests per month. Columns: requests.' in svg
    assert "<title>Requests per month</title>" in svg
    assert "style=" not in svg
    assert 'fill="#0072B2"' in svg


def test_numbers_in_the_svg_do_not_follow_the_locale():
    from django.utils import translation

    chart = column_chart("T", "D", ["Jan", "Feb", "Mar"], [Series("A", [1, 2, 3])])
    with translation.override("es"):
        svg = render_to_string("reporting/_chart.html", {"chart": chart})
    coordinates = re.findall(r'(?:x|y|width|height)="([^"]*)"', svg)
    assert coordinates and not any("," in value for value in coordinates)


def test_a_long_row_label_is_wrapped_above_its_bars():
    """SVG text does not wrap: a whole question as a label would run off a phone."""
    question = "We respond quickly when participants or partners ask for something."
    chart = bar_chart("T", "D", [Row(question, [3]), Row("Short", [4])])
    lines = [label for label in chart.labels if label.size == "12" and label.text not in ("3", "4")]
    wrapped = ["We respond quickly when participants or", "partners ask for something."]
    assert [line.text for line in lines[:2]] == wrapped
    assert all(len(line.text) <= 42 for line in lines)
    first_bar, _ = chart.bars
    assert float(first_bar.y) > float(lines[1].y)  # the bar starts under the label's last line
    assert float(lines[2].y) > float(first_bar.y) + float(first_bar.height)  # the next row starts below it
    assert chart.height == bar_chart("T", "D", [Row("One", [3]), Row("Two", [4])]).height + 15


def test_every_value_in_a_chart_or_table_is_escaped():
    """Partner names, survey questions and labels reach the page through
    dashboard_markup, which writes the HTML itself: each value is escaped
    as a template would, and a link keeps its query string intact."""
    from reporting.tables import Column, Table
    from reporting.templatetags.dashboard_markup import chart_shapes, table_rows

    hostile = '<script>alert("x")</script>&'
    chart = bar_chart("Title", "Description", [Row(hostile, [3], fills=['#fff" onload="x'])])
    table = Table("t", "T", [Column("Partner", "text"), Column("Note", "text")], [[hostile, hostile]])
    table.links = ['/partners/1/?a=1&b="2"']
    for html in (str(chart_shapes(chart)), str(table_rows(table))):
        assert "<script>" not in html and '" onload="' not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;" in str(table_rows(table))
    assert 'href="/partners/1/?a=1&amp;b=&quot;2&quot;"' in str(table_rows(table))
