"""Importing partners, contacts and interactions from CSV and XLSX: the
preview saves nothing, shows per-row problems and duplicates, each choice
does what it says, and the importer can undo their last import."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from partners.importing import reading
from partners.models import Contact, ImportBatch, Interaction, Organization
from tests.factories import ContactFactory, OrganizationFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db

UPLOAD = reverse("partner_imports:upload")
CONFIRM = reverse("partner_imports:confirm")
UNDO = reverse("partner_imports:undo")


def csv_file(text: str, encoding: str = "utf-8", name: str = "rows.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_file(rows: list[list]) -> SimpleUploadedFile:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("rows.xlsx", out.getvalue())


def preview(client, upload, kind: str = "partners"):
    return client.post(UPLOAD, {"kind": kind, "file": upload})


def confirm(client, answer, **choices):
    """Posts the preview's form back as the browser would."""
    checked = answer.context["checked"]
    data = {"kind": checked.kind, "csv_text": checked.text, **choices}
    return client.post(CONFIRM, data)


def problems(answer) -> dict[int, str]:
    return {row.line: " ".join(row.problems) for row in answer.context["checked"].problems}


# Reading files


def test_a_csv_of_partners_is_previewed_then_imported(manager_client):
    upload = csv_file("name,kind,stage\nNight Owl Crew,harm_reduction,First contact\nVelvet Hour,Mutual aid,\n")

    answer = preview(manager_client, upload)

    assert answer.status_code == 200
    assert [row.label for row in answer.context["checked"].new] == ["Night Owl Crew", "Velvet Hour"]
    assert not Organization.objects.exists()
    done = confirm(manager_client, answer)
    assert done.status_code == 302
    owl, velvet = Organization.objects.order_by("name")
    assert (owl.kind, owl.stage) == ("harm_reduction", "first_contact")
    assert (velvet.kind, velvet.stage) == ("mutual_aid", "identified")


def test_an_xlsx_file_is_read_with_its_dates_and_numbers(manager_client):
    partner = OrganizationFactory(name="Night Owl Crew")
    upload = xlsx_file(
        [["Partner", "Kind", "Date", "Summary"], ["Night Owl Crew", "call", datetime.datetime(2025, 3, 2), "Catch-up"]]
    )

    answer = preview(manager_client, upload, "interactions")

    assert answer.status_code == 200, problems(answer)
    assert "2025-03-02" in answer.context["checked"].text
    confirm(manager_client, answer)
    interaction = Interaction.objects.get()
    assert (interaction.organization, interaction.happened_on) == (partner, datetime.date(2025, 3, 2))


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252"])
def test_utf8_with_a_byte_order_mark_and_excels_cp1252_are_read(manager_client, encoding):
    answer = preview(manager_client, csv_file("name,kind\nCompañeras del Puente,other\n", encoding))

    assert [row.label for row in answer.context["checked"].new] == ["Compañeras del Puente"]


def test_columns_not_imported_are_listed_and_never_posted_back(manager_client):
    OrganizationFactory(name="Night Owl Crew")
    upload = csv_file("partner,date,summary,confidential_notes\nNight Owl Crew,2025-01-05,Met,secret\n")

    answer = preview(manager_client, upload, "interactions")

    assert answer.context["checked"].ignored == ["confidential_notes"]
    assert "secret" not in answer.content.decode()


# Problems, row by row


def test_bad_rows_are_listed_with_what_is_wrong_and_not_imported(manager_client):
    OrganizationFactory(name="Night Owl Crew")
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    upload = csv_file(
        "partner,kind,date,summary\n"
        "Night Owl Crew,call,2025-01-05,Fine\n"
        f"Night Owl Crew,call,{tomorrow},Future\n"
        "Night Owl Crew,call,1850-01-01,Too old\n"
        "Night Owl Crew,dance,2025-01-05,Bad kind\n"
        "Nobody Here,call,2025-01-05,Unknown partner\n"
        "Night Owl Crew,call,05/01/2025,Bad date\n"
        "Night Owl Crew,call,2025-01-05,\n"
    )

    answer = preview(manager_client, upload, "interactions")

    found = problems(answer)
    assert set(found) == {3, 4, 5, 6, 7, 8}
    assert "future" in found[3]
    assert "founded" in found[4]
    assert "“dance” is not one of" in found[5]
    assert "No partner is named “Nobody Here”" in found[6]
    assert "YYYY-MM-DD" in found[7]
    assert "summary" in found[8]
    confirm(manager_client, answer)
    assert Interaction.objects.count() == 1


