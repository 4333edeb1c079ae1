"""Hypothesis strategies for hostile input: what a careless paste, a
spreadsheet, a browser extension or an attacker may send to a form field or a
query parameter.

Every markup payload carries one of MARKUP_MARKERS verbatim. The markers hold
characters HTML escaping changes (<, >, ") and never occur in the app's own
pages, so finding one raw in a response is an unescaped reflection, and not
finding it is proof the value was escaped (or not echoed at all)."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import strategies as st

# Raw, these would run script or break out of an attribute; escaped, they are
# harmless text. None of them appears in a page the app writes itself.
MARKUP_MARKERS = (
    "<script>alert(",
    '"><img src=x onerror=',
    "'><svg onload=",
    "</textarea><b>",
    "<iframe src=",
)
MARKUP = (
    '<script>alert("fz")</script>',
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</textarea><b>bold</b>",
    '<iframe src="javascript:alert(1)"></iframe>',
    "{{ request.user.password }}",
    "{% debug %}",
    "{% load static %}{% static 'x' %}",
    "{{7*7}}${7*7}#{7*7}",
)
# Characters that make a spreadsheet treat a cell as a formula, with payloads.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
FORMULAS = (
    "=1+2",
    '=HYPERLINK("http://example.invalid","x")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,1)",
    "\t=1",
    "\r=1",
)
SQLISH = (
    "' OR '1'='1",
    '" OR ""="',
    "1; DROP TABLE partners_organization; --",
    "%",
    "_",
    "\\",
    "1' UNION SELECT password FROM auth_user --",
    "NULL",
)
# Unicode that has broken apps before: right-to-left override, zero-width
# characters, combining marks, an astral emoji, look-alike digits, a NUL.
UNICODE_ODDITIES = (
    "\u202eevil\u202c",
    "a\u200bb\u200dc\ufeff",
    "e\u0301\u0301\u0301",
    "\U0001f4a9\U0001f469\u200d\U0001f469\u200d\U0001f467",
    "\u0661\u0662\u0663",
    "\u00b2\u00b3",
    "ｆｕｌｌ ｗｉｄｔｈ",
    "\x00",
    "nul\x00inside",
    "\u2028line\u2029para",
    "İıſ",
)
HUGE_NUMBERS = (
    "9" * 30,
    str(2**63),
    str(-(2**63) - 1),
    "1e309",
    "-1e309",
    "NaN",
    "inf",
    "-0",
    "0x1F",
    "1_000",
    "١٢",
    "3.14",
    "-1",
    "0",
)
BAD_DATES = (
    "2024-02-30",
    "2023-02-29",
    "2024-13-01",
    "2024-00-10",
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "-2024-01-01",
    "24-1-1",
    "2024/01/01",
    "01/02/2024",
    "2024-01-01T25:61",
    "2024-01-01T23:59:60",
    "2024-01-01 00:00:00+99:00",
    "today",
    "1e5",
)

# Text without surrogates (which a real browser cannot send in UTF-8) and
# without NUL (added on purpose above, where it is one case among many).
_any_text = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=40)


def _wrapped(payloads: tuple[str, ...]) -> st.SearchStrategy[str]:
    """A payload alone or inside random text, as it would arrive in a real field."""
    payload = st.sampled_from(payloads)
    return st.one_of(payload, st.builds(lambda a, p, b: a + p + b, _any_text, payload, _any_text))


markup = _wrapped(MARKUP)
formulas = _wrapped(FORMULAS)
sqlish = _wrapped(SQLISH)
unicode_oddities = _wrapped(UNICODE_ODDITIES)
huge_numbers = st.one_of(
    st.sampled_from(HUGE_NUMBERS),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
dates = st.one_of(
    st.sampled_from(BAD_DATES),
    st.dates(min_value=datetime.date(1, 1, 1)).map(datetime.date.isoformat),
    st.tuples(st.integers(-10, 99999), st.integers(-1, 14), st.integers(-1, 40)).map(
        lambda ymd: "{}-{:02}-{:02}".format(*ymd)
    ),
)
very_long = st.sampled_from([4_000, 70_000, 300_000]).flatmap(
    lambda n: st.sampled_from(["x", "é", "<", "\U0001f4a9", "%00"]).map(lambda c: c * n)
)

# Any one value for any field or parameter: the mix every target gets.
hostile_text = st.one_of(
    _any_text,
    markup,
    formulas,
    sqlish,
    unicode_oddities,
    huge_numbers,
    dates,
    very_long,
    st.just(""),
    st.just(" "),
)


# Plain words, so that a required text field is now and then filled in and
# a form gets past validation to its save, with hostile text in the others.
plain_words = st.text(st.characters(categories=("L", "Nd")), min_size=1, max_size=30)


def field_value(options: list[str] | None = None) -> st.SearchStrategy[str]:
    """A value for one field: one of its real options, or plain words (so
    validation gets past the field and the rest of the form is exercised),
    or hostile text."""
    return st.one_of(st.sampled_from(options or [""]), plain_words, hostile_text)


def field_values(options: list[str] | None = None) -> st.SearchStrategy[list[str]]:
    """A field sent once, repeated, or with several values (?a=1&a=2)."""
    return st.lists(field_value(options), min_size=1, max_size=3)


# Uploaded CSV files: real-looking rows with hostile cells, random bytes,
# wrong encodings, a BOM, NULs, and rows with too many or too few columns.
_csv_cell = st.one_of(
    st.emails().map(str),
    st.sampled_from(["en", "es", "yes", "no", "", "EN", "sí"]),
    hostile_text.filter(lambda s: len(s) < 2_000),
)
_csv_row = st.lists(_csv_cell, min_size=0, max_size=5).map(lambda cells: ",".join(f'"{c}"' for c in cells))
csv_text = st.builds(
    lambda header, rows, newline: header + newline + newline.join(rows),
    st.sampled_from(["email,language,consent", "email", "EMAIL;LANGUAGE;CONSENT", "", "name,phone"]),
    st.lists(_csv_row, max_size=8),
    st.sampled_from(["\n", "\r\n", "\r"]),
)
csv_bytes = st.one_of(
    csv_text.map(lambda text: text.encode("utf-8", "surrogatepass")),
    csv_text.map(lambda text: b"\xef\xbb\xbf" + text.encode("utf-8", "surrogatepass")),
    csv_text.map(lambda text: text.encode("utf-16")),
    csv_text.map(lambda text: text.encode("latin-1", "replace")),
    st.binary(max_size=600),
    st.just(b"\x00" * 64),
    st.just(b"PK\x03\x04 not really a zip"),
)


# --- whole requests -----------------------------------------------------------------


def _one_field(found) -> st.SearchStrategy:
    if found.kind == "file":
        return csv_bytes.map(lambda content: SimpleUploadedFile("people.csv", content, "text/csv"))
    if found.kind == "multi":
        return st.lists(field_value(found.options), max_size=4)
    if found.kind == "number":
        return st.lists(st.one_of(huge_numbers, field_value(found.options)), min_size=1, max_size=2)
    if found.kind == "date":
        return st.lists(st.one_of(dates, field_value(found.options)), min_size=1, max_size=2)
    return field_values(found.options)


def _plausible(name: str, found) -> st.SearchStrategy[list[str]]:
    """A value the form should take: a real option, today, an address, words."""
    real = [option for option in found.options if option]
    if real and found.kind != "text":
        return st.sampled_from(real).map(lambda value: [value])
    if found.kind == "date":
        return st.just([datetime.date.today().isoformat()])
    if found.kind == "number":
        return st.sampled_from(real or ["7"]).map(lambda value: [value])
    if "email" in name:
        return st.emails().map(lambda email: [email])
    return plain_words.map(lambda words: [words])


def payload_strategy(fields: dict, leave_out: frozenset = frozenset()) -> st.SearchStrategy[dict]:
    """A form's fields (fuzz_targets.Field: a kind and the options the page
    offers). Half the time any subset of them, each with real options or
    hostile values, some sent more than once, plus now and then a field the
    page does not have (a tampered form, a stale bookmark). The other half, a
    form filled in as a person would, with one or two fields made hostile,
    so that hostile text gets past validation, is saved and shown again."""
    known = st.fixed_dictionaries({}, optional={name: _one_field(f) for name, f in fields.items()})
    unknown_name = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=12)
    unknown = st.dictionaries(unknown_name.filter(lambda n: n not in fields), field_values(), max_size=2)
    anything = st.builds(lambda extra, sent: {**extra, **sent}, unknown, known)
    filled_names = [name for name, f in fields.items() if name not in leave_out and f.kind != "file"]
    if not filled_names:
        return anything
    filled = st.fixed_dictionaries({name: _plausible(name, fields[name]) for name in filled_names})
    spoiled = st.lists(st.sampled_from(sorted(fields)), min_size=1, max_size=2, unique=True).flatmap(
        lambda chosen: st.fixed_dictionaries({name: _one_field(fields[name]) for name in chosen})
    )
    return st.one_of(anything, st.builds(lambda base, bad: {**base, **bad}, filled, spoiled))


def marker_in(value: str) -> str | None:
    """The markup marker this value carries, if any."""
    return next((marker for marker in MARKUP_MARKERS if marker in value), None)
