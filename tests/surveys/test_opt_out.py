"""The opt-out link in every email: no login, a confirm button, and it works
after the survey was answered or closed."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from core import outbox
from partners.models import Contact
from surveys.choices import RoundStatus
from surveys.models import Invitation, InvitationToken, Recipient, Response, Round
from surveys.services import sending
from surveys.services.rounds import open_round
from surveys.tokens import new_token
from tests.factories import ContactFactory, InvitationFactory, QuestionFactory, RoundFactory, SurveyFactory

pytestmark = pytest.mark.django_db


def with_link(invitation: Invitation) -> str:
    raw, digest = new_token()
    InvitationToken.objects.create(invitation=invitation, token_hash=digest)
    return reverse("surveys:opt_out", args=[raw])


@pytest.fixture
def invitation():
    survey = SurveyFactory(status="active")
    QuestionFactory(survey=survey)
    return InvitationFactory(round=RoundFactory(survey=survey))


def test_get_asks_to_confirm_and_changes_nothing(client, invitation):
    url = with_link(invitation)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert re.search(r'<form method="post">', html)
    assert "Stop the emails" in html
    assert "no-store" in page["Cache-Control"]
    client.head(url)
    assert Recipient.objects.get().opted_out is False


def test_post_opts_a_recipient_out(client, invitation):
    page = client.post(with_link(invitation), {"language": "en"})
    assert page.status_code == 200
    assert "We will not send you survey emails anymore." in page.content.decode()
    assert Recipient.objects.get(pk=invitation.recipient_id).opted_out is True


def test_post_opts_a_partner_contact_out():
    survey = SurveyFactory(status="active", audience="partners", anonymous=False)
    contact = ContactFactory()
    invitation = InvitationFactory(round=RoundFactory(survey=survey), recipient=None, contact=contact)
    Client().post(with_link(invitation))
    contact.refresh_from_db()
    assert contact.opted_out is True
    assert not contact.can_receive_surveys


def test_it_works_after_the_link_was_used_and_after_the_round_closed(client, invitation):
    url = with_link(invitation)
    Invitation.objects.filter(pk=invitation.pk).update(responded=True)
    Round.objects.filter(pk=invitation.round_id).update(status=RoundStatus.CLOSED)
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 200
    assert Recipient.objects.get().opted_out is True


def test_an_unknown_link_opts_nobody_out_and_looks_the_same(client, invitation):
    """Same page, same status, before and after pressing the button: the
    page tells nobody whether a link was real (docs/privacy.md)."""
    unknown = reverse("surveys:opt_out", args=[new_token()[0]])
    known = with_link(invitation)
    assert _without_csrf(client.get(unknown)) == _without_csrf(client.get(known))
    page = client.post(unknown)
    assert page.status_code == 200
    assert "Done. We will not send you survey emails anymore." in page.content.decode()
    assert not Recipient.objects.filter(opted_out=True).exists()


def _without_csrf(page) -> tuple[int, str]:
    return page.status_code, re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page.content.decode())


def test_the_link_in_the_email_opts_out_and_no_later_round_invites_them(invitation):
    outbox.deliver(sending.FIRST_EMAILS, [invitation.pk])
    url = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>").removeprefix("http://testserver")
    Client().post(url)
    assert Recipient.objects.get().opted_out is True
    later = open_round(invitation.round.survey)
    assert not later.invitations.exists()


def test_a_spanish_person_sees_the_page_in_spanish(client):
    """In the language the email's link carries (emails.py adds ?lang=)."""
    invitation = InvitationFactory(round=RoundFactory(), recipient__language="es", language="es")
    html = client.get(with_link(invitation) + "?lang=es").content.decode()
    assert '<html lang="es">' in html
    assert 'name="language" value="es"' in html


def test_a_post_without_csrf_token_changes_nothing(invitation):
    url = with_link(invitation)
    assert Client(enforce_csrf_checks=True).post(url).status_code == 403
    assert Contact.objects.filter(opted_out=True).count() == 0
    assert Recipient.objects.get().opted_out is False


def test_one_click_opt_out_takes_the_mail_programs_post_and_leaves_the_survey_link_working(invitation):
    """RFC 8058: the mail program POSTs `List-Unsubscribe=One-Click` to the
    header's address, with no cookie and no CSRF token. The person is opted
    out; their survey link still opens and records their answers."""
    outbox.deliver(sending.FIRST_EMAILS, [invitation.pk])
    email = mail.outbox[0]
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    one_click = email.extra_headers["List-Unsubscribe"].strip("<>").removeprefix("http://testserver")
    survey_link = re.search(r"http://testserver(/s/[\w-]+/)", email.body).group(1)
    mail_program = Client(enforce_csrf_checks=True)

    done = mail_program.post(one_click, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")

    assert done.status_code == 200
    assert not done.cookies  # nothing kept about the person
    assert Recipient.objects.get().opted_out is True
    person = Client(enforce_csrf_checks=True)
    page = person.get(survey_link)
    assert page.status_code == 200
    question = invitation.round.survey.questions.get()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    answered = person.post(survey_link, {f"q{question.pk}": "3", "csrfmiddlewaretoken": token})
    assert answered.status_code == 302
    assert Response.objects.count() == 1


def test_a_get_of_the_one_click_address_only_asks(client, invitation):
    """Mail scanners open every address in a message: a GET changes nothing."""
    raw, digest = new_token()
    InvitationToken.objects.create(invitation=invitation, token_hash=digest)
    page = client.get(reverse("surveys:one_click_opt_out", args=[raw]))
    assert page.status_code == 200
    assert "Stop the emails" in page.content.decode()
    assert not Recipient.objects.filter(opted_out=True).exists()


def test_only_the_one_click_address_takes_a_post_without_a_csrf_token(invitation):
    raw, digest = new_token()
    InvitationToken.objects.create(invitation=invitation, token_hash=digest)
    forged = Client(enforce_csrf_checks=True)
    assert forged.post(reverse("surveys:opt_out", args=[raw])).status_code == 403
    assert forged.post(reverse("surveys:respond", args=[raw]), {}).status_code == 403
    assert not Recipient.objects.filter(opted_out=True).exists()