def test_model_rules_apply_to_contacts_and_partners(manager_client):
    OrganizationFactory(name="Night Owl Crew")
    answer = preview(
        manager_client,
        csv_file("partner,name,email,consent_to_surveys\nNight Owl Crew,Ana,,yes\nNight Owl Crew,Bo,not-an-email,no\n"),
        "contacts",
    )
    found = problems(answer)
    assert "email address is needed to send surveys" in found[2]
    assert "email:" in found[3]

    answer = preview(
        manager_client, csv_file("name,kind,keep_in_touch_days\nA,other,0\nB,,30\n" + "C" * 201 + ",other,\n")
    )
    found = problems(answer)
    assert set(found) == {2, 3, 4}


def test_the_same_row_twice_in_a_file_is_a_problem(manager_client):
    answer = preview(manager_client, csv_file("name,kind\nNight Owl Crew,other\nnight  owl crew,other\n"))

    assert "Same as row 2" in problems(answer)[3]


# Duplicates and the choices


@pytest.mark.parametrize(
    "typed",
    ["night owl naloxone crew", "  Night   Owl Naloxone Crew ", "Night-Owl Naloxone Crew!", "Night Owl Naloxon Crew"],
)
def test_duplicates_are_found_by_folded_and_similar_names(manager_client, typed):
    OrganizationFactory(name="Night Owl Naloxone Crew")

    answer = preview(manager_client, csv_file(f"name,kind\n{typed},other\nVelvet Hour,other\n"))

    duplicates = answer.context["checked"].duplicates
    assert [(row.label, row.match.name) for row in duplicates] == [(typed.strip(), "Night Owl Naloxone Crew")]


def test_a_duplicate_is_skipped_by_default(manager_client):
    existing = OrganizationFactory(name="Night Owl Crew", kind="health")
    answer = preview(manager_client, csv_file("name,kind\nnight owl crew,legal\n"))

    confirm(manager_client, answer)

    existing.refresh_from_db()
    assert existing.kind == "health"
    assert Organization.objects.count() == 1
    assert not ImportBatch.objects.exists()


def test_update_changes_the_existing_row_with_the_files_non_empty_cells(manager_client):
    existing = OrganizationFactory(name="Night Owl Crew", kind="health", service_area="North")
    answer = preview(manager_client, csv_file("name,kind,service_area,tags\nnight owl crew,legal,,outreach\n"))
    index = answer.context["checked"].duplicates[0].index

    confirm(manager_client, answer, **{f"choice_{index}": "update"})

    existing.refresh_from_db()
    assert (existing.name, existing.kind, existing.service_area) == ("Night Owl Crew", "legal", "North")
    assert [tag.name for tag in existing.tags.all()] == ["outreach"]


def test_create_anyway_makes_a_second_partner(manager_client):
    OrganizationFactory(name="Night Owl Crew")
    answer = preview(manager_client, csv_file("name,kind\nNight Owl Crews,other\nNight Owl Crew,other\n"))
    first, second = answer.context["checked"].duplicates

    confirm(manager_client, answer, **{f"choice_{first.index}": "create", f"choice_{second.index}": "create"})

    # The exact same name is refused by the database's rule, so not created.
    assert sorted(Organization.objects.values_list("name", flat=True)) == ["Night Owl Crew", "Night Owl Crews"]


