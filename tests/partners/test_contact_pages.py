"""The contacts list (/partners/contacts/) and a contact's page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partners.choices import Language, OrganizationKind
from tests.factories import ContactFactory, InteractionFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

LIST = reverse("partners:contact_list")


def detail_url(contact) -> str:
    return reverse("partners:contact_detail", args=[contact.pk])


def listed(client, **query) -> list[str]:
    response = client.get(LIST, query)
    assert response.status_code == 200
    return [row.record.name_or_alias for row in response.context["table"].page.object_list]


# The list


@pytest.fixture
def people(db):
    health = OrganizationFactory(name="Clinic", kind=OrganizationKind.HEALTH)
    led = OrganizationFactory(name="Night Owl Crew", kind=OrganizationKind.SEX_WORKER_LED)
    return {
        "rosa": ContactFactory(organization=led, name_or_alias="Rosa", role="Outreach lead", language=Language.SPANISH),
        "val": ContactFactory(organization=led, name_or_alias="Val", role="Treasurer", consent_to_surveys=False),
        "dee": ContactFactory(organization=health, name_or_alias="Dee", role="Nurse", opted_out=True),
    }


def test_lists_every_contact_with_its_partner(manager_client, people):
    response = manager_client.get(LIST)
    page = response.content.decode()

    assert listed(manager_client) == ["Dee", "Rosa", "Val"]
    assert detail_url(people["rosa"]) in page
    assert people["rosa"].organization.get_absolute_url() in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"organization__kind": OrganizationKind.HEALTH}, ["Dee"]),
        ({"language": Language.SPANISH}, ["Rosa"]),
        ({"consent_to_surveys": "false"}, ["Val"]),
        ({"opted_out": "true"}, ["Dee"]),
        ({"q": "lead outreach"}, ["Rosa"]),
        ({"q": "ROSA"}, ["Rosa"]),
        ({"q": "rosa treasurer"}, []),
    ],
)
def test_filters(manager_client, people, query, expected):
    assert listed(manager_client, **query) == expected


def test_search_does_not_look_inside_email_or_phone(manager_client, people):
    ContactFactory(name_or_alias="Kim", email="findme@example.org", phone="5550100")

    assert listed(manager_client, q="findme") == []
    assert listed(manager_client, q="5550100") == []


def test_list_never_shows_or_exports_email_or_phone(manager_client, people):
    page = manager_client.get(LIST).content.decode()
    export = manager_client.get(LIST, {"_export": "csv"}).content.decode()

    for contact in people.values():
        assert contact.email not in page
        assert contact.email not in export
    assert "Rosa" in export


def test_an_unknown_choice_is_bad_input(manager_client, people):
    assert manager_client.get(LIST, {"language": "xx"}).status_code == 400


def test_list_costs_the_same_queries_for_few_and_many(manager_client, people):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert manager_client.get(LIST).status_code == 200
        return len(queries)

    few = count()
    ContactFactory.create_batch(20)

    assert count() == few


def test_leadership_may_read_the_list_and_a_user_without_a_role_may_not(leader_client, outsider_client, people):
    assert leader_client.get(LIST).status_code == 200
    assert outsider_client.get(LIST).status_code == 403


# A contact's page


def test_page_links_phone_and_email(manager_client):
    contact = ContactFactory(name_or_alias="Rosa", email="rosa@example.org", phone="+1 555 0100")

    page = manager_client.get(detail_url(contact)).content.decode()

    assert 'href="tel:+15550100"' in page
    assert 'href="mailto:rosa@example.org"' in page
    assert "Asked never to be emailed" not in page


def test_opted_out_contact_shows_email_without_a_link(manager_client):
    contact = ContactFactory(name_or_alias="Dee", email="dee@example.org", opted_out=True, consent_to_surveys=False)

    page = manager_client.get(detail_url(contact)).content.decode()

    assert "dee@example.org" in page
    assert "mailto:" not in page
    assert "Asked never to be emailed" in page


def test_leadership_sees_the_contact_but_never_their_email_or_phone(leader_client):
    contact = ContactFactory(name_or_alias="Rosa", email="rosa@example.org", phone="5550100")

    response = leader_client.get(detail_url(contact))
    page = response.content.decode()

    assert response.status_code == 200
    assert "Rosa" in page
    assert "rosa@example.org" not in page
    assert "5550100" not in page
    assert {"email", "phone"} <= response.context["contact"].get_deferred_fields()


def test_page_lists_their_interactions_without_confidential_notes(manager_client):
    contact = ContactFactory(name_or_alias="Rosa")
    interaction = InteractionFactory(
        organization=contact.organization, summary="Planned the harbour walk.", confidential_notes="Secret canary"
    )
    interaction.contacts.add(contact)

    page = manager_client.get(detail_url(contact)).content.decode()

    assert "Planned the harbour walk." in page
    assert "Secret canary" not in page


def test_partner_page_links_to_each_contact(manager_client):
    contact = ContactFactory(name_or_alias="Rosa")

    page = manager_client.get(contact.organization.get_absolute_url()).content.decode()

    assert detail_url(contact) in page


def test_missing_contact_is_404(manager_client):
    assert manager_client.get(reverse("partners:contact_detail", args=[999999])).status_code == 404


def test_user_without_a_role_is_refused_the_page(outsider_client):
    assert outsider_client.get(detail_url(ContactFactory())).status_code == 403
