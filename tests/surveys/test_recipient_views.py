"""The people who receive surveys: the list (addresses masked), adding and
editing one person. Leadership never sees any of it."""

import pytest
from django.urls import reverse

from surveys.models import Recipient
from surveys.tables import mask_email
from tests.factories import RecipientFactory

pytestmark = pytest.mark.django_db

LIST = reverse("surveys:recipient_list")
CREATE = reverse("surveys:recipient_create")
IMPORT = reverse("surveys:recipient_import")


def edit_url(recipient) -> str:
    return reverse("surveys:recipient_edit", args=[recipient.pk])


def recipient_data(**overrides) -> dict:
    data = {"email": "rosa@example.org", "audience": "participants", "language": "es", "consent": "on"}
    return {key: value for key, value in (data | overrides).items() if value is not None}


@pytest.fixture
def person():
    return RecipientFactory(email="jordan@example.org", audience="participants", language="en")


def pages(person) -> list[str]:
    return [LIST, CREATE, IMPORT, edit_url(person)]


# Who may see it


@pytest.mark.parametrize("who", ["manager_client", "admin_client_"])
def test_program_managers_open_every_page(request, person, who):
    client = request.getfixturevalue(who)
    for page in pages(person):
        response = client.get(page)
        assert response.status_code == 200, page
        assert "no-store" in response["Cache-Control"], page


@pytest.mark.parametrize("who", ["leader_client", "outsider_client"])
def test_leadership_and_outsiders_get_403(request, person, who):
    client = request.getfixturevalue(who)
    for page in pages(person):
        assert client.get(page).status_code == 403, page


def test_anonymous_visitors_are_sent_to_log_in(client, person):
    for page in pages(person):
        assert client.get(page).url.startswith("/accounts/login/"), page


def test_unknown_recipient_is_404(manager_client, db):
    assert manager_client.get(reverse("surveys:recipient_edit", args=[999999])).status_code == 404


@pytest.mark.parametrize("who", ["leader_client", "outsider_client", "csrf_manager_client"])
def test_refused_writes_change_nothing(request, person, who):
    client = request.getfixturevalue(who)

    created = client.post(CREATE, recipient_data())
    edited = client.post(edit_url(person), recipient_data(email="changed@example.org"))
    imported = client.post(IMPORT, {"audience": "staff", "csv_text": "email,consent\na@example.org,yes", "confirm": 1})

    assert {created.status_code, edited.status_code, imported.status_code} == {403}
    assert Recipient.objects.count() == 1
    person.refresh_from_db()
    assert person.email == "jordan@example.org"


def test_leadership_has_no_link_to_the_lists(leader_client, manager_client, db):
    leader_page = leader_client.get(reverse("surveys:survey_list"))
    assert leader_page.status_code == 200
    assert "Wellbeing check-in" in leader_page.content.decode()  # the survey list did render
    assert LIST not in leader_page.content.decode()
    assert LIST in manager_client.get(reverse("surveys:survey_list")).content.decode()


# The list


def test_mask_email():
    assert mask_email("jordan@example.org") == "j•••@example.org"
    assert mask_email("x@y.z") == "x•••@y.z"
    assert mask_email("nonsense") == "•••"


def test_list_masks_addresses_and_counts(manager_client, person):
    RecipientFactory(email="sam@example.org", audience="staff", consent=False)
    RecipientFactory(email="lee@example.org", audience="staff", opted_out=True)

    response = manager_client.get(LIST)

    html = response.content.decode()
    assert "j•••@example.org" in html
    assert "jordan@example.org" not in html and "sam@example.org" not in html
    assert response.context["counts"] == {"total": 3, "reachable": 1, "no_consent": 1, "opted_out": 1}
    assert "Export" not in html and "_export" not in html


def test_list_filters(manager_client, person):
    RecipientFactory(audience="staff", consent=False)
    RecipientFactory(audience="staff", consent=True)

    response = manager_client.get(LIST, {"audience": "staff", "consent": "false"})

    assert response.context["counts"]["total"] == 1
    assert len(response.context["table"].rows) == 1
    assert manager_client.get(LIST, {"audience": "partners"}).status_code == 400


