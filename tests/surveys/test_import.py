"""Importing recipients from a CSV file: the checks (pure functions), and the
two-step page (preview, then confirm) that never keeps the file."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from surveys.models import Recipient
from surveys.models.recipients import email_digest
from surveys.services import importing
from surveys.services.importing import ADD, ERROR, SKIP, ImportRefused, check_rows, decode, read_rows
from tests.factories import RecipientFactory

IMPORT = reverse("surveys:recipient_import")

GOOD_CSV = (
    "Email,Language,Consent,Name\n"
    "ana@example.org,es,yes,Ana\n"
    "sam@example.org,,no,Sam\n"
    "=cmd(),en,yes,\n"
    "lee@example.org,fr,yes,\n"
    "kai@example.org,en,,\n"
    "ANA@example.org,en,yes,\n"
    "\n"
    "old@example.org,en,true,\n"
)


def check(text: str, existing=()) -> importing.Checked:
    rows, ignored = read_rows(text)
    return check_rows(rows, {email_digest(e) for e in existing}, ignored)


# Reading the file


def test_decode_accepts_utf8_with_or_without_a_bom():
    assert decode("email\nñ@example.org".encode()) == ("email\nñ@example.org", "utf-8-sig")
    assert decode("\ufeffemail\n".encode()) == ("email\n", "utf-8-sig")


def test_decode_reads_excels_usual_csv_or_the_encoding_chosen():
    """Excel's plain "CSV" is Windows-1252 in Western languages: found out
    when the bytes are not UTF-8, or chosen."""
    windows = "email,consent\nnuñez@example.org,sí\n".encode("cp1252")
    assert decode(windows) == ("email,consent\nnuñez@example.org,sí\n", "cp1252")
    mac = "email\nJosé@example.org\n".encode("mac_roman")
    assert decode(mac, "mac_roman") == ("email\nJosé@example.org\n", "mac_roman")
    with pytest.raises(ImportRefused, match="could not be read as UTF-8"):
        decode(windows, "utf-8-sig")


def test_decode_refuses_binary_files_and_big_files():
    with pytest.raises(ImportRefused, match="not a CSV text file"):
        decode("email;nothing\n".encode("utf-16"))
    with pytest.raises(ImportRefused, match="larger than 2 MB"):
        decode(b"x" * (importing.MAX_BYTES + 1))


def test_read_rows_names_columns_case_insensitively_and_skips_blank_lines():
    rows, ignored = read_rows(GOOD_CSV)

    assert len(rows) == 7
    # Only the columns used are read; the others are named as ignored.
    assert rows[0] == (2, {"email": "ana@example.org", "language": "es", "consent": "yes"})
    assert rows[-1][0] == 9  # line numbers match the file, blank line included
    assert ignored == ["name"]


def test_read_rows_understands_semicolons():
    rows, _ = read_rows("email;consent\r\nana@example.org;yes\r\n")

    assert rows == [(2, {"email": "ana@example.org", "consent": "yes"})]


@pytest.mark.parametrize("text", ["", "mail,consent\nana@example.org,yes", "ana@example.org,yes\n"])
def test_a_file_without_an_email_column_is_refused(text):
    with pytest.raises(ImportRefused, match="“email”"):
        read_rows(text)


def test_at_most_20000_rows():
    header = "email,consent\n"
    assert len(read_rows(header + "a@example.org,yes\n" * importing.MAX_ROWS)[0]) == importing.MAX_ROWS
    with pytest.raises(ImportRefused, match="more than 20,000 rows"):
        read_rows(header + "a@example.org,yes\n" * (importing.MAX_ROWS + 1))


# Checking each row


def test_each_row_gets_an_outcome_and_a_reason():
    checked = check(GOOD_CSV, existing=["old@example.org"])

    outcomes = [(row.line, row.outcome, row.problem) for row in checked.rows]
    assert outcomes == [
        (2, ADD, ""),
        (3, ADD, ""),
        (4, ERROR, "Not an email address."),
        (5, ERROR, "Unknown language: use en or es."),
        (6, ERROR, "Consent must be yes or no."),
        (7, ERROR, "Same address as line 2."),
        (9, SKIP, "Already on the list: skipped. Change it on its own page."),
    ]
    ana, sam = checked.to_add
    assert (ana.language, ana.consent, sam.language, sam.consent) == ("es", True, "en", False)
    assert (checked.skipped, checked.problems, checked.added_without_consent) == (1, 4, 1)


@pytest.mark.parametrize(
    "email",
    ["=cmd()", "=HYPERLINK@example.org", "+1@example.org", "-x@example.org", "@example.org", "no-at-sign", "a@b", ""],
)
def test_formulas_and_non_addresses_are_refused(email):
    (row,) = check(f"email,consent\n{email},yes\n").rows

    assert (row.outcome, row.problem) == (ERROR, "Not an email address.")


@pytest.mark.parametrize(
    ("value", "expected"), [("YES", True), ("1", True), ("Sí", True), ("False", False), ("0", False)]
)
def test_consent_words(value, expected):
    (row,) = check(f"email,consent\nana@example.org,{value}\n").rows

    assert (row.outcome, row.consent) == (ADD, expected)


@pytest.mark.parametrize("value", ["maybe", "", "2"])
def test_consent_must_be_given(value):
    (row,) = check(f"email,consent\nana@example.org,{value}\n").rows

    assert row.outcome == ERROR


def test_without_a_consent_column_every_row_is_an_error():
    checked = check("email\nana@example.org\n")

    assert checked.problems == 1 and not checked.to_add


# The page


def upload(text: str | bytes, name="people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode() if isinstance(text, str) else text, content_type="text/csv")


@pytest.fixture
def existing(db):
    return RecipientFactory(email="old@example.org", audience="participants", consent=False)


def test_step_one_shows_every_row_and_stores_nothing(manager_client, existing):
    response = manager_client.post(IMPORT, {"audience": "participants", "file": upload(GOOD_CSV)})

    html = response.content.decode()
    assert response.status_code == 200
    assert Recipient.objects.count() == 1
    assert "Import 2 valid rows" in html
    for problem in [
        "Not an email address.",
        "Unknown language",
        "Consent must be yes or no.",
        "Same address as line 2",
    ]:
        assert problem in html
    assert "=cmd()" in html and "Already on the list" in html
    assert "These columns were ignored and will not be stored" in html
    assert '<textarea name="csv_text" hidden' in html
    assert not any("example.org" in str(value) for value in manager_client.session.values())


def test_step_two_imports_the_valid_rows_in_one_go(manager_client, existing):
    response = manager_client.post(IMPORT, {"audience": "participants", "csv_text": GOOD_CSV, "confirm": "True"})

    assert response.status_code == 302
    assert response.url == reverse("surveys:recipient_list") + "?audience=participants"
    added = {r.email: (r.language, r.consent, r.opted_out) for r in Recipient.objects.exclude(pk=existing.pk)}
    assert added == {"ana@example.org": ("es", True, False), "sam@example.org": ("en", False, False)}
    assert all(r.email_digest == email_digest(r.email) for r in Recipient.objects.all())
    existing.refresh_from_db()
    assert existing.consent is False  # skipped, not updated
    message = str(list(response.wsgi_request._messages)[0])
    assert message.startswith("Added 2 people. 1 of them has not agreed")


def test_the_same_file_imports_nothing_twice(manager_client, existing):
    data = {"audience": "participants", "csv_text": GOOD_CSV, "confirm": "True"}
    manager_client.post(IMPORT, data)

    again = manager_client.post(IMPORT, data)

    assert again.status_code == 400
    assert "nothing to import" in again.content.decode()
    assert Recipient.objects.count() == 3


def test_audience_is_kept_apart(manager_client, existing):
    manager_client.post(IMPORT, {"audience": "staff", "csv_text": "email,consent\nold@example.org,yes", "confirm": "1"})

    assert Recipient.objects.filter(audience="staff").count() == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("email;nothing\n".encode("utf-16"), "not a CSV text file"),
        (b"mail,consent\nana@example.org,yes\n", "must be “email”"),
        (b"email,consent\n" + b"a@example.org,yes\n" * 20_001, "more than 20,000 rows"),
        (b"email,consent\n" + b"a" * (2 * 1024 * 1024), "larger than 2 MB"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(manager_client, existing, assert_bad_input, content, message):
    response = manager_client.post(IMPORT, {"audience": "participants", "file": upload(content)})

    assert_bad_input(response, "file")
    assert message in response.content.decode()
    assert Recipient.objects.count() == 1


def test_a_changed_confirmation_is_checked_again(manager_client, existing, assert_bad_input):
    response = manager_client.post(
        IMPORT, {"audience": "participants", "csv_text": "mail\nx@example.org", "confirm": "1"}
    )

    assert_bad_input(response, "file")
    assert Recipient.objects.count() == 1


def test_no_file_and_bad_audience_are_400(manager_client, existing, assert_bad_input):
    assert_bad_input(manager_client.post(IMPORT, {"audience": "participants"}), "file")
    bad_audience = manager_client.post(IMPORT, {"audience": "partners", "file": upload(GOOD_CSV)})
    assert_bad_input(bad_audience, "audience")
    assert Recipient.objects.count() == 1


def test_import_needs_the_csrf_token(csrf_manager_client, existing):
    response = csrf_manager_client.post(IMPORT, {"audience": "participants", "csv_text": GOOD_CSV, "confirm": "1"})

    assert response.status_code == 403
    assert Recipient.objects.count() == 1


def test_an_excel_csv_is_read_and_the_page_says_how(manager_client, existing):
    content = "email,language,consent\nnuñez@example.org,es,sí\n".encode("cp1252")
    page = manager_client.post(IMPORT, {"audience": "participants", "file": upload(content)})
    html = page.content.decode()
    assert page.status_code == 200
    assert "nuñez@example.org" in html
    assert "Read as Windows (Excel&#x27;s “CSV”)." in html


def test_the_rows_with_problems_download_as_a_file_to_fix(manager_client, existing):
    from audit.models import AuditAction, AuditEvent

    csv_text = "email,language,consent\nok@example.org,en,yes\n=HYPERLINK(1),en,yes\nlee@example.org,fr,yes\n"
    fix = manager_client.post(
        IMPORT, {"audience": "participants", "csv_text": csv_text, "confirm": "True", "rows_to_fix": "True"}
    )
    body = fix.content.decode("utf-8")
    assert fix["Content-Disposition"] == 'attachment; filename="rows-to-fix.csv"'
    assert body.startswith("\ufeffemail,language,consent,problem")
    assert "'=HYPERLINK(1),en,yes,Not an email address." in body  # neutralised, never a formula
    assert "lee@example.org,fr,yes,Unknown language: use en or es." in body
    assert "ok@example.org" not in body
    assert Recipient.objects.count() == 1  # nothing imported
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, target="rows-to-fix.csv").exists()
