"""CSV and XLSX exports of the lists: exactly the filtered rows, a header
row, no spreadsheet formulas, and never a confidential note."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from partners.choices import InteractionKind, Language, Stage, SupportCategory
from partners.tables import ContactTable, InteractionTable, OrganizationTable, SupportDeliveryTable, SupportRequestTable
from tests.factories import (
    ContactFactory,
    InteractionFactory,
    OrganizationFactory,
    SupportDeliveryFactory,
    SupportRequestFactory,
)

pytestmark = pytest.mark.django_db

FORMATS = ["csv", "xlsx"]
DANGEROUS = ['=HYPERLINK("http://evil.example","x")', "+15551234", "-2+3", "@SUM(A1:A9)"]
SECRET = "Met at the new safe house on 5th."


def make_partner(text: str, wanted: bool):
    return OrganizationFactory(name=text, stage=Stage.COLLABORATING if wanted else Stage.PAUSED)


def make_contact(text: str, wanted: bool):
    return ContactFactory(name_or_alias=text, language=Language.SPANISH if wanted else Language.ENGLISH)


def make_interaction(text: str, wanted: bool):
    kind = InteractionKind.CALL if wanted else InteractionKind.VISIT
    return InteractionFactory(summary=text, kind=kind, confidential_notes=SECRET)


def make_request(text: str, wanted: bool):
    return SupportRequestFactory(
        description=text, category=SupportCategory.TRAINING if wanted else SupportCategory.SUPPLIES, amount_asked=80
    )


def make_delivery(text: str, wanted: bool):
    category = SupportCategory.SUPPLIES if wanted else SupportCategory.ADVOCACY
    return SupportDeliveryFactory(request=None, description=text, category=category, money=25)


# list name: (url, filter that keeps the wanted rows, table, free-text column, row maker)
LISTS = {
    "partners": (
        "partners:organization_list",
        {"stage": Stage.COLLABORATING},
        OrganizationTable,
        "name",
        make_partner,
    ),
    "contacts": (
        "partners:contact_list",
        {"language": Language.SPANISH},
        ContactTable,
        "name_or_alias",
        make_contact,
    ),
    "interactions": (
        "partners:interaction_list",
        {"kind": InteractionKind.CALL},
        InteractionTable,
        "summary",
        make_interaction,
    ),
    "requests": (
        "partners:request_list",
        {"category": SupportCategory.TRAINING},
        SupportRequestTable,
        "description",
        make_request,
    ),
    "deliveries": (
        "partners:delivery_list",
        {"category": SupportCategory.SUPPLIES},
        SupportDeliveryTable,
        "description",
        make_delivery,
    ),
}


def headers(list_name: str) -> dict[str, str]:
    """Column name -> header, as the export writes them (model verbose names included)."""
    table_class = LISTS[list_name][2]
    table = table_class(table_class._meta.model.objects.none())
    # Hidden columns are exported too; a row's tick box is not.
    return {c.name: str(c.header) for c in table.columns.iterall() if not c.column.exclude_from_export}


def export(client, list_name: str, export_format: str, **query):
    url_name, _, _, _, _ = LISTS[list_name]
    return client.get(reverse(url_name), {**query, "_export": export_format})


def read_rows(response, export_format: str) -> list[list]:
    """The exported cells, header row first."""
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    if export_format == "csv":
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def column(rows: list[list], list_name: str, name: str) -> list:
    index = rows[0].index(headers(list_name)[name])
    return [row[index] for row in rows[1:]]


@pytest.mark.parametrize("export_format", FORMATS)
@pytest.mark.parametrize("list_name", LISTS)
def test_export_holds_the_header_and_exactly_the_filtered_rows(manager_client, list_name, export_format):
    _, query, _, text_column, make = LISTS[list_name]
    wanted = [make(f"Wanted row {n}", wanted=True) for n in range(30)]  # more than one page
    make("Filtered out", wanted=False)

    rows = read_rows(export(manager_client, list_name, export_format, **query), export_format)

    assert rows[0] == list(headers(list_name).values())
    assert sorted(column(rows, list_name, text_column)) == sorted(f"Wanted row {n}" for n in range(len(wanted)))


@pytest.mark.parametrize("export_format", FORMATS)
@pytest.mark.parametrize("list_name", LISTS)
def test_export_neutralises_cells_that_look_like_formulas(manager_client, list_name, export_format):
    _, query, _, text_column, make = LISTS[list_name]
    for text in DANGEROUS:
        make(text, wanted=True)

    rows = read_rows(export(manager_client, list_name, export_format, **query), export_format)

    assert sorted(column(rows, list_name, text_column)) == sorted("'" + text for text in DANGEROUS)


@pytest.mark.parametrize("list_name", LISTS)
def test_xlsx_drops_control_characters_a_spreadsheet_cannot_hold(manager_client, list_name):
    """Found by tests/security/test_fuzz_query_params.py: a vertical tab pasted
    from a word processor made openpyxl refuse the whole file (a 500)."""
    _, query, _, text_column, make = LISTS[list_name]
    make("Pasted\x0bfrom\x1fWord", wanted=True)
    make("\x0b=1+2", wanted=True)

    xlsx = read_rows(export(manager_client, list_name, "xlsx", **query), "xlsx")
    csv_rows = read_rows(export(manager_client, list_name, "csv", **query), "csv")

    assert sorted(column(xlsx, list_name, text_column)) == ["'=1+2", "PastedfromWord"]
    assert "Pasted\x0bfrom\x1fWord" in column(csv_rows, list_name, text_column)


def test_xlsx_keeps_numbers_as_numbers(manager_client):
    make_delivery("Blankets", wanted=True)

    rows = read_rows(export(manager_client, "deliveries", "xlsx"), "xlsx")

    assert column(rows, "deliveries", "money") == [25]


@pytest.mark.parametrize("export_format", FORMATS)
@pytest.mark.parametrize("who", ["manager_client", "leader_client"])
def test_exports_never_hold_confidential_notes(request, who, export_format):
    client = request.getfixturevalue(who)
    make_interaction("Call about the spring event", wanted=True)

    for list_name in LISTS:
        response = export(client, list_name, export_format)
        cells = [str(cell) for row in read_rows(response, export_format) for cell in row]
        if list_name == "interactions":
            assert "Call about the spring event" in cells  # the interaction holding the note is exported
        assert not any(SECRET in cell or "fernet:" in cell for cell in cells), list_name
        if export_format == "csv":
            assert SECRET not in response.content.decode()


@pytest.mark.parametrize("export_format", FORMATS)
@pytest.mark.parametrize("list_name", LISTS)
def test_no_export_when_a_filter_is_invalid(manager_client, list_name, export_format):
    LISTS[list_name][4]("Some row", wanted=True)

    response = export(
        manager_client, list_name, export_format, category="not-a-choice", kind="nope", stage="nope", language="nope"
    )

    assert response.status_code == 400
    assert "Content-Disposition" not in response
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("export_format", FORMATS)
def test_export_follows_the_chosen_sort(manager_client, export_format):
    for name in ["Bravo", "Alpha", "Charlie"]:
        make_partner(name, wanted=True)

    response = export(manager_client, "partners", export_format, sort="-name")

    assert column(read_rows(response, export_format), "partners", "name") == ["Charlie", "Bravo", "Alpha"]


@pytest.mark.parametrize("list_name", LISTS)
def test_leadership_may_export_but_a_user_without_a_role_may_not(leader_client, outsider_client, list_name):
    assert export(leader_client, list_name, "csv").status_code == 200
    assert export(outsider_client, list_name, "csv").status_code == 403


def test_export_file_is_named_for_the_list(manager_client):
    response = export(manager_client, "requests", "xlsx")

    assert response["Content-Disposition"] == 'attachment; filename="support-requests.xlsx"'


@pytest.mark.parametrize("export_format", ["ods", "xls", "latex", "json", "yaml", "tsv", "CSV", ""])
def test_only_csv_and_xlsx_are_offered(manager_client, export_format):
    make_partner("Some partner", wanted=True)

    response = export(manager_client, "partners", export_format)

    assert response.status_code == 400
    assert "Content-Disposition" not in response


def test_csv_starts_with_a_byte_order_mark_so_excel_reads_accents(manager_client):
    make_partner("Colectiva Mariposa Nocturna — Tijuana, Niñas", wanted=True)

    response = export(manager_client, "partners", "csv")

    assert response.content.startswith("\ufeff".encode())
    assert "Colectiva Mariposa Nocturna — Tijuana, Niñas" in response.content.decode("utf-8-sig")


def test_xlsx_keeps_dates_as_dates_and_yes_no_as_booleans(manager_client):
    InteractionFactory(
        summary="Call", kind=InteractionKind.CALL, happened_on=datetime.date(2026, 3, 4), follow_up_done=True
    )

    rows = read_rows(export(manager_client, "interactions", "xlsx"), "xlsx")

    assert column(rows, "interactions", "happened_on") == [datetime.datetime(2026, 3, 4)]
    assert column(rows, "interactions", "follow_up_done") == [True]
    csv_rows = read_rows(export(manager_client, "interactions", "csv"), "csv")
    assert column(csv_rows, "interactions", "happened_on") == ["2026-03-04"]
