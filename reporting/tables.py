"""The data tables shown under each chart and offered as CSV: the same
numbers, formatted for the page or written raw (and formula-safe) for a
spreadsheet."""

import csv
import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import tablib
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.exports import neutralise, xlsx_text
from core.money import format_money

from .charts import Chart

# The rows a long table lists on the dashboard; its CSV has them all.
LISTED = 25


@dataclass
class Column:
    label: str
    # text, int, money, hours, percent (a 0–1 share), score, days, month, date
    fmt: str = "int"

    @property
    def numeric(self) -> bool:
        return self.fmt not in ("text", "month", "date")


@dataclass
class Cell:
    text: str
    numeric: bool = False


@dataclass
class Table:
    name: str  # the CSV's name: /dashboard/export/<name>.csv
    caption: str
    columns: list[Column]
    rows: list[list]  # raw values; None when there is no value
    links: list[str] = field(default_factory=list)  # a link for each listed row's first cell, or none
    # The page lists the first `listed` rows (all when None); the CSV has them all.
    listed: int | None = None

    @property
    def listed_rows(self) -> list[list]:
        return self.rows if self.listed is None else self.rows[: self.listed]

    @property
    def unlisted(self) -> int:
        """Rows in the CSV that the page does not list."""
        return len(self.rows) - len(self.listed_rows)

    def display_rows(self) -> list[list[Cell]]:
        return [
            [self._display(value, column) for value, column in zip(row, self.columns, strict=True)]
            for row in self.listed_rows
        ]

    def link_rows(self) -> list[tuple[str, list[Cell]]]:
        rows = self.display_rows()
        return list(zip(self.links or [""] * len(rows), rows, strict=True))

    def _display(self, value, column: Column) -> Cell:
        if value is None:
            return Cell("—", numeric=column.numeric)
        return Cell(format_value(value, column.fmt), numeric=column.numeric)

    def transposed(self) -> "Table":
        """The same table turned on its side (rows become columns), for a
        short, wide table on the printed report. Values are formatted here."""
        columns = [Column(self.columns[0].label, "text")]
        columns += [Column(self._display(row[0], self.columns[0]).text, "text") for row in self.rows]
        rows = [
            [column.label, *[self._display(row[index], column).text for row in self.rows]]
            for index, column in enumerate(self.columns[1:], start=1)
        ]
        return Table(self.name, self.caption, columns, rows)

    def csv_rows(self) -> list[list]:
        header = [neutralise(column.label) for column in self.columns]
        body = [
            [csv_value(value, column.fmt) for value, column in zip(row, self.columns, strict=True)] for row in self.rows
        ]
        return [header, *body]

    def write_csv(self, stream) -> None:
        stream.write("\ufeff")  # Excel reads the file as UTF-8 (core/exports.py)
        csv.writer(stream).writerows(self.csv_rows())

    def xlsx(self) -> bytes:
        """The table as a spreadsheet: numbers, money and dates as their own
        types, shares as 0–100, text formula-safe."""
        header = [xlsx_text(column.label) for column in self.columns]
        body = [
            [xlsx_value(value, column.fmt) for value, column in zip(row, self.columns, strict=True)]
            for row in self.rows
        ]
        # A sheet's name: at most 31 characters, none of []:*?/\
        title = "".join(c for c in self.caption if c not in "[]:*?/\\")[:31]
        return tablib.Dataset(*body, headers=header, title=title).export("xlsx")


def format_value(value, fmt: str) -> str:
    if fmt == "money":
        return format_money(value)
    if fmt == "hours":
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    if fmt == "percent":
        return f"{value * 100:.0f}%"
    if fmt == "score":
        return f"{value:.2f}"
    if fmt == "days":
        return f"{value:.1f}".rstrip("0").rstrip(".")
    if fmt == "month":
        return date_format(value, "M Y")
    if fmt == "date":
        return date_format(value, "j M Y")
    if fmt == "int":
        return f"{value:,}"
    return str(value)


def xlsx_value(value, fmt: str):
    """As csv_value, but a spreadsheet keeps numbers and dates as such."""
    if value is None:
        return None
    if fmt in ("money", "hours"):
        return Decimal(value).quantize(Decimal("0.01"))
    if fmt == "month":
        return value.replace(day=1)
    if fmt == "date":
        return value.date() if isinstance(value, datetime.datetime) else value
    if isinstance(value, str):
        return xlsx_text(neutralise(value))
    return csv_value(value, fmt)


def csv_value(value, fmt: str):
    """Numbers stay numbers; text is neutralised so a cell like "=HYPERLINK(…)"
    cannot run in a spreadsheet; percentages are written as 0–100."""
    if value is None:
        return ""
    if fmt == "percent":
        return round(value * 100, 1)
    if fmt in ("score", "days"):
        return round(value, 2)
    if fmt in ("money", "hours"):
        return str(Decimal(value).quantize(Decimal("0.01")))
    if fmt == "month":
        return value.strftime("%Y-%m")
    if fmt == "date":
        return (value.date() if isinstance(value, datetime.datetime) else value).isoformat()
    if isinstance(value, int):
        return value
    return neutralise(str(value))


@dataclass
class Figure:
    """One dashboard figure: its charts, and the table with the same numbers."""

    name: str
    title: str
    table: Table
    charts: list[Chart] = field(default_factory=list)
    note: str = ""
    csv: bool = True
    wide: bool = False  # a table with many columns: give it the page's full width
    more: "Link | None" = None  # where the whole list is, when the table lists only some of it


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass
class KeyFigure:
    label: str
    raw: Any  # the number; None when there is none
    fmt: str = "int"
    hint: str = ""
    today: bool = False  # how things stand today, not what happened in the period
    previous: Any = None  # the same figure for the period before, when compared

    @property
    def value(self) -> str:
        return "—" if self.raw is None else format_value(self.raw, self.fmt)

    @property
    def csv(self):
        return csv_value(self.raw, self.fmt)

    @property
    def previous_value(self) -> str:
        return "—" if self.previous is None else format_value(self.previous, self.fmt)

    @property
    def previous_csv(self):
        return csv_value(self.previous, self.fmt)

    @property
    def change(self) -> str:
        """From the period before to this one: "+3", "−$120.00", "+5 pts"
        (a share changes by percentage points), "no change"; "" when either
        has no value."""
        if self.raw is None or self.previous is None:
            return ""
        difference = self.raw - self.previous
        if not difference:
            return _("no change")
        size = f"{abs(difference) * 100:.0f} pts" if self.fmt == "percent" else format_value(abs(difference), self.fmt)
        return ("+" if difference > 0 else "−") + size
