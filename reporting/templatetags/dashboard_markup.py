"""Template filters for the dashboard: the repeated parts of a chart (its
shapes and labels) and of a table (its rows) as HTML, written in one pass
with format_html, which escapes every value as a template would. The dashboard draws a few thousand shapes and
cells; through a template, variable lookups for them were about a third of
the page's time."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from reporting.charts import Chart, Label
from reporting.tables import Cell, Table

register = template.Library()

LINE = '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="{}"/>'
BAR = (
    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#ffffff" stroke-width="0.5"><title>{}</title></rect>'
)
POINT = '<circle cx="{}" cy="{}" r="5" fill="{}" stroke="#ffffff" stroke-width="2"><title>{}</title></circle>'
LABEL = '<text x="{}" y="{}" text-anchor="{}" fill="{}" font-size="{}"{}>{}</text>'
MINOR = ' class="minor-label"'
HALO = ' stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"'


def _label_extras(label: Label) -> SafeString:
    return mark_safe((MINOR if label.minor else "") + (HALO if label.halo else ""))  # noqa: S308 fixed strings


@register.filter
def chart_shapes(chart: Chart) -> SafeString:
    """Everything inside the chart's <svg> after its <title>: gridlines, bars,
    points, then labels (drawn last, so they sit on top)."""
    parts = [
        format_html_join("", LINE, ((s.x1, s.y1, s.x2, s.y2, s.stroke, s.width) for s in chart.lines)),
        format_html_join("", BAR, ((b.x, b.y, b.width, b.height, b.fill, b.title) for b in chart.bars)),
        format_html_join("", POINT, ((p.x, p.y, p.fill, p.title) for p in chart.points)),
        format_html_join(
            "", LABEL, ((t.x, t.y, t.anchor, t.fill, t.size, _label_extras(t), t.text) for t in chart.labels)
        ),
    ]
    return mark_safe("".join(parts))  # noqa: S308 each part is format_html output


def _cell(cell: Cell, first: bool, link: str) -> SafeString:
    if first:
        text = format_html('<a href="{}">{}</a>', link, cell.text) if link else cell.text
        return format_html('<th scope="row">{}</th>', text)
    return format_html('<td class="{}">{}</td>', "num" if cell.numeric else "", cell.text)


@register.filter
def table_rows(table: Table) -> SafeString:
    """The table's body rows, the first cell of each
    a row header, linked when the table has links."""
    rows = [
        format_html("<tr>{}</tr>", mark_safe("".join(_cell(c, i == 0, link) for i, c in enumerate(row))))  # noqa: S308
        for link, row in table.link_rows()
    ]
    return mark_safe("\n".join(rows))  # noqa: S308 each row is format_html output
