"""Importing recipients from a CSV file.

Two steps, and the file is never kept on the server: it holds email
addresses. Step one reads and checks every row and shows the result; step two
posts the same text back, which is checked again from scratch and imported in
one transaction. People already on the list are skipped, never changed: an
import must not undo someone's opt-out or consent. Edit them one at a time.

`decode`, `read_rows` and `check_rows` are pure functions; only
`existing_digests` and `import_rows` touch the database."""

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from core.exports import neutralise
from partners.choices import Language

from ..models import Recipient
from ..models.recipients import email_digest

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 20_000
# A spreadsheet of people has a few columns; a file with thousands is not
# one, and reading it would cost time for nothing.
MAX_COLUMNS = 50
# The check page lists at most this many rows of each kind (Checked.preview).
PREVIEW_PROBLEMS, PREVIEW_ADDED = 500, 100
# The longest cell kept, in characters: an address is at most 254.
MAX_CELL = 1000
COLUMNS = ("email", "language", "consent")
YES = {"yes", "y", "true", "1", "si", "sí"}
NO = {"no", "n", "false", "0"}
LANGUAGES = {
    "": Language.ENGLISH,
    "en": Language.ENGLISH,
    "english": Language.ENGLISH,
    "es": Language.SPANISH,
    "spanish": Language.SPANISH,
    "español": Language.SPANISH,
    "espanol": Language.SPANISH,
}
# A cell starting like this is a spreadsheet formula, never an address anyone uses.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

ADD, SKIP, ERROR = "add", "skip", "error"


class ImportRefused(Exception):
    """The whole file is refused; the message says why, in plain words."""


@dataclass
class Row:
    line: int
    email: str
    language: str = Language.ENGLISH
    consent: bool | None = None
    outcome: str = ADD
    problem: str = ""
    digest: str = field(default="", repr=False)
    # The language and consent cells as written, for the file of rows to fix.
    typed: dict = field(default_factory=dict, repr=False)


@dataclass
class Checked:
    rows: list[Row]
    ignored_columns: list[str]

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def to_add(self) -> list[Row]:
        return [row for row in self.rows if row.outcome == ADD]

    @property
    def skipped(self) -> int:
        return self.count(SKIP)

    @property
    def problems(self) -> int:
        return self.count(ERROR)

    @property
    def added_without_consent(self) -> int:
        return sum(1 for row in self.to_add if not row.consent)

    @property
    def preview(self) -> list[Row]:
        """The rows the check page lists, in file order: every row that will
        not be added (up to PREVIEW_PROBLEMS) and the first PREVIEW_ADDED
        that will. A page of 20,000 rows would take seconds to make and
        nobody would read it; the counts say the rest."""
        problems = [row for row in self.rows if row.outcome != ADD][:PREVIEW_PROBLEMS]
        return sorted(problems + self.to_add[:PREVIEW_ADDED], key=lambda row: row.line)

    @property
    def not_listed(self) -> int:
        return len(self.rows) - len(self.preview)


# The encodings a spreadsheet saves CSV in: UTF-8 ("CSV UTF-8"), and
# Excel's plain "CSV", which is Windows-1252 on Windows in Western
# languages and Mac Roman in older Excel for Mac.
ENCODINGS = {"utf-8-sig": "UTF-8", "cp1252": "Windows (Excel's “CSV”)", "mac_roman": "Mac (older Excel)"}
AUTO = "auto"


def decode(data: bytes, encoding: str = AUTO) -> tuple[str, str]:
    """The file's text and the encoding it was read in. AUTO: UTF-8 if the
    bytes are UTF-8 (a file in Windows-1252 with accents practically never
    is), else Windows-1252, Excel's "CSV" on Windows. The check page says
    which, so the manager can choose another if names look wrong."""
    if len(data) > MAX_BYTES:
        raise ImportRefused(_("The file is larger than 2 MB. Split it into smaller files."))
    if b"\x00" in data:
        raise ImportRefused(
            _("This is not a CSV text file (it may be a spreadsheet or UTF-16). Save it as “CSV UTF-8” and try again.")
        )
    tries = ["utf-8-sig", "cp1252"] if encoding == AUTO else [encoding]
    for name in tries:
        try:
            return data.decode(name), name
        except UnicodeDecodeError:
            continue
    raise ImportRefused(
        _("The file could not be read as %(encoding)s text. Choose another encoding, or save it as “CSV UTF-8”.")
        % {"encoding": ENCODINGS.get(tries[-1], tries[-1])}
    )


