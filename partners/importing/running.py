"""The two steps of an import: check (the preview, which is the dry run:
nothing is written) and import (the same rows read again from the text the
preview posted back, with a choice for each duplicate, in one transaction)."""

from dataclasses import dataclass, field

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import ImportBatch
from .matching import Match
from .reading import ImportRefused, Table, read_csv, read_upload
from .resources import ALIASES, COLUMNS, REQUIRED, RESOURCES, SKIP

NEW, DUPLICATE, PROBLEM = "new", "duplicate", "problem"
# The preview lists at most this many rows of each kind; the counts say the
# rest. A page of 20,000 rows would take seconds to make and nobody reads it.
LISTED_PROBLEMS, LISTED_DUPLICATES, LISTED_NEW = 500, 300, 50
# Model attributes named as the file's columns, in a row's problems.
COLUMN_OF = {"happened_on": "date", "organization": "partner", "organization_id": "partner"}


@dataclass
class RowOutcome:
    # The row's place among the rows read, from 1: the key of its choice.
    index: int
    # Its row number in the file, as a spreadsheet shows it.
    line: int
    label: str
    outcome: str
    match: Match | None = None
    problems: list[str] = field(default_factory=list)


@dataclass
class Checked:
    kind: str
    rows: list[RowOutcome]
    ignored: list[str]
    text: str

    def of(self, outcome: str) -> list[RowOutcome]:
        return [row for row in self.rows if row.outcome == outcome]

    @property
    def new(self) -> list[RowOutcome]:
        return self.of(NEW)

    @property
    def duplicates(self) -> list[RowOutcome]:
        return self.of(DUPLICATE)

    @property
    def problems(self) -> list[RowOutcome]:
        return self.of(PROBLEM)

    @property
    def listed_duplicates(self) -> list[RowOutcome]:
        return self.duplicates[:LISTED_DUPLICATES]


@dataclass
class Imported:
    created: int
    updated: int
    skipped: int
    not_imported: int
    batch: ImportBatch | None


def read(kind: str, name: str, data: bytes) -> Table:
    table = read_upload(name, data, COLUMNS[kind], ALIASES[kind])
    _require_columns(kind, table)
    return table


def _require_columns(kind: str, table: Table) -> None:
    missing = [name for name in REQUIRED[kind] if name not in table.columns]
    if missing:
        raise ImportRefused(
            _("The first row must name the columns. Missing: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    if not table.rows:
        raise ImportRefused(_("The file has no rows below its first row."))


def _dataset(table: Table) -> tablib.Dataset:
    return tablib.Dataset(*[cells for _line, cells in table.rows], headers=table.columns)


def _problems(row_result) -> list[str]:
    if row_result.errors:
        return [str(error.error) for error in row_result.errors]
    error: ValidationError = row_result.validation_error
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    problems = []
    for name, messages in error.message_dict.items():
        for message in messages:
            problems.append(message if name == NON_FIELD_ERRORS else f"{COLUMN_OF.get(name, name)}: {message}")
    return problems


def check(kind: str, table: Table, user) -> Checked:
    """The dry run: every row read, matched and validated; nothing written."""
    resource = RESOURCES[kind](user=user, preview=True)
    result = resource.import_data(_dataset(table), dry_run=True)
    if result.base_errors:
        raise ImportRefused(_("The file could not be checked: %(error)s") % {"error": result.base_errors[0].error})
    label_column = table.columns.index(resource.name_field) if resource.name_field in table.columns else None
    rows = []
    for index, ((line, cells), row_result) in enumerate(zip(table.rows, result.rows, strict=True), 1):
        label = cells[label_column] if label_column is not None else ", ".join(cells[:2])
        row = RowOutcome(index=index, line=line, label=label, outcome=NEW, match=resource.matches.get(index))
        if row_result.errors or row_result.validation_error:
            row.outcome, row.problems = PROBLEM, _problems(row_result)
        elif row.match:
            row.outcome = DUPLICATE
        rows.append(row)
    return Checked(kind=kind, rows=rows, ignored=table.ignored, text=table.as_csv_text())


def import_text(kind: str, text: str, user, choices: dict[int, str], default_choice: str = SKIP) -> Imported:
    """Imports the rows of `text` (the preview's CSV), checked again from
    scratch: a row that has become a duplicate since is skipped unless a
    choice says otherwise. One transaction: all the rows or none."""
    table = read_csv(text, COLUMNS[kind], ALIASES[kind])
    _require_columns(kind, table)
    resource = RESOURCES[kind](user=user, preview=False, choices=choices, default_choice=default_choice)
    with transaction.atomic():
        result = resource.import_data(_dataset(table), dry_run=False, use_transactions=True)
        if result.has_errors():
            first = result.base_errors[:1] or [error for _n, errors in result.row_errors() for error in errors][:1]
            raise ImportRefused(
                _("Nothing was imported: %(error)s") % {"error": first[0].error if first else _("unknown error")}
            )
        updated = resource.updated_records()
        batch = None
        if resource.created_ids or updated:
            batch = ImportBatch.objects.create(user=user, kind=kind, created_ids=resource.created_ids, updated=updated)
    totals = result.totals
    return Imported(
        created=len(resource.created_ids),
        updated=len(updated),
        skipped=totals.get("skip", 0),
        not_imported=totals.get("invalid", 0),
        batch=batch,
    )
