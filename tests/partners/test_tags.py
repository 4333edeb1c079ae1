"""Tags for staff, outside the admin: the list with how many partners carry
each, add and rename (one tag per name whatever the case), and delete only
a tag no partner carries."""

import html

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from partners.models import Tag
from tests.factories import OrganizationFactory, TagFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return " ".join(html.unescape(strip_tags(response.content.decode())).split())


def test_the_list_counts_partners_per_tag_and_links_to_them(manager_client, django_assert_max_num_queries):
    downtown = TagFactory(name="Downtown")
    TagFactory(name="Eastside")
    for n in range(3):
        OrganizationFactory(name=f"P{n}").tags.add(downtown)

    with django_assert_max_num_queries(8):
        response = manager_client.get(reverse("partners:tag_list"))

    assert response.status_code == 200
    assert "Downtown 3" in text(response) and "Eastside 0" in text(response)
    assert f'href="/partners/?tags={downtown.pk}">3</a>' in response.content.decode()
    # Reached from the partner list.
    assert reverse("partners:tag_list") in manager_client.get(reverse("partners:organization_list")).content.decode()


def test_a_manager_adds_and_renames_a_tag(manager_client):
    response = manager_client.post(reverse("partners:tag_create"), {"name": "  Night   outreach "})
    tag = Tag.objects.get()
    assert response.status_code == 302 and tag.name == "Night outreach"

    response = manager_client.post(reverse("partners:tag_edit", args=[tag.pk]), {"name": "Night work"})
    tag.refresh_from_db()
    assert response.status_code == 302 and tag.name == "Night work"


@pytest.mark.parametrize("typed", ["downtown", "DOWNTOWN ", ""])
def test_a_name_taken_in_another_case_or_empty_is_refused(manager_client, assert_bad_input, typed):
    TagFactory(name="Downtown")

    response = manager_client.post(reverse("partners:tag_create"), {"name": typed})

    assert_bad_input(response, "name")
    assert Tag.objects.count() == 1


def test_renaming_to_its_own_name_in_another_case_is_fine(manager_client):
    tag = TagFactory(name="downtown")

    response = manager_client.post(reverse("partners:tag_edit", args=[tag.pk]), {"name": "Downtown"})

    assert response.status_code == 302
    tag.refresh_from_db()
    assert tag.name == "Downtown"


def test_a_tag_on_partners_is_not_deleted_until_taken_off_them(manager_client):
    tag = TagFactory(name="Coalition")
    partner = OrganizationFactory()
    partner.tags.add(tag)
    url = reverse("partners:tag_delete", args=[tag.pk])

    page = manager_client.get(url)
    assert "1 partner carries this tag. Take it off first" in text(page)
    assert f"/partners/?tags={tag.pk}" in page.content.decode()
    refused = manager_client.post(url)
    assert refused.status_code == 400 and Tag.objects.filter(pk=tag.pk).exists()

    partner.tags.remove(tag)
    deleted = manager_client.post(url)
    assert deleted.status_code == 302 and not Tag.objects.filter(pk=tag.pk).exists()
    assert "Tag “Coalition” deleted." in text(manager_client.get(deleted.url))


def test_leadership_reads_the_tags_but_changes_nothing(leader_client):
    tag = TagFactory(name="Downtown")

    page = leader_client.get(reverse("partners:tag_list"))
    assert page.status_code == 200
    assert reverse("partners:tag_edit", args=[tag.pk]) not in page.content.decode()
    assert leader_client.post(reverse("partners:tag_create"), {"name": "New"}).status_code == 403
    assert leader_client.post(reverse("partners:tag_delete", args=[tag.pk])).status_code == 403
    assert list(Tag.objects.values_list("name", flat=True)) == ["Downtown"]
