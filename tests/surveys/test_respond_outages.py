"""Nothing a respondent typed is lost to a busy connection, a database
error or a Redis outage: a POST that cannot be taken shows the answers
again, ready to send with one press; with Redis away the pages work."""

import html
import re
from unittest import mock

import pytest
from django.core.cache import caches
from django.db import OperationalError
from django.test import Client

from crm.settings.base import redis_caches
from surveys.models import Response
from surveys.views.limits import PER_LINK, allowed
from tests.surveys.real_services import free_port
from tests.surveys.test_respond_views import invite, link, nothing_recorded, survey, valid_answers  # noqa: F401

pytestmark = pytest.mark.django_db


def hidden_fields(page: str) -> list[tuple[str, str]]:
    return [
        (name, html.unescape(value))
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page)
        if name != "csrfmiddlewaretoken"
    ]


def as_pairs(data: dict) -> list[tuple[str, str]]:
    return sorted(
        (name, value) for name, values in data.items() for value in ([values] if isinstance(values, str) else values)
    )


def test_a_rate_limited_post_keeps_the_answers_and_sends_them_later(survey, frozen_clock):  # noqa: F811
    invitation, raw = invite(survey)
    answers = valid_answers(survey) | {f"q{survey.questions.last().pk}": 'Tea & "quiet" <3'}
    client = Client()
    for _ in range(allowed(PER_LINK)):
        assert client.get(link(raw), REMOTE_ADDR="10.0.0.1").status_code == 200

    limited = client.post(link(raw), answers, REMOTE_ADDR="10.0.0.1")

    page = limited.content.decode()
    assert limited.status_code == 429 and "Your answers are not sent yet" in page
    assert sorted(hidden_fields(page)) == as_pairs(answers)
    assert nothing_recorded(invitation)
    frozen_clock.shift(61)  # a minute later, the person presses the button: the same fields again
    sent = client.post(link(raw), dict_of(hidden_fields(page)), REMOTE_ADDR="10.0.0.1")
    assert sent.status_code == 302
    assert Response.objects.count() == 1


def dict_of(pairs: list[tuple[str, str]]) -> dict:
    data: dict[str, list[str]] = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return data


def test_a_database_error_while_saving_keeps_the_answers(client, survey):  # noqa: F811
    invitation, raw = invite(survey, language="es")
    answers = valid_answers(survey) | {"language": "es"}
    with mock.patch("surveys.views.respond.record_response", side_effect=OperationalError("server closed")):
        failed = client.post(link(raw), answers)

    page = failed.content.decode()
    assert failed.status_code == 503 and 'lang="es"' in page
    assert "No pudimos guardar sus respuestas en este momento." in page
    assert sorted(hidden_fields(page)) == as_pairs(answers)
    assert client.post(link(raw), dict_of(hidden_fields(page))).status_code == 302
    assert Response.objects.count() == 1


def test_the_kept_page_tells_nothing_about_the_link(client, survey):  # noqa: F811
    """Built from the POST alone: a made-up link gets the same page."""
    _invitation, raw = invite(survey)
    answers = valid_answers(survey)
    with mock.patch("surveys.views.respond.record_response", side_effect=OperationalError("server closed")):
        real = client.post(link(raw), answers)
    with mock.patch("surveys.views.respond._find_invitation", side_effect=OperationalError("server closed")):
        made_up = client.post(link("made-up-token"), answers)
    assert real.status_code == made_up.status_code == 503

    def without_csrf(page: bytes) -> str:
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page.decode())

    assert without_csrf(real.content) == without_csrf(made_up.content)
    assert sorted(hidden_fields(real.content.decode())) == as_pairs(answers)


@pytest.fixture
def redis_away(settings):
    """The caches as production has them (crm.settings.base), on a Redis
    where nothing listens."""
    settings.CACHES = redis_caches(f"redis://127.0.0.1:{free_port()}/0")
    settings.RATELIMIT_USE_CACHE = "rate_limit"
    settings.DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    yield
    caches["rate_limit"].close()


def test_with_redis_away_the_survey_page_and_the_answers_still_work(client, survey, redis_away, caplog):  # noqa: F811
    _invitation, raw = invite(survey)

    assert client.get(link(raw)).status_code == 200
    assert client.post(link(raw), valid_answers(survey)).status_code == 302

    assert Response.objects.count() == 1
    assert any("ignored" in record.getMessage().lower() for record in caplog.records)  # said in the log
