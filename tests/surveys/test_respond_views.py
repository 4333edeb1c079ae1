"""The respondent's page at /s/<token>/: no account, GET never uses the
link, one POST records one response, errors keep what was typed."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from surveys.choices import RoundStatus
from surveys.forms.answers import SHORT_TEXT_MAX
from surveys.models import Answer, Invitation, InvitationToken, Response, SpentLink
from surveys.services.answering import LinkAlreadyUsed, record_response
from surveys.tokens import new_token
from tests.factories import InvitationFactory, QuestionFactory, RecipientFactory, RoundFactory, SurveyFactory

pytestmark = pytest.mark.django_db

CHOICES = [{"en": "Food", "es": "Comida"}, {"en": "Housing", "es": "Vivienda"}, {"en": "Health", "es": "Salud"}]


def invite(survey, language="en", **round_kwargs):
    invitation = InvitationFactory(
        round=RoundFactory(survey=survey, **round_kwargs), recipient=RecipientFactory(language=language)
    )
    raw, digest = new_token()
    InvitationToken.objects.create(invitation=invitation, token_hash=digest)
    return invitation, raw


def link(raw: str) -> str:
    return reverse("surveys:respond", args=[raw])


@pytest.fixture
def survey():
    survey = SurveyFactory(status="active", title="Check-in", title_es="Chequeo")
    QuestionFactory(survey=survey, position=1, kind="agreement", text="I feel respected", text_es="Me siento respetada")
    QuestionFactory(survey=survey, position=2, kind="multiple_choice", text="What helps", choices=CHOICES)
    QuestionFactory(survey=survey, position=3, kind="short_text", text="One word")
    QuestionFactory(survey=survey, position=4, kind="long_text", text="Anything else", required=True)
    return survey


@pytest.fixture
def invited(survey):
    return invite(survey)


def valid_answers(survey) -> dict:
    agreement, several, short, long = survey.questions.order_by("position")
    return {
        f"q{agreement.pk}": "4",
        f"q{several.pk}": ["0", "2"],
        f"q{short.pk}": "Kindness",
        f"q{long.pk}": "The evening hours help me.",
        "language": "en",
    }


def nothing_recorded(invitation) -> bool:
    invitation.refresh_from_db()
    return not Response.objects.exists() and not Answer.objects.exists() and not SpentLink.objects.exists()


def test_get_head_and_repeated_gets_never_use_the_link(client, invited):
    invitation, raw = invited
    for _ in range(3):
        page = client.get(link(raw))
        assert page.status_code == 200
        assert "I feel respected" in page.content.decode()
    assert client.head(link(raw)).status_code == 200
    assert nothing_recorded(invitation)


def test_a_valid_post_records_one_response_and_thanks(client, survey, invited):
    invitation, raw = invited
    posted = client.post(link(raw), valid_answers(survey))
    assert posted.status_code == 302
    assert posted["Location"] == reverse("surveys:thanks") + "?lang=en"
    assert client.get(posted["Location"]).status_code == 200
    response = Response.objects.get()
    assert (response.round, response.channel) == (invitation.round, "invited")
    agreement, several, short, long = survey.questions.order_by("position")
    stored = sorted((a.question_id, a.number, a.text) for a in response.answers.all())
    assert stored == [
        (agreement.pk, 4, ""),
        (several.pk, 0, ""),
        (several.pk, 2, ""),
        (short.pk, None, "Kindness"),
        (long.pk, None, "The evening hours help me."),
    ]
    assert SpentLink.objects.count() == 1  # the link is used; the invitation is marked later


def test_used_unknown_and_expired_links_get_the_same_page(client, survey, invited):
    _, raw = invited
    client.post(link(raw), valid_answers(survey))
    used = client.post(link(raw), valid_answers(survey))
    used_get = client.get(link(raw))
    unknown = client.get(link(new_token()[0]))
    _, expired_raw = invite(survey, closes_at=timezone.now() - timezone.timedelta(seconds=1))
    expired = client.get(link(expired_raw))
    _, closed_raw = invite(survey, status=RoundStatus.CLOSED)
    closed = client.post(link(closed_raw), valid_answers(survey))

    pages = [used, used_get, unknown, expired, closed]
    assert {page.status_code for page in pages} == {404}
    assert len({page.content for page in pages}) == 1
    assert "This link does not work anymore" in used.content.decode()
    assert Response.objects.count() == 1


def _refused(client, survey, raw, **changes):
    data = valid_answers(survey) | changes
    page = client.post(link(raw), data)
    assert page.status_code == 400
    return page, page.content.decode()


def test_a_required_question_left_empty_is_refused_and_the_rest_kept(client, survey, invited):
    invitation, raw = invited
    long = survey.questions.get(position=4)
    page, html = _refused(client, survey, raw, **{f"q{long.pk}": ""})
    assert "Please answer this question." in html
    assert 'value="Kindness"' in html
    assert re.search(r'value="4"[^>]*checked', html)
    several = survey.questions.get(position=2)
    assert page.context["form"][f"q{several.pk}"].value() == ["0", "2"]
    assert nothing_recorded(invitation)


def test_prefer_not_to_say_with_another_choice_is_refused(client, survey, invited):
    invitation, raw = invited
    several = survey.questions.get(position=2)
    page, html = _refused(client, survey, raw, **{f"q{several.pk}": ["-1", "1"]})
    assert f"q{several.pk}" in page.context["form"].errors
    assert "Prefer not to say" in html
    assert nothing_recorded(invitation)


def test_text_over_the_maximum_is_refused_and_kept(client, survey, invited):
    invitation, raw = invited
    short = survey.questions.get(position=3)
    too_long = "word " * (SHORT_TEXT_MAX // 5) + "end"
    page, html = _refused(client, survey, raw, **{f"q{short.pk}": too_long})
    assert f"q{short.pk}" in page.context["form"].errors
    assert too_long in html
    assert "The evening hours help me." in html
    assert nothing_recorded(invitation)


def test_switching_language_keeps_answers_and_records_nothing(client, survey, invited):
    invitation, raw = invited
    data = valid_answers(survey) | {"switch_language": "es"}
    page = client.post(link(raw), data)
    html = page.content.decode()
    assert page.status_code == 200
    assert '<html lang="es">' in html
    assert "Chequeo" in html and "Me siento respetada" in html and "Comida" in html
    assert re.search(r'value="4"[^>]*checked', html)
    assert "The evening hours help me." in html
    assert 'name="language" value="es"' in html
    assert "Please answer" not in html  # a switch is not a submission: no errors shown
    assert nothing_recorded(invitation)

    posted = client.post(link(raw), valid_answers(survey) | {"language": "es"})
    assert posted["Location"].endswith("?lang=es")
    assert Response.objects.count() == 1


def test_a_spanish_invitation_opens_in_spanish(client, survey):
    _, raw = invite(survey, language="es")
    html = client.get(link(raw)).content.decode()
    assert '<html lang="es">' in html and "Me siento respetada" in html
    assert 'name="switch_language" value="en"' in html


def test_privacy_headers(client, invited):
    _, raw = invited
    for page in (client.get(link(raw)), client.get(link("nope"))):
        assert "no-store" in page["Cache-Control"]
        assert page["Referrer-Policy"] == "same-origin"


def test_the_page_loads_nothing_from_another_site_and_runs_no_inline_script(client, survey, invited, settings):
    """The one address of another site is the "Leave this page" link, which
    loads nothing and sends no referrer (the address holds the link)."""
    _, raw = invited
    for page in (client.get(link(raw)), client.post(link(raw), {"language": "en"})):
        html = page.content.decode()
        leave = f'<a class="quick-exit" href="{escape(settings.QUICK_EXIT_URL)}" rel="noreferrer"'
        assert html.count(leave) == 1
        html = html.replace(leave, "")
        for url in re.findall(r"""https?://[^\s"'<>]+""", html):
            assert url.startswith("http://testserver/"), url
        for attribute in re.findall(r"""(?:src|href|action)=["']([^"']*)["']""", html):
            assert attribute.startswith(("/", "#", "?")) or attribute == "", attribute
        assert not re.search(r"<script(?![^>]*\ssrc=)", html)
        assert "<link" in html  # the check above does see the stylesheet