def test_contacts_are_duplicates_only_within_their_partner(manager_client):
    owl = OrganizationFactory(name="Night Owl Crew")
    other = OrganizationFactory(name="Velvet Hour")
    ContactFactory(organization=owl, name_or_alias="Ana María")
    upload = csv_file("partner,name_or_alias,email\nNight Owl Crew,ana maria,a@example.org\nVelvet Hour,Ana María,\n")

    answer = preview(manager_client, upload, "contacts")

    assert [row.line for row in answer.context["checked"].duplicates] == [2]
    index = answer.context["checked"].duplicates[0].index
    confirm(manager_client, answer, **{f"choice_{index}": "update"})
    assert Contact.objects.get(organization=owl).email == "a@example.org"
    assert Contact.objects.filter(organization=other).count() == 1


def test_a_choice_that_is_not_offered_is_refused(manager_client):
    OrganizationFactory(name="Night Owl Crew")
    answer = preview(manager_client, csv_file("name,kind\nnight owl crew,legal\n"))

    refused = confirm(manager_client, answer, choice_1="delete")

    assert refused.status_code == 400
    assert Organization.objects.get().kind != "legal"


# The preview saves nothing, and costs the same few queries for any size


def test_the_preview_saves_nothing(manager_client):
    OrganizationFactory(name="Night Owl Crew")
    before = (Organization.history.count(), Organization.objects.count())

    preview(manager_client, csv_file("name,kind,tags\nnight owl crew,legal,new-tag\nVelvet Hour,other,new-tag\n"))

    assert (Organization.history.count(), Organization.objects.count()) == before
    assert not ImportBatch.objects.exists()


def _partner_rows(n: int) -> str:
    return "name,kind,relationship_lead,tags\n" + "".join(
        f"Partner number {i},other,manager,outreach\n" for i in range(n)
    )


@pytest.mark.parametrize("kind", ["partners", "contacts"])
def test_preview_queries_do_not_grow_with_the_rows(manager_client, kind):
    for i in range(5):
        owl = OrganizationFactory(name=f"Existing {i}")
        ContactFactory(organization=owl, name_or_alias=f"Person {i}")
    TagFactory(name="outreach")

    def count(n: int) -> int:
        if kind == "partners":
            text = _partner_rows(n)
        else:
            text = "partner,name_or_alias\n" + "".join(f"Existing {i % 5},Someone {i}\n" for i in range(n))
        with CaptureQueriesContext(connection) as queries:
            answer = preview(manager_client, csv_file(text), kind)
        assert answer.status_code == 200
        return len(queries)

    assert count(10) == count(100)


# Undo


def test_undo_removes_created_rows_and_restores_updated_ones(manager_client):
    existing = OrganizationFactory(name="Night Owl Crew", kind="health", description="Before")
    existing.tags.add(TagFactory(name="old"))
    answer = preview(
        manager_client, csv_file("name,kind,description,tags\nnight owl crew,legal,After,new\nVelvet,other,,\n")
    )
    confirm(manager_client, answer, **{f"choice_{answer.context['checked'].duplicates[0].index}": "update"})
    assert Organization.objects.count() == 2

    page = manager_client.get(UNDO)
    batch = page.context["batch"]
    assert batch is not None
    undone = manager_client.post(UNDO, {"batch": batch.pk})

    assert undone.status_code == 302
    existing.refresh_from_db()
    assert (existing.kind, existing.description) == ("health", "Before")
    assert [tag.name for tag in existing.tags.all()] == ["old"]
    assert list(Organization.objects.all()) == [existing]
    assert manager_client.get(UNDO).context["batch"] is None


def test_undo_is_refused_when_an_updated_row_was_changed_since(manager_client):
    existing = OrganizationFactory(name="Night Owl Crew", kind="health")
    answer = preview(manager_client, csv_file("name,kind\nnight owl crew,legal\n"))
    confirm(manager_client, answer, choice_1="update")
    existing.refresh_from_db()
    existing.description = "Edited by a colleague"
    existing.save()

    refused = manager_client.post(UNDO, {"batch": ImportBatch.objects.get().pk})

    assert refused.status_code == 400
    existing.refresh_from_db()
    assert existing.kind == "legal"


