"""Recipient groups (issue 15): a survey goes to a whole audience or to
named groups of it ("Night drop-in"); groups are made on their own page,
people join them from their page or an import, and the list filters by
them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from surveys.models import Recipient, RecipientGroup
from surveys.services.rounds import eligible_recipients, open_round
from tests.factories import QuestionFactory, RecipientFactory, SurveyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def night():
    return RecipientGroup.objects.create(name="Night drop-in", audience="participants")


def test_a_survey_with_groups_goes_to_their_members_only_and_once(night):
    evening = RecipientGroup.objects.create(name="Evening van", audience="participants")
    both = RecipientFactory(audience="participants")
    both.groups.add(night, evening)
    only_night = RecipientFactory(audience="participants")
    only_night.groups.add(night)
    RecipientFactory(audience="participants")  # in no group
    opted_out = RecipientFactory(audience="participants", opted_out=True)
    opted_out.groups.add(night)
    survey = SurveyFactory(status="active", audience="participants")
    QuestionFactory(survey=survey)
    assert eligible_recipients(survey).count() == 4 - 1  # everyone who may receive surveys
    survey.groups.add(night, evening)
    assert sorted(eligible_recipients(survey).values_list("pk", flat=True)) == sorted([both.pk, only_night.pk])
    assert open_round(survey).invitations.count() == 2


def test_the_builder_sends_to_groups_of_the_surveys_audience_only(manager_client, night):
    staff_group = RecipientGroup.objects.create(name="Volunteers", audience="staff")
    survey = SurveyFactory(status="draft", audience="participants")
    data = {"title": survey.title, "audience": "participants", "estimated_minutes": 5, "anonymous": "on"}
    refused = manager_client.post(reverse("surveys:survey_edit", args=[survey.pk]), data | {"groups": [staff_group.pk]})
    assert refused.status_code == 400
    assert "Only groups of the survey&#x27;s audience" in refused.content.decode()
    saved = manager_client.post(reverse("surveys:survey_edit", args=[survey.pk]), data | {"groups": [night.pk]})
    assert saved.status_code == 302
    assert list(survey.groups.all()) == [night]
    assert "Night drop-in" in manager_client.get(survey.get_absolute_url()).content.decode()


def test_groups_are_made_on_their_page_and_the_list_filters_by_them(manager_client, night):
    page = reverse("surveys:recipient_groups")
    added = manager_client.post(page, {"name": "Day centre", "audience": "participants"})
    assert added.status_code == 302
    twice = manager_client.post(page, {"name": "night DROP-IN", "audience": "participants"})
    assert twice.status_code == 400 and "There is a group of that name already." in twice.content.decode()
    assert manager_client.post(page, {"name": "", "audience": "nobody"}).status_code == 400
    member = RecipientFactory(audience="participants", email="member@example.org")
    member.groups.add(night)
    RecipientFactory(audience="participants")
    listed = manager_client.get(reverse("surveys:recipient_list"), {"groups": night.pk})
    assert listed.status_code == 200
    assert listed.context["counts"]["total"] == 1
    assert "Night drop-in" in manager_client.get(page).content.decode()


def test_leadership_sees_no_group_form_and_cannot_add(leader_client, night):
    assert leader_client.get(reverse("surveys:recipient_groups")).status_code == 403


def test_a_person_joins_a_group_from_their_page_of_their_audience_only(manager_client, night):
    person = RecipientFactory(audience="staff", email="s@example.org", consent=True)
    data = {"email": "s@example.org", "audience": "staff", "language": "en", "consent": "on", "groups": [night.pk]}
    refused = manager_client.post(reverse("surveys:recipient_edit", args=[person.pk]), data)
    assert refused.status_code == 400
    assert "Not a group of this audience: Night drop-in." in refused.content.decode()
    assert not person.groups.exists()


def test_an_import_can_put_everyone_in_a_group(manager_client, night):
    existing = RecipientFactory(audience="participants", email="old@example.org")
    csv_text = "email,consent\nnew@example.org,yes\nold@example.org,yes\nbad,yes\n"
    checked = manager_client.post(
        reverse("surveys:recipient_import"),
        {"audience": "participants", "group": night.pk, "file": SimpleUploadedFile("p.csv", csv_text.encode())},
    )
    assert checked.status_code == 200
    assert f'name="group" value="{night.pk}"' in checked.content.decode()
    done = manager_client.post(
        reverse("surveys:recipient_import"),
        {"audience": "participants", "group": night.pk, "csv_text": csv_text, "confirm": "True"},
    )
    assert done.status_code == 302
    assert sorted(r.email for r in night.members.all()) == ["new@example.org", "old@example.org"]
    assert existing in night.members.all()
    wrong = manager_client.post(
        reverse("surveys:recipient_import"),
        {"audience": "staff", "group": night.pk, "csv_text": csv_text, "confirm": "True"},
    )
    assert wrong.status_code == 400
    assert Recipient.objects.filter(audience="staff").count() == 0