def test_list_cannot_be_exported_or_sorted_by_address(manager_client, person):
    response = manager_client.get(LIST, {"_export": "csv", "sort": "email"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "j•••@example.org" in response.content.decode()  # the person is listed, masked
    assert "jordan@example.org" not in response.content.decode()


def test_list_costs_the_same_queries_for_few_and_many(manager_client, assert_constant_queries):
    assert_constant_queries(manager_client, LIST, "recipient list", lambda n: RecipientFactory.create_batch(n))


# Adding and editing


def test_manager_adds_a_person(manager_client, db):
    response = manager_client.post(CREATE, recipient_data(email="  Rosa@Example.org "))

    assert response.status_code == 302
    assert response.url == LIST + "?audience=participants"
    recipient = Recipient.objects.get()
    assert (recipient.email, recipient.language, recipient.consent) == ("Rosa@Example.org", "es", True)
    assert recipient.email_digest


def test_the_same_address_may_be_on_both_lists(manager_client, person):
    response = manager_client.post(CREATE, recipient_data(email="jordan@example.org", audience="staff"))

    assert response.status_code == 302
    assert Recipient.objects.count() == 2


@pytest.mark.parametrize("email", ["jordan@example.org", "JORDAN@example.org"])
def test_a_duplicate_in_the_same_list_is_refused(manager_client, person, assert_bad_input, email):
    response = manager_client.post(CREATE, recipient_data(email=email))

    assert_bad_input(response, "email")
    assert "already on the list of program participants" in response.content.decode()
    assert Recipient.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "not an address"}, "email"),
        ({"email": "=cmd()"}, "email"),
        ({"email": ""}, "email"),
        ({"audience": "partners"}, "audience"),
        ({"language": "fr"}, "language"),
    ],
)
def test_bad_recipient_input_is_refused(manager_client, assert_bad_input, overrides, field):
    response = manager_client.post(CREATE, recipient_data(**overrides))

    assert_bad_input(response, field)
    assert not Recipient.objects.exists()


def test_manager_edits_a_person(manager_client, person):
    response = manager_client.post(edit_url(person), recipient_data(email="jordan@example.org", opted_out="on"))

    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.language, person.consent, person.opted_out) == ("es", True, True)


def test_editing_into_a_taken_address_is_refused(manager_client, person, assert_bad_input):
    other = RecipientFactory(email="other@example.org", audience="participants")

    response = manager_client.post(edit_url(other), recipient_data(email="jordan@example.org"))

    assert_bad_input(response, "email")
    other.refresh_from_db()
    assert other.email == "other@example.org"


def test_edit_page_title_does_not_show_the_address(manager_client, person):
    html = manager_client.get(edit_url(person)).content.decode()

    assert "<h1>Edit j•••@example.org</h1>" in html


def test_a_person_is_found_by_their_whole_address_from_a_post(manager_client):
    """For the person who phones to opt out: the address is encrypted, so it
    is matched through its keyed hash, and sent by POST, never in a URL."""
    from tests.factories import RecipientFactory

    person = RecipientFactory(email="Rosa.M@example.org", audience="participants")
    RecipientFactory(email="other@example.org", audience="participants")
    find = reverse("surveys:recipient_find")
    page = manager_client.get(reverse("surveys:recipient_list")).content.decode()
    assert f'action="{find}"' in page and 'method="post"' in page
    found = manager_client.post(find, {"email": " rosa.m@EXAMPLE.org "})
    assert found.status_code == 302 and found["Location"] == reverse("surveys:recipient_edit", args=[person.pk])
    RecipientFactory(email="rosa.m@example.org", audience="staff")
    both = manager_client.post(find, {"email": "rosa.m@example.org"})
    assert both.status_code == 200 and both.content.decode().count("/edit/") == 2
    nobody = manager_client.post(find, {"email": "nobody@example.org"}, follow=True)
    assert "Nobody on the lists has that address." in nobody.content.decode()
    bad = manager_client.post(find, {"email": "not an address"}, follow=True)
    assert "Enter a valid email address." in bad.content.decode()
    assert manager_client.get(find).status_code == 405


def test_leadership_cannot_look_up_an_address(leader_client):
    assert leader_client.post(reverse("surveys:recipient_find"), {"email": "a@example.org"}).status_code == 403