def test_a_post_without_csrf_token_is_refused(survey, invited):
    invitation, raw = invited
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(link(raw), valid_answers(survey)).status_code == 403
    assert nothing_recorded(invitation)

    page = browser.get(link(raw))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    posted = browser.post(link(raw), valid_answers(survey) | {"csrfmiddlewaretoken": str(token)})
    assert posted.status_code == 302


@pytest.mark.parametrize("method", ["put", "delete"])
def test_other_methods_are_refused(client, invited, method):
    _, raw = invited
    assert getattr(client, method)(link(raw)).status_code == 405


def _queries_for_a_post(question_count: int) -> int:
    survey = SurveyFactory(status="active")
    questions = QuestionFactory.create_batch(question_count, survey=survey, kind="agreement")
    _, raw = invite(survey)
    client = Client()
    client.get(link(raw))
    with CaptureQueriesContext(connection) as queries:
        posted = client.post(link(raw), {f"q{q.pk}": "3" for q in questions})
    assert posted.status_code == 302
    assert Answer.objects.filter(question__survey=survey).count() == question_count
    return len(queries)


def test_a_post_costs_the_same_queries_for_3_or_30_questions(record_query_counts):
    few, many = _queries_for_a_post(3), _queries_for_a_post(30)
    record_query_counts("survey POST (3 / 30 questions)", few, many)
    assert few == many
    # The link, whether it was used, then the transaction's three writes; the
    # questions are those the page's GET fetched, kept by the process.
    assert few <= 7


