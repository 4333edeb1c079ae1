"""What was changed for speed keeps the promises: the survey page kept by
each web process follows edits, and a form with answers is never served
from it."""

import pytest
from django.urls import reverse

from surveys.models import InvitationToken
from surveys.tokens import new_token
from tests.factories import InvitationFactory, QuestionFactory, RoundFactory, SurveyFactory

pytestmark = pytest.mark.django_db


def test_the_preview_of_a_draft_shows_an_edited_question_at_once(manager_client):
    survey = SurveyFactory(status="draft")
    question = QuestionFactory(survey=survey, text="Before the edit")
    preview = reverse("surveys:survey_preview", args=[survey.pk])
    assert "Before the edit" in manager_client.get(preview).content.decode()

    question.text = "After the edit"
    question.save()

    html = manager_client.get(preview).content.decode()
    assert "After the edit" in html and "Before the edit" not in html


def test_a_form_with_errors_is_rendered_afresh_not_from_the_cache(client):
    survey = SurveyFactory()
    QuestionFactory(survey=survey, required=True, text="Must answer")
    invitation = InvitationFactory(round=RoundFactory(survey=survey), state="sent")
    raw, digest = new_token()
    InvitationToken.objects.create(invitation=invitation, token_hash=digest)
    page = reverse("surveys:respond", args=[raw])
    client.get(page)  # fills the cache with the empty form

    response = client.post(page, {"language": "en"})

    assert response.status_code == 400
    assert "Please answer this question." in response.content.decode()
