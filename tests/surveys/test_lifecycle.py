"""A survey's lifecycle rules hold whichever way it is changed: the builder's
status buttons, the Django admin's change form, or code. Once a round has
gone out, a survey keeps its audience and its anonymity and cannot go back
to draft; archiving pauses its schedule; an empty survey cannot go active."""

import pytest
from django.core.exceptions import ValidationError

from surveys.models import Schedule, Survey
from surveys.models.surveys import DRAFT_LOCKED, NEEDS_A_QUESTION, status_refusal
from tests.admin_pages import admin_change
from tests.factories import QuestionFactory, RoundFactory, ScheduleFactory, SurveyFactory

pytestmark = pytest.mark.django_db


def _admin_change(client, survey: Survey, **changes) -> tuple[int, str]:
    return admin_change(client, survey, "title", **changes)


@pytest.fixture
def sent_survey():
    survey = SurveyFactory(status="active", audience="participants")
    QuestionFactory(survey=survey)
    RoundFactory(survey=survey)
    return Survey.objects.get(pk=survey.pk)


def test_the_admin_cannot_put_a_sent_survey_back_to_draft(admin_client_, sent_survey):
    status, page = _admin_change(admin_client_, sent_survey, status="draft")

    assert status == 200 and "cannot go back to draft" in page
    assert Survey.objects.get(pk=sent_survey.pk).status == "active"


def test_the_admin_cannot_change_a_sent_surveys_audience(admin_client_, sent_survey):
    status, page = _admin_change(admin_client_, sent_survey, audience="staff")

    assert status == 200 and "its audience cannot change" in page
    assert Survey.objects.get(pk=sent_survey.pk).audience == "participants"


def test_the_admin_may_still_rename_a_sent_survey(admin_client_, sent_survey):
    status, _page = _admin_change(admin_client_, sent_survey, title="Renamed")

    assert status == 302
    assert Survey.objects.get(pk=sent_survey.pk).title == "Renamed"


def test_the_admin_cannot_make_an_empty_survey_active(admin_client_):
    survey = SurveyFactory(status="draft")

    status, page = _admin_change(admin_client_, survey, status="active")

    assert status == 200 and "Add at least one question" in page
    assert Survey.objects.get(pk=survey.pk).status == "draft"


def test_archiving_in_the_admin_pauses_the_schedule(admin_client_, sent_survey):
    ScheduleFactory(survey=sent_survey)

    status, _page = _admin_change(admin_client_, sent_survey, status="archived")

    assert status == 302
    assert Schedule.objects.get(survey=sent_survey).active is False


def test_code_cannot_save_a_sent_survey_back_to_draft(sent_survey):
    sent_survey.status = "draft"

    with pytest.raises(ValidationError, match="cannot go back to draft"):
        sent_survey.save()


def test_a_survey_loaded_without_its_locked_fields_saves(sent_survey):
    partial = Survey.objects.only("id", "title").get(pk=sent_survey.pk)
    partial.title = "Only the title"

    partial.save(update_fields=["title"])

    assert Survey.objects.get(pk=sent_survey.pk).title == "Only the title"


@pytest.mark.parametrize(
    ("current", "wanted", "sent", "has_questions", "refused_with"),
    [
        ("draft", "active", False, True, ""),
        ("draft", "active", False, False, NEEDS_A_QUESTION),
        ("active", "draft", False, True, ""),
        ("active", "draft", True, True, DRAFT_LOCKED),
        ("active", "archived", True, True, ""),
        ("archived", "active", True, True, ""),
    ],
)
def test_the_rule_and_the_model_agree(current, wanted, sent, has_questions, refused_with):
    assert status_refusal(current, wanted, sent=sent, has_questions=has_questions) == refused_with
    survey = SurveyFactory(status=current)
    if has_questions:
        QuestionFactory(survey=survey)
    if sent:
        RoundFactory(survey=survey)
    assert Survey.objects.get(pk=survey.pk).refusal_to_become(wanted) == refused_with


def test_the_survey_page_offers_only_what_the_rule_allows(manager_client, sent_survey):
    html = manager_client.get(sent_survey.get_absolute_url()).content.decode()

    assert 'value="archive"' in html
    assert 'value="draft"' not in html and 'value="activate"' not in html


def test_the_admin_refuses_a_reminder_after_the_round_closes(admin_client_, sent_survey):
    schedule = ScheduleFactory(survey=sent_survey, reminder_after_days=3, close_after_days=14)

    status, page = _admin_change(
        admin_client_, sent_survey, **{"schedule-0-reminder_after_days": "14", "schedule-0-close_after_days": "14"}
    )

    assert status == 200 and "The reminder must go out before the round closes" in page
    assert Schedule.objects.get(pk=schedule.pk).reminder_after_days == 3