def test_a_kept_page_carries_each_visitors_own_csrf_token(survey, invited):
    """The blank page is rendered once per process with a slot for the token:
    two people get two different tokens, each matching their own cookie."""
    _, raw = invited
    tokens = []
    for _ in range(2):
        browser = Client(enforce_csrf_checks=True)
        html = browser.get(link(raw)).content.decode()
        assert "CSRFSLOT" not in html
        tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1))
        posted = browser.post(link(raw), {"switch_language": "es", "csrfmiddlewaretoken": tokens[-1]})
        assert posted.status_code == 200
    assert tokens[0] != tokens[1]


def test_a_second_page_view_costs_two_queries(client, survey, invited):
    """The link lookup and whether it was used: the questions and "you said,
    we did" items of a live survey are kept by the process after the first view."""
    _, raw = invited
    assert client.get(link(raw)).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(link(raw)).status_code == 200
    assert len(queries) == 2


def test_a_stale_invitation_cannot_record_twice(survey, invited):
    """Two posts that both passed the view's check: the link's marker lets
    one of them through."""
    invitation, _ = invited
    stale = Invitation.objects.get(pk=invitation.pk)
    record_response(invitation.round, [], invitation=invitation)
    with pytest.raises(LinkAlreadyUsed):
        record_response(stale.round, [], invitation=stale)
    assert Response.objects.count() == 1


def test_the_intro_says_who_sees_answers_and_how_long_it_takes(client, survey, invited):
    _, raw = invited
    html = client.get(link(raw)).content.decode()
    assert "Your answers are anonymous" in html
    assert "It takes about 5 minutes." in html
    assert "Full Frame Initiative" in html
    # The survey has a required question: the page does not promise otherwise.
    assert "You can skip any question, except the ones marked “needs an answer”." in html
    assert "Anything else (needs an answer)" in html

    survey.questions.update(required=False)
    # A live survey's questions are kept by each web process for a minute.
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        html = client.get(link(raw)).content.decode()
    assert "You can skip any question." in html
    assert "needs an answer" not in html


def test_the_private_token_stays_out_of_the_logs(client, survey, invited, caplog):
    _, raw = invited
    caplog.set_level("DEBUG")
    assert client.post(link(raw), {"language": "en"}).status_code == 400
    assert client.get(link(new_token()[0])).status_code == 404
    assert caplog.records  # something was logged: the status
    assert not any(raw in record.getMessage() or "/s/" in record.getMessage() for record in caplog.records)
