"""Dead links tell nothing: whoever holds a link (a person's partner going
through their phone, someone who found a forwarded email) must not learn
from the page whether it ever was a real link, whether it was used (that
the person answered), whether its round closed, or the language of the
person it was sent to. The survey link's "does not work" page, and the
opt-out page, answer byte for byte the same (but for the CSRF token) for
an unknown link, a used link and a link of a closed round, in English and
in Spanish."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from surveys.models import Invitation
from surveys.tokens import new_token

from .attacks import answer_fields, canary_survey, submit
from .leaks import without_csrf

pytestmark = pytest.mark.django_db


def _links(crowd, survey_round, languages=("en", "es")) -> dict[str, str]:
    """A private link (its token) for a fresh invitation in each language."""
    tokens = {}
    for language in languages:
        invitation = crowd.next_invitation(survey_round)
        Invitation.objects.filter(pk=invitation.pk).update(language=language)
        tokens[language] = crowd.private_link(invitation).rstrip("/").rsplit("/", 1)[-1]
    return tokens


@pytest.fixture
def tokens(crowd, run_the_beat_until) -> dict[str, str]:
    """Raw tokens: unknown, used (en, es), of a closed round (en, es)."""
    run_the_beat_until(timezone.now())
    survey = canary_survey("participants")
    closing = crowd.open_round(survey, invite=4)
    closed = _links(crowd, closing)
    run_the_beat_until(closing.closes_at + datetime.timedelta(hours=1))
    survey_round = crowd.open_round(survey, invite=4)
    used = _links(crowd, survey_round)
    for language, token in used.items():
        url = reverse("surveys:respond", args=[token])
        submit(url, answer_fields(survey, f"released-ok-dead-{language}", allowed=True), language=language)
    return {
        "unknown": new_token()[0],
        **{f"used ({language})": token for language, token in used.items()},
        **{f"closed round ({language})": token for language, token in closed.items()},
    }


def _answers(url_name: str, tokens: dict[str, str], method: str) -> dict[str, tuple[int, str]]:
    answers = {}
    for name, token in tokens.items():
        url = reverse(url_name, args=[token])
        response = getattr(Client(), method)(url)
        answers[name] = (response.status_code, without_csrf(response.content.decode()).replace(token, "<token>"))
    return answers


def _differences(answers: dict[str, tuple[int, str]]) -> list[str]:
    baseline_status, baseline = answers["unknown"]
    found = []
    for name, (status, body) in answers.items():
        if (status, body) != (baseline_status, baseline):
            language = body.split('lang="', 1)[-1][:2] if 'lang="' in body else "?"
            found.append(f"{name}: {status}, lang={language} (unknown link: {baseline_status})")
    return found


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_survey_link_does_not_say_why_it_does_not_work(tokens, method):
    answers = _answers("surveys:respond", tokens, method)
    status, body = answers["unknown"]
    assert (status, "This link does not work anymore" in body) == (404, True), "the control: the friendly page"
    differences = _differences(answers)
    assert not differences, "the dead-link page differs from an unknown link's:\n" + "\n".join(differences)


def test_the_opt_out_link_does_not_say_whether_it_was_real(tokens):
    answers = _answers("surveys:opt_out", tokens, "get")
    status, body = answers["unknown"]
    assert (status, "Stop the emails" in body) == (200, True), "the control: the opt-out page"
    differences = _differences(answers)
    assert not differences, "the opt-out page differs from an unknown link's:\n" + "\n".join(differences)
