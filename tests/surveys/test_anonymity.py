"""Anonymity that holds: Response and Answer rows can never lead back to a
person, and answering records only *that* an invitation was used."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import registered_models

from partners.models import Contact
from surveys.models import (
    Answer,
    Invitation,
    InvitationToken,
    Recipient,
    ReleaseCount,
    Response,
    ResponseAuthor,
    SpentLink,
    Survey,
)
from surveys.tokens import new_token
from tests.factories import InvitationFactory, QuestionFactory, RoundFactory, SurveyFactory

PERSON_MODELS = (Invitation, InvitationToken, Recipient, Contact)
FORBIDDEN_NAME_PARTS = {"ip", "ipaddress", "addr", "address", "user", "email", "invitation", "recipient", "contact"}
# ResponseAuthor is the one deliberate link, for surveys that are NOT anonymous;
# it is kept in its own table so an anonymous response has no row at all
# (checked by test_anonymous_answer_leaves_no_author below).
ALLOWED_REVERSE = {ResponseAuthor}


def _person_models() -> tuple:
    return (*PERSON_MODELS, get_user_model())


def _column_problems(model, field, where: str) -> list[str]:
    problems = []
    parts = set(field.name.lower().split("_")) | {field.name.lower()}
    if parts & FORBIDDEN_NAME_PARTS:
        problems.append(f"{where}: field named {field.name!r}")
    if isinstance(field, models.DateTimeField | models.TimeField):
        problems.append(f"{where}: {type(field).__name__} {field.name!r} is finer than a day")
    if field.is_relation and field.related_model in _person_models():
        problems.append(f"{where}: {field.name!r} links to {field.related_model.__name__}")
    return problems


def link_problems(model) -> list[str]:
    """Everything on `model` (its columns, and the columns of any table that
    points at it) that could tie a row to a person or an exact moment."""
    problems = []
    for field in model._meta.get_fields():
        if field.concrete:
            problems += _column_problems(model, field, model.__name__)
        elif field.auto_created and field.related_model not in ALLOWED_REVERSE | {Answer}:
            # A reverse relation: the link lives in the other table's columns.
            related = field.related_model
            for column in related._meta.concrete_fields:
                problems += _column_problems(related, column, f"{model.__name__} <- {related.__name__}")
    if model in registered_models.values() or hasattr(model, "history"):
        problems.append(f"{model.__name__} keeps a history table (with exact times and users)")
    return problems


@pytest.mark.parametrize("model", [Response, Answer, SpentLink, ReleaseCount])
def test_answers_hold_no_link_to_a_person_or_a_moment(model):
    assert link_problems(model) == []


def test_a_response_does_not_keep_the_language_of_its_invitation():
    """An invitation's language beside a response's would pair the one
    Spanish answer of a batch with the one Spanish invitation."""
    assert {f.name for f in Response._meta.concrete_fields} == {"id", "round", "submitted_on", "channel"}


@pytest.mark.django_db
def test_anonymity_cannot_change_once_a_round_has_gone_out():
    survey = SurveyFactory(anonymous=True)
    survey.anonymous = False
    survey.save()  # no round yet: still a draft decision
    RoundFactory(survey=survey)
    survey.anonymous = True
    with pytest.raises(ValidationError, match="anonymous cannot change"):
        survey.save()
    with pytest.raises(ValidationError, match="anonymous cannot change"):
        survey.full_clean()
    assert Survey.objects.get(pk=survey.pk).anonymous is False


def test_the_check_catches_what_it_looks_for():
    """Run on models that do hold such links, the same check complains."""
    problems = " ".join(link_problems(Invitation))
    assert "links to Recipient" in problems
    assert "links to Contact" in problems
    assert "DateTimeField 'sent_at'" in problems
    assert link_problems(Contact)  # email, datetime fields, history


def test_response_author_is_the_only_link_and_is_separate():
    fields = {f.name for f in ResponseAuthor._meta.concrete_fields}
    assert fields == {"id", "response", "invitation"}


def test_response_keeps_the_day_only():
    field = Response._meta.get_field("submitted_on")
    assert type(field) is models.DateField
    assert not field.auto_now and not field.auto_now_add


def _invite(survey):
    invitation = InvitationFactory(round=RoundFactory(survey=survey))
    raw, digest = new_token()
    InvitationToken.objects.create(invitation=invitation, token_hash=digest)
    return invitation, raw


def _answer(client, raw, question):
    return client.post(reverse("surveys:respond", args=[raw]), {f"q{question.pk}": "4", "language": "en"})


def _values(invitation) -> dict:
    invitation.refresh_from_db()
    return {f.name: getattr(invitation, f.name) for f in Invitation._meta.concrete_fields}


@pytest.mark.django_db
def test_anonymous_answer_leaves_no_author_no_time_and_the_invitation_untouched(client):
    """The response's transaction writes nothing to the invitation: it is
    marked answered later, with at least k others (services/spent_links.py)."""
    survey = SurveyFactory(anonymous=True)
    question = QuestionFactory(survey=survey)
    invitation, raw = _invite(survey)
    before = _values(invitation)

    assert _answer(client, raw, question).status_code == 302

    response = Response.objects.get()
    assert response.answers.get().number == 4
    assert isinstance(response.submitted_on, datetime.date)
    assert not isinstance(response.submitted_on, datetime.datetime)
    assert not ResponseAuthor.objects.exists()
    assert _values(invitation) == before
    assert SpentLink.objects.count() == 1
    assert _answer(client, raw, question).status_code == 404  # used at once all the same
    assert Response.objects.count() == 1


@pytest.mark.django_db
def test_named_survey_links_the_response_to_its_invitation(client):
    survey = SurveyFactory(anonymous=False, audience="staff")
    question = QuestionFactory(survey=survey)
    invitation, raw = _invite(survey)

    assert _answer(client, raw, question).status_code == 302

    author = ResponseAuthor.objects.get()
    assert author.invitation == invitation
    assert author.response == Response.objects.get()
