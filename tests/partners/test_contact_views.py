"""Adding and editing a partner's contacts."""

import pytest
from django.urls import reverse

from partners.choices import Channel, Language
from partners.models import Contact
from tests.factories import ContactFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

PAGES = ["contact_create", "contact_edit"]


def contact_data(**overrides) -> dict:
    data = {
        "name_or_alias": "Rosa",
        "role": "Outreach lead",
        "email": "rosa@example.org",
        "preferred_channel": Channel.SECURE_MESSENGER,
        "language": Language.SPANISH,
        "consent_to_surveys": "on",
    }
    return {key: value for key, value in (data | overrides).items() if value is not None}


def create_url(organization) -> str:
    return reverse("partners:contact_create", args=[organization.pk])


def edit_url(contact) -> str:
    return reverse("partners:contact_edit", args=[contact.pk])


def test_program_manager_adds_a_contact(manager_client, sample_rows):
    organization = sample_rows.organization

    response = manager_client.post(create_url(organization), contact_data(), follow=True)

    contact = Contact.objects.get(name_or_alias="Rosa")
    assert contact.organization == organization
    assert contact.language == Language.SPANISH
    assert contact.can_receive_surveys
    assert response.redirect_chain[-1][0] == organization.get_absolute_url() + "#contacts"
    assert "Contact Rosa added." in response.content.decode()


def test_program_manager_edits_a_contact(manager_client, sample_rows):
    contact = sample_rows.contact

    response = manager_client.post(edit_url(contact), contact_data(name_or_alias="Rosa M.", opted_out="on"))

    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.name_or_alias, contact.opted_out) == ("Rosa M.", True)
    assert contact.organization == sample_rows.organization


def test_organization_cannot_be_changed_through_the_form(manager_client, sample_rows):
    other = OrganizationFactory()
    contact = sample_rows.contact

    manager_client.post(edit_url(contact), contact_data(name_or_alias="Moved?", organization=other.pk))
    manager_client.post(create_url(sample_rows.organization), contact_data(organization=other.pk))

    contact.refresh_from_db()
    assert (contact.name_or_alias, contact.organization) == ("Moved?", sample_rows.organization)
    assert Contact.objects.get(name_or_alias="Rosa").organization == sample_rows.organization
    assert not other.contacts.exists()


# Who may use the pages


@pytest.mark.parametrize("page", PAGES)
def test_program_manager_gets_contact_forms(manager_client, partner_urls, page):
    assert manager_client.get(partner_urls[page]).status_code == 200


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("who", ["leader_client", "outsider_client"])
def test_contact_forms_are_refused_without_the_role(request, partner_urls, who, page):
    client = request.getfixturevalue(who)

    assert client.get(partner_urls[page]).status_code == 403


@pytest.mark.parametrize("who", ["leader_client", "outsider_client"])
def test_refused_contact_writes_change_nothing(request, sample_rows, who):
    client = request.getfixturevalue(who)
    contact = sample_rows.contact
    alias = contact.name_or_alias

    created = client.post(create_url(sample_rows.organization), contact_data())
    edited = client.post(edit_url(contact), contact_data(name_or_alias="Changed"))

    assert (created.status_code, edited.status_code) == (403, 403)
    assert Contact.objects.count() == 1
    contact.refresh_from_db()
    assert contact.name_or_alias == alias


def test_unknown_partner_or_contact_is_404(manager_client, db):
    assert manager_client.get(reverse("partners:contact_create", args=[999999])).status_code == 404
    assert manager_client.get(reverse("partners:contact_edit", args=[999999])).status_code == 404


def test_contact_forms_need_the_csrf_token(csrf_manager_client, sample_rows):
    contact = sample_rows.contact
    alias = contact.name_or_alias

    created = csrf_manager_client.post(create_url(sample_rows.organization), contact_data())
    edited = csrf_manager_client.post(edit_url(contact), contact_data(name_or_alias="Changed"))

    assert (created.status_code, edited.status_code) == (403, 403)
    assert Contact.objects.count() == 1
    contact.refresh_from_db()
    assert contact.name_or_alias == alias


# Bad input


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name_or_alias": ""}, "name_or_alias"),
        ({"email": "not-an-address"}, "email"),
        ({"email": ""}, "email"),  # consent to surveys needs an address
        ({"language": "fr"}, "language"),
        ({"preferred_channel": "carrier_pigeon"}, "preferred_channel"),
    ],
)
def test_bad_contact_input_is_refused(manager_client, sample_rows, assert_bad_input, overrides, field):
    response = manager_client.post(create_url(sample_rows.organization), contact_data(role="Typed role", **overrides))

    assert_bad_input(response, field)
    assert 'value="Typed role"' in response.content.decode()
    assert Contact.objects.count() == 1


def test_duplicate_alias_in_the_same_partner_is_refused(manager_client, sample_rows, assert_bad_input):
    taken = sample_rows.contact.name_or_alias

    response = manager_client.post(create_url(sample_rows.organization), contact_data(name_or_alias=taken))

    assert_bad_input(response, "name_or_alias")
    assert Contact.objects.filter(name_or_alias=taken).count() == 1


def test_renaming_to_a_taken_alias_is_refused(manager_client, sample_rows, assert_bad_input):
    contact = ContactFactory(organization=sample_rows.organization, name_or_alias="Jay")

    response = manager_client.post(edit_url(contact), contact_data(name_or_alias=sample_rows.contact.name_or_alias))

    assert_bad_input(response, "name_or_alias")
    contact.refresh_from_db()
    assert contact.name_or_alias == "Jay"


def test_same_alias_at_another_partner_is_fine(manager_client, sample_rows):
    other = OrganizationFactory()

    response = manager_client.post(create_url(other), contact_data(name_or_alias=sample_rows.contact.name_or_alias))

    assert response.status_code == 302
    assert other.contacts.get().name_or_alias == sample_rows.contact.name_or_alias


def test_saving_a_contact_unchanged_is_not_a_duplicate(manager_client, sample_rows):
    contact = sample_rows.contact

    response = manager_client.post(edit_url(contact), contact_data(name_or_alias=contact.name_or_alias))

    assert response.status_code == 302
