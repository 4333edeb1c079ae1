"""What was changed for speed keeps the promises: the survey page kept by
each web process (surveys/views/kept_page.py) is the page the plain way
renders, follows edits, and a form with answers is never served from it."""

import re

import pytest
from django.urls import reverse

from surveys.models import InvitationToken
from surveys.tokens import new_token
from surveys.views import kept_page
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


CSRF_VALUE = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _without_csrf_token(html: str) -> str:
    assert html.count('name="csrfmiddlewaretoken"') == 1
    return CSRF_VALUE.sub('name="csrfmiddlewaretoken" value="…"', html)


def test_the_kept_blank_page_is_the_page_rendered_the_plain_way(client):
    survey = SurveyFactory()
    options = [{"en": "Food", "es": "Comida"}, {"en": "Rent", "es": "Alquiler"}]
    for kind in ("agreement", "likelihood", "yes_no", "single_choice", "multiple_choice", "short_text", "long_text"):
        choices = options if kind.endswith("choice") else []
        QuestionFactory(
            survey=survey, kind=kind, choices=choices, required=kind == "agreement", help_text=f"About {kind}"
        )
    invitation = InvitationFactory(round=RoundFactory(survey=survey), state="sent")
    raw, digest = new_token()
    InvitationToken.objects.create(invitation=invitation, token_hash=digest)
    page = reverse("surveys:respond", args=[raw])
    kept_page._KEPT.clear()

    rendered_to_keep = client.get(page + "?lang=es")
    from_the_kept_page = client.get(page + "?lang=es")
    # Switching language renders the blank form the plain way, never from
    # the kept page (the form is built with what was chosen, here nothing).
    plain = client.post(page, {"switch_language": "es"})

    assert [part.kept and part.blank_page is not None for part in kept_page._KEPT.values()] == [True]
    assert rendered_to_keep.status_code == from_the_kept_page.status_code == plain.status_code == 200
    kept_html = _without_csrf_token(from_the_kept_page.content.decode())
    assert kept_html == _without_csrf_token(plain.content.decode())
    assert kept_html == _without_csrf_token(rendered_to_keep.content.decode())
    assert "About long_text" in kept_html and 'lang="es"' in kept_html


def test_each_request_gets_its_own_csrf_token_in_the_kept_page(client):
    invitation = InvitationFactory(round=RoundFactory(survey=SurveyFactory()), state="sent")
    QuestionFactory(survey=invitation.round.survey)
    raw, digest = new_token()
    InvitationToken.objects.create(invitation=invitation, token_hash=digest)
    page = reverse("surveys:respond", args=[raw])
    client.get(page)

    response = client.get(page)

    html = response.content.decode()
    assert kept_page.CSRF_SLOT not in html
    token = CSRF_VALUE.search(html).group(0)
    assert "…" not in token and len(token) > 40
