"""Markup stored in a question (by a careless or hostile editor) is shown as
text wherever the question is shown: the respondent's page, in both
languages, and the builder's preview and survey page. Before, a question's
hint was rendered as HTML on the respondent page, and a <meta> refresh in
it sent every respondent to another site."""

import pytest
from django.urls import reverse

from surveys.models import InvitationToken
from surveys.tokens import new_token
from tests.factories import InvitationFactory, QuestionFactory, RecipientFactory, RoundFactory, SurveyFactory

pytestmark = pytest.mark.django_db

PAYLOADS = [
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '"><a href="https://evil.example/">click</a>',
]
FIELDS = ["text", "text_es", "help_text", "help_text_es"]


@pytest.fixture(params=PAYLOADS, ids=["meta-refresh", "script", "img-onerror", "attribute-break"])
def payload(request):
    return request.param


@pytest.fixture
def marked_up_survey(payload):
    survey = SurveyFactory(status="active", title=f"T {payload}", title_es=f"T {payload}", anonymous=True)
    for position, kind in enumerate(["agreement", "single_choice", "short_text"], start=1):
        QuestionFactory(
            survey=survey,
            position=position,
            kind=kind,
            **{field: f"{field} {payload}" for field in FIELDS},
            **({"choices": [{"en": f"A {payload}", "es": f"A {payload}"}, {"en": "B", "es": "B"}]}
               if kind == "single_choice" else {}),
        )  # fmt: skip
    return survey


def assert_shown_as_text(page: str, payload: str) -> None:
    assert payload not in page
    assert 'evil.example/">' not in page and "<script>alert" not in page and 'onerror="alert' not in page


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_respondent_page_shows_stored_markup_as_text(client, marked_up_survey, payload, language):
    invitation = InvitationFactory(round=RoundFactory(survey=marked_up_survey), recipient=RecipientFactory())
    raw, digest = new_token()
    InvitationToken.objects.create(invitation=invitation, token_hash=digest)

    page = client.get(reverse("surveys:respond", args=[raw]) + f"?lang={language}")

    html = page.content.decode()
    assert page.status_code == 200 and "help_text" in html  # the hints are on the page
    assert_shown_as_text(html, payload)


@pytest.mark.parametrize("name", ["survey_preview", "survey_detail"])
def test_the_builder_shows_stored_markup_as_text(manager_client, marked_up_survey, payload, name):
    page = manager_client.get(reverse(f"surveys:{name}", args=[marked_up_survey.pk]))

    html = page.content.decode()
    assert page.status_code == 200 and "text " in html
    assert_shown_as_text(html, payload)
