"""'You said, we did' tracked (issue 15): an owner, a status, a due day and
the question it answers; respondents see an item once it is done, in the
next invitation, on the survey's first page and on the survey's public
"what we changed" page (reachable from the poster and the short address)."""

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from surveys.models import YouSaidWeDid
from surveys.services.short_address import short_code_of
from tests.factories import QuestionFactory, RoundFactory, SurveyFactory, UserFactory

from .test_round_views import url

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey():
    survey = SurveyFactory(status="active", anonymous=True)
    QuestionFactory(survey=survey, text="Were the hours right?")
    return survey


@pytest.fixture
def earlier(survey):
    long_ago = timezone.now() - datetime.timedelta(days=90)
    return RoundFactory(survey=survey, opened_at=long_ago, closes_at=long_ago + datetime.timedelta(days=21))


def item(**fields) -> dict:
    return {"you_said": "Evenings are hard", "we_did": "Open until 9", "status": "planned"} | fields


def test_an_item_has_an_owner_by_name_a_due_day_and_its_question(manager_client, survey, earlier):
    dana = UserFactory(username="dana7", first_name="Dana", last_name="Ruiz", groups=["Program managers"])
    question = survey.questions.get()
    page = manager_client.get(earlier.get_absolute_url()).content.decode()
    assert ">Dana Ruiz</option>" in page and ">dana7<" not in page
    added = manager_client.post(
        url("loop_item_create", earlier.pk),
        item(owner=dana.pk, due_on="2027-01-15", question=question.pk),
    )
    assert added.status_code == 302
    saved = YouSaidWeDid.objects.get()
    assert (saved.owner, saved.due_on, saved.question, saved.status) == (
        dana,
        datetime.date(2027, 1, 15),
        question,
        "planned",
    )
    shown = manager_client.get(earlier.get_absolute_url()).content.decode()
    assert "Planned" in shown and "Dana Ruiz" in shown and "due 15 Jan 2027" in shown
    assert "answers “Were the hours right?”" in shown


def test_a_question_of_another_survey_is_refused(manager_client, earlier):
    elsewhere = QuestionFactory(survey=SurveyFactory())
    refused = manager_client.post(url("loop_item_create", earlier.pk), item(question=elsewhere.pk))
    assert refused.status_code == 400
    assert not YouSaidWeDid.objects.exists()


@pytest.mark.parametrize(("field", "value"), [("status", "finished"), ("due_on", "9999-12-31"), ("owner", "99999")])
def test_bad_input_is_refused_with_a_message(manager_client, earlier, field, value):
    refused = manager_client.post(url("loop_item_create", earlier.pk), item(**{field: value}))
    assert refused.status_code == 400
    assert field in refused.context["loop_form"].errors


def test_only_a_done_item_reaches_people_and_marking_it_done_does(
    manager_client, survey, earlier, django_capture_on_commit_callbacks
):
    manager_client.post(url("loop_item_create", earlier.pk), item())
    saved = YouSaidWeDid.objects.get()
    changes = url("respond_changes", short_code_of(survey))
    assert "Open until 9" not in Client().get(changes).content.decode()

    edited = manager_client.post(url("loop_item_edit", saved.pk), item(status="done", we_did_es="Abrimos hasta las 9"))
    assert edited.status_code == 302
    public = Client().get(changes).content.decode()
    assert "Evenings are hard" in public and "Open until 9" in public
    assert "Abrimos hasta las 9" in Client().get(changes + "?lang=es").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(url("round_open", survey.pk))
    assert all("Open until 9" in message.body for message in mail.outbox)


def test_the_changes_page_is_reached_from_the_poster_and_between_rounds(manager_client, survey, earlier):
    code = short_code_of(survey)
    poster = manager_client.get(url("survey_poster", survey.pk)).content.decode()
    assert f"testserver/r/{code}/changes" in poster
    between = Client().get(url("respond_short", code)).content.decode()
    assert url("respond_changes", code) in between


def test_leadership_cannot_edit_an_item(leader_client, earlier):
    saved = YouSaidWeDid.objects.create(round=earlier, you_said="x", we_did="y")
    assert leader_client.post(url("loop_item_edit", saved.pk), item()).status_code == 403