def test_only_the_users_last_import_within_a_day_can_be_undone(manager_client, program_manager):
    colleague = UserFactory(username="colleague", groups=list(program_manager.groups.all()))
    confirm(manager_client, preview(manager_client, csv_file("name,kind\nFirst,other\n")))
    confirm(manager_client, preview(manager_client, csv_file("name,kind\nSecond,other\n")))
    first, second = ImportBatch.objects.order_by("pk")

    assert manager_client.post(UNDO, {"batch": first.pk}).status_code == 400
    from django.test import Client

    other = Client()
    other.force_login(colleague)
    assert other.get(UNDO).context["batch"] is None
    assert other.post(UNDO, {"batch": second.pk}).status_code == 400
    imported_at = second.imported_at
    ImportBatch.objects.filter(pk=second.pk).update(imported_at=imported_at - datetime.timedelta(hours=25))
    assert manager_client.post(UNDO, {"batch": second.pk}).status_code == 400
    assert Organization.objects.count() == 2
    ImportBatch.objects.filter(pk=second.pk).update(imported_at=imported_at)
    assert manager_client.post(UNDO, {"batch": second.pk}).status_code == 302
    assert list(Organization.objects.values_list("name", flat=True)) == ["First"]


def test_undo_is_refused_when_a_created_partner_has_records_since(manager_client):
    confirm(manager_client, preview(manager_client, csv_file("name,kind\nNew Partner,other\n")))
    ContactFactory(organization=Organization.objects.get())

    refused = manager_client.post(UNDO, {"batch": ImportBatch.objects.get().pk})

    assert refused.status_code == 400
    assert Organization.objects.count() == 1


# Bounds and bad input


def test_a_file_too_big_is_refused(manager_client, assert_bad_input):
    big = "name,kind\n" + "x" * (reading.MAX_TEXT_BYTES + 1)

    assert_bad_input(preview(manager_client, csv_file(big)), "file")


def test_a_file_with_too_many_rows_is_refused(manager_client, monkeypatch, assert_bad_input):
    monkeypatch.setattr(reading, "MAX_ROWS", 10)

    answer = preview(manager_client, csv_file(_partner_rows(11)))

    assert_bad_input(answer, "file")
    assert "more than 10 rows" in answer.content.decode()


def test_a_file_with_too_many_columns_is_refused(manager_client, assert_bad_input):
    header = ",".join(f"c{i}" for i in range(60))

    assert_bad_input(preview(manager_client, csv_file(f"name,{header}\nA\n")), "file")


@pytest.mark.parametrize(
    "content",
    [b"", b"kind\nother\n", b"\x00\x01binary", b"PK\x03\x04not really a zip", b"name,kind\n"],
)
def test_files_that_are_not_an_import_are_refused(manager_client, assert_bad_input, content):
    upload = SimpleUploadedFile("rows.csv", content)

    assert_bad_input(manager_client.post(UPLOAD, {"kind": "partners", "file": upload}), "file")


def test_an_unknown_kind_is_refused(manager_client, assert_bad_input):
    assert_bad_input(preview(manager_client, csv_file("name\nA\n"), "surveys"), "kind")


# Who may


def test_leadership_and_outsiders_may_not_import(leader_client, outsider_client):
    for client in (leader_client, outsider_client):
        assert client.get(UPLOAD).status_code == 403
        assert preview(client, csv_file("name,kind\nA,other\n")).status_code == 403
        assert client.post(CONFIRM, {"kind": "partners", "csv_text": "name,kind\nA,other\n"}).status_code == 403
        assert client.get(UNDO).status_code == 403
    assert not Organization.objects.exists()


def test_the_partner_list_offers_import_to_program_managers_only(manager_client, leader_client):
    assert UPLOAD in manager_client.get(reverse("partners:organization_list")).content.decode()
    assert UPLOAD not in leader_client.get(reverse("partners:organization_list")).content.decode()
