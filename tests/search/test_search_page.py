"""The search page (/search/): who may use it, what it shows, and what it
costs in queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from search.results import PER_KIND
from tests.factories import ContactFactory, InteractionFactory, OrganizationFactory, SupportRequestFactory

pytestmark = pytest.mark.django_db

SEARCH = reverse("search:results")
CANARY = "Quetzal marmalade whisper"


def search(client, text: str):
    return client.get(SEARCH, {"q": text})


@pytest.fixture
def harbour(db):
    """One of each kind, the interaction carrying a confidential canary."""
    organization = OrganizationFactory(name="Night Owl Naloxone Crew", service_area="Harbour district")
    ContactFactory(organization=organization, name_or_alias="Rósa", role="Outreach")
    InteractionFactory(organization=organization, summary="Harbour walk planned.", confidential_notes=CANARY)
    SupportRequestFactory(organization=organization, description="Naloxone for the harbour walk")
    return organization


def test_finds_each_kind_ranked_and_linked(manager_client, harbour):
    page = search(manager_client, "harbour").content.decode()

    assert harbour.get_absolute_url() in page
    assert "Harbour walk planned." in page
    assert "Naloxone for the harbour walk" in page
    assert page.index("Night Owl Naloxone Crew") < page.index("Harbour walk planned.")


def test_finds_a_contact_by_alias_without_accents(manager_client, harbour):
    contact = harbour.contacts.get()

    page = search(manager_client, "rosa").content.decode()

    assert reverse("partners:contact_detail", args=[contact.pk]) in page
    assert "Rósa" in page


def test_word_order_and_case_do_not_matter(manager_client, harbour):
    page = search(manager_client, "CREW owl").content.decode()

    assert "Night Owl Naloxone Crew" in page


@pytest.mark.parametrize("who", ["manager_client", "leader_client"])
def test_never_shows_or_finds_confidential_notes(request, harbour, who):
    client = request.getfixturevalue(who)

    shown = search(client, "harbour")
    searched = search(client, CANARY)

    assert shown.status_code == searched.status_code == 200
    assert CANARY not in shown.content.decode()
    # The page repeats the query; what matters is that nothing matched it.
    assert searched.context["found"] == 0
    assert harbour.interactions.get().get_absolute_url() not in searched.content.decode()


def test_leadership_may_search(leader_client, harbour):
    response = search(leader_client, "owl crew")

    assert response.status_code == 200
    assert "Night Owl Naloxone Crew" in response.content.decode()


def test_user_without_a_role_is_refused(outsider_client, harbour):
    assert search(outsider_client, "owl").status_code == 403


def test_anonymous_is_sent_to_sign_in(client, harbour):
    response = search(client, "owl")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_post_is_not_allowed(manager_client):
    assert manager_client.post(SEARCH, {"q": "owl"}).status_code == 405


def test_no_words_no_results_and_no_search_queries(manager_client, harbour):
    with CaptureQueriesContext(connection) as queries:
        response = search(manager_client, " %%% ")

    assert response.status_code == 200
    assert response.context["sections"] == []
    assert not any("partners_" in query["sql"] for query in queries)


def test_header_search_box_only_for_who_may_search(manager_client, outsider_client):
    assert f'action="{SEARCH}"' in manager_client.get(reverse("home")).content.decode()
    assert f'action="{SEARCH}"' not in outsider_client.get(reverse("home")).content.decode()


def test_results_are_capped_with_a_link_to_the_filtered_list(manager_client):
    for number in range(PER_KIND + 1):
        OrganizationFactory(name=f"Owl collective {number}")

    response = search(manager_client, "owl")

    (partners,) = [section for section in response.context["sections"] if section.kind.key == "partners"]
    assert len(partners.rows) == PER_KIND
    assert partners.more_url == reverse("partners:organization_list") + "?q=owl"
    assert 'href="/partners/?q=owl"' in response.content.decode()


def add_matches(first: int, last: int) -> None:
    for number in range(first, last):
        organization = OrganizationFactory(name=f"Owl collective {number}")
        ContactFactory(organization=organization, name_or_alias=f"Owl contact {number}")
        InteractionFactory(organization=organization, summary=f"Owl meeting {number}")
        SupportRequestFactory(organization=organization, description=f"Owl kits {number}")


def count_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert search(client, "owl").status_code == 200
    return len(queries)


def test_queries_do_not_grow_with_results(manager_client, leader_client):
    add_matches(0, 2)
    few = count_queries(manager_client), count_queries(leader_client)
    add_matches(2, PER_KIND + 5)
    many = count_queries(manager_client), count_queries(leader_client)

    assert few == many
    # Session, user, permissions, then one query per kind.
    assert max(many) <= 10