def rows_to_fix(checked: Checked) -> str:
    """The rows that will not be added, as a CSV file to correct and import
    again: the three columns read, and the problem. Cells that a spreadsheet
    would run as formulas are neutralised (core/exports.py)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*COLUMNS, "problem"])
    for row in checked.rows:
        if row.outcome == ERROR:
            cells = [row.email, row.typed.get("language", ""), row.typed.get("consent", ""), row.problem]
            writer.writerow([neutralise(cell) for cell in cells])
    return "\ufeff" + out.getvalue()  # a byte-order mark: Excel then reads it as UTF-8


def read_rows(text: str) -> tuple[list[tuple[int, dict]], list[str]]:
    """(line number, {column: value}) for every non-empty row, and the columns
    that were ignored. Refuses the file if it is too big, too wide or has no
    email column. Only the columns used are read from each row, so the time
    it takes grows with the file's size, whatever its shape."""
    if len(text.encode()) > MAX_BYTES:
        raise ImportRefused(_("The file is larger than 2 MB. Split it into smaller files."))
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [name.strip().lower()[:MAX_CELL] for name in next(reader, [])]
        if len(header) > MAX_COLUMNS:
            raise ImportRefused(
                _(
                    "The file has %(count)s columns; at most %(max)s are read. "
                    "Keep the email, language and consent columns, and try again."
                )
                % {"count": f"{len(header):,}", "max": MAX_COLUMNS}
            )
        if "email" not in header:
            raise ImportRefused(_("The first row must name the columns, and one of them must be “email”."))
        used = {name: header.index(name) for name in COLUMNS if name in header}
        rows: list[tuple[int, dict]] = []
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            if len(rows) == MAX_ROWS:
                raise ImportRefused(
                    _("The file has more than %(max)s rows. Split it into smaller files.") % {"max": f"{MAX_ROWS:,}"}
                )
            record = {name: (values[i].strip()[:MAX_CELL] if i < len(values) else "") for name, i in used.items()}
            rows.append((reader.line_num, record))
    except csv.Error as error:
        raise ImportRefused(
            _("The file could not be read as CSV (line %(line)s).") % {"line": reader.line_num}
        ) from error
    ignored = [name for name in header if name and name not in COLUMNS]
    return rows, ignored


def _parse_consent(value: str) -> bool | None:
    value = value.strip().lower()
    if value in YES:
        return True
    if value in NO:
        return False
    return None


def _is_email(value: str) -> bool:
    if not value or value.startswith(FORMULA_START) or len(value) > 254:
        return False
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def check_rows(rows: list[tuple[int, dict]], existing: set[str], ignored: list[str] | None = None) -> Checked:
    """Decides, for each row, whether it will be added, skipped (already on
    the list) or is in error. `existing` holds the email digests already in
    the chosen audience."""
    checked: list[Row] = []
    seen: dict[str, int] = {}  # email digest: the first line with it
    for line, record in rows:
        email = record.get("email", "")
        row = Row(line=line, email=email, typed={name: record.get(name, "") for name in ("language", "consent")})
        checked.append(row)
        language = LANGUAGES.get(record.get("language", "").strip().lower())
        row.consent = _parse_consent(record.get("consent", ""))
        if not _is_email(email):
            row.outcome, row.problem = ERROR, _("Not an email address.")
            continue
        row.digest = email_digest(email)
        if language is None:
            row.outcome, row.problem = ERROR, _("Unknown language: use en or es.")
        elif row.consent is None:
            row.outcome, row.problem = ERROR, _("Consent must be yes or no.")
        elif row.digest in seen:
            row.outcome = ERROR
            row.problem = _("Same address as line %(line)s.") % {"line": seen[row.digest]}
        elif row.digest in existing:
            row.outcome, row.problem = SKIP, _("Already on the list: skipped. Change it on its own page.")
        else:
            row.language = language
        seen.setdefault(row.digest, line)
    return Checked(rows=checked, ignored_columns=ignored or [])


def existing_digests(audience: str) -> set[str]:
    return set(Recipient.objects.filter(audience=audience).values_list("email_digest", flat=True))


def check_text(text: str, audience: str) -> Checked:
    rows, ignored = read_rows(text)
    return check_rows(rows, existing_digests(audience), ignored)


@transaction.atomic
def import_rows(checked: Checked, audience: str, group=None) -> int:
    """Adds the rows marked ADD in one transaction and returns how many were
    added. Someone added by another person since the check is left alone.
    With a group, the people added and those already on the list (skipped)
    join it."""
    before = Recipient.objects.filter(audience=audience).count()
    Recipient.objects.bulk_create(
        [
            Recipient(
                audience=audience,
                email=row.email,
                # bulk_create skips save(), which usually sets the digest.
                email_digest=row.digest,
                language=row.language,
                consent=bool(row.consent),
            )
            for row in checked.to_add
        ],
        batch_size=500,
        ignore_conflicts=True,
    )
    added = Recipient.objects.filter(audience=audience).count() - before
    if group is not None:
        digests = [row.digest for row in checked.rows if row.outcome in (ADD, SKIP)]
        people = Recipient.objects.filter(audience=audience, email_digest__in=digests).values_list("pk", flat=True)
        Membership = Recipient.groups.through
        Membership.objects.bulk_create(
            [Membership(recipient_id=pk, recipientgroup_id=group.pk) for pk in people], ignore_conflicts=True
        )
    return added
