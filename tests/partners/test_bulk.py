"""Several partners at once from the partner list: tick them, then set the
stage or the lead, add or remove a tag, or export just them. Changes keep
their history; bad input changes nothing and says why."""

import csv
import html
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from core.roles import PROGRAM_MANAGERS
from partners.bulk import MOST_AT_ONCE
from partners.choices import Stage
from partners.models import Organization
from tests.factories import OrganizationFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("partners:organization_bulk")
LIST = reverse("partners:organization_list")


def text(response) -> str:
    return " ".join(html.unescape(strip_tags(response.content.decode())).split())


@pytest.fixture
def partners():
    return [OrganizationFactory(name=f"Partner {n}", stage=Stage.BUILDING_TRUST) for n in range(4)]


def post(client, ticked, next=None, **data):
    fields = {f"bulk-{name}": value for name, value in data.items()}
    return client.post(URL, {"bulk-partners": [p.pk for p in ticked], **fields, **({"next": next} if next else {})})


def test_the_list_has_a_labelled_tick_box_per_row_for_the_bulk_form(manager_client, partners):
    page = manager_client.get(LIST).content.decode()

    assert 'id="bulk-partners"' in page
    assert f'name="bulk-partners" value="{partners[0].pk}" form="bulk-partners" aria-label="Tick Partner 0"' in page


def test_setting_the_stage_changes_only_the_ticked_partners_and_records_who(manager_client, program_manager, partners):
    ticked, left = partners[:3], partners[3]
    next_url = f"{LIST}?stage=building_trust&page=1"

    response = post(manager_client, ticked, action="stage", stage=Stage.COLLABORATING, next=next_url)

    assert response.status_code == 302 and response.url == next_url
    assert set(Organization.objects.filter(stage=Stage.COLLABORATING)) == set(ticked)
    left.refresh_from_db()
    assert left.stage == Stage.BUILDING_TRUST
    latest = ticked[0].history.first()
    assert latest.stage == Stage.COLLABORATING and latest.history_user == program_manager
    followed = manager_client.get(response.url)
    assert "Stage set to “Collaborating” for 3 partners (3 changed)." in text(followed)


def test_setting_the_lead_keeps_the_tags_in_the_history(manager_client, partners):
    lead = UserFactory(first_name="Ana", last_name="Ruiz", groups=[PROGRAM_MANAGERS])
    tag = TagFactory(name="Coalition")
    partners[0].tags.add(tag)

    response = post(manager_client, partners[:2], action="lead", lead=lead.pk)

    assert response.status_code == 302
    assert {p.relationship_lead for p in Organization.objects.filter(pk__in=[p.pk for p in partners[:2]])} == {lead}
    latest = partners[0].history.first()
    assert latest.relationship_lead == lead
    assert [t.tag for t in latest.tags.all()] == [tag]


def test_tags_are_added_and_removed_with_history(manager_client, partners):
    tag = TagFactory(name="Harm reduction")
    partners[1].tags.add(tag)

    post(manager_client, partners[:3], action="add_tag", tag=tag.pk)
    assert {p.pk for p in tag.organizations.all()} == {p.pk for p in partners[:3]}
    assert [t.tag for t in partners[0].history.first().tags.all()] == [tag]

    response = post(manager_client, partners[:2], action="remove_tag", tag=tag.pk)
    assert {p.pk for p in tag.organizations.all()} == {partners[2].pk}
    assert list(partners[0].history.first().tags.all()) == []
    assert "Tag “Harm reduction” removed from 2 partners (2 had it)." in text(manager_client.get(response.url))


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_export_holds_just_the_ticked_partners(leader_client, partners, export_format):
    response = post(leader_client, [partners[1], partners[3]], action=f"export_{export_format}")

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'filename="partners-ticked.{export_format}"')
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if export_format == "csv":
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    else:
        rows = [list(row) for row in openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]
    assert rows[0][0] == "Name" and "Tick" not in rows[0]
    assert sorted(row[0] for row in rows[1:]) == ["Partner 1", "Partner 3"]


def test_leadership_may_export_but_not_change(leader_client, partners):
    page = leader_client.get(LIST).content.decode()
    assert 'value="export_csv"' in page and 'value="stage"' not in page

    response = post(leader_client, partners, action="stage", stage=Stage.ENDED)

    assert response.status_code == 400
    assert not Organization.objects.filter(stage=Stage.ENDED).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "stage"}, "Choose the stage to set."),
        ({"action": "lead"}, "Choose the lead to set."),
        ({"action": "add_tag"}, "Choose the tag to add."),
        ({"action": "remove_tag", "tag": "999999"}, "Select a valid choice."),
        ({"action": "stage", "stage": "vanished"}, "Select a valid choice."),
        ({"action": "delete_all"}, "Select a valid choice."),
    ],
)
def test_bad_input_changes_nothing_and_says_why(manager_client, partners, data, message):
    response = post(manager_client, partners, **data)

    assert response.status_code == 400
    assert message in text(response)
    assert "Nothing was changed" in text(response)
    assert Organization.objects.filter(stage=Stage.BUILDING_TRUST).count() == len(partners)


def test_nothing_ticked_is_refused_with_what_to_do(manager_client, partners):
    response = post(manager_client, [], action="stage", stage=Stage.COLLABORATING, next=LIST)

    assert response.status_code == 400
    assert "Tick at least one partner in the list first." in text(response)
    assert f'href="{LIST}"' in response.content.decode()


def test_more_than_a_page_at_once_is_refused(manager_client):
    many = Organization.objects.bulk_create(
        [Organization(name=f"Bulk {n}", kind="other", keep_in_touch_days=30) for n in range(MOST_AT_ONCE + 1)]
    )

    response = post(manager_client, many, action="stage", stage=Stage.COLLABORATING)

    assert response.status_code == 400
    assert f"Choose at most {MOST_AT_ONCE} partners at a time." in text(response)
    assert not Organization.objects.filter(stage=Stage.COLLABORATING).exists()


def test_an_outside_return_address_is_not_followed(manager_client, partners):
    response = post(
        manager_client, partners[:1], action="stage", stage=Stage.COLLABORATING, next="https://example.org/"
    )

    assert response.status_code == 302 and response.url == LIST
