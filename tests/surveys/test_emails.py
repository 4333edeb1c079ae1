"""The invitation and reminder emails: subject, text and HTML, in the
person's language, with the opt-out link and "you said, we did"."""

import datetime
import re

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.utils import timezone, translation

from surveys import emails
from surveys.models import YouSaidWeDid
from tests.factories import InvitationFactory, QuestionFactory, RecipientFactory, RoundFactory, SurveyFactory

pytestmark = pytest.mark.django_db

TOKEN = "T" * 43


@pytest.fixture
def survey():
    survey = SurveyFactory(status="active", title="Safety & trust", title_es="Seguridad y confianza", anonymous=True)
    QuestionFactory(survey=survey)
    return survey


def invitation_in(survey, language="en", **round_kwargs):
    return InvitationFactory(
        round=RoundFactory(survey=survey, **round_kwargs), recipient=RecipientFactory(language=language)
    )


def sent(invitation, kind="invitation", last=False):
    context = emails.round_context(invitation.round, invitation.language)
    emails.survey_email(kind, invitation, TOKEN, context, last=last).send()
    (message,) = mail.outbox
    return message, message.alternatives[0][0]


def test_subject_text_and_html(survey):
    message, html = sent(invitation_in(survey))
    assert message.subject == "How are we doing? Safety & trust"
    assert "Safety &amp; trust" in html  # escaped in HTML, plain in text and subject
    assert "&amp;" not in message.body
    assert f"http://testserver/s/{TOKEN}/?lang=en" in message.body
    assert f'href="http://testserver/s/{TOKEN}/?lang=en"' in html
    assert "Your answers are anonymous." in message.body
    assert "It takes about 5 minutes." in html
    assert '<html lang="en">' in html


def test_every_email_carries_the_opt_out_link_and_one_click_headers(survey, settings):
    """RFC 8058: the header's address takes the mail program's POST; the
    link in the text opens the page with the button. RFC 3834: no
    auto-replies. The organization's name in the sender and the text."""
    settings.ORGANIZATION_NAME = "Safer Nights Outreach"
    settings.DEFAULT_FROM_EMAIL = "feedback@example.org"
    message, html = sent(invitation_in(survey), kind="reminder")
    opt_out = f"http://testserver/s/{TOKEN}/opt-out/?lang=en"
    assert message.extra_headers["List-Unsubscribe"] == f"<http://testserver/s/{TOKEN}/unsubscribe/>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert message.from_email == "Safer Nights Outreach <feedback@example.org>"
    assert "This is Safer Nights Outreach." in message.body
    assert message.body.count("Safer Nights Outreach") == 2  # and under the thanks
    assert "This is Safer Nights Outreach." in html
    assert opt_out in message.body
    assert f'href="{opt_out}"' in html
    assert message.subject == "A reminder: Safety & trust"


def test_a_spanish_invitation_uses_the_spanish_title_and_page_language(survey):
    message, html = sent(invitation_in(survey, language="es"))
    assert "Seguridad y confianza" in message.subject
    assert "Safety" not in message.subject + message.body
    assert '<html lang="es">' in html


def test_a_spanish_invitation_is_written_in_spanish(survey):
    message, html = sent(invitation_in(survey, language="es"))
    assert "Hello," not in message.body
    assert "Hello," not in html
    assert message.body.startswith("Hola:")
    assert "Gracias." in html


def test_the_email_says_only_what_is_true(survey):
    named = SurveyFactory(status="active", anonymous=False)
    QuestionFactory(survey=named, required=True)
    message, html = sent(invitation_in(named))
    assert "anonymous" not in message.body.lower() and "anonymous" not in html.lower()
    assert "except the ones marked" in message.body


def test_a_title_cannot_break_the_subject_line(survey):
    survey.title = "Line one\nBcc: someone@example.com"
    survey.save()
    message, _ = sent(invitation_in(survey))
    assert "\n" not in message.subject
    message.message()  # would raise BadHeaderError on a newline


def test_no_resource_from_another_site(survey):
    _, html = sent(invitation_in(survey))
    assert "<img" not in html and "<script" not in html
    urls = re.findall(r"""https?://[^\s"'<>]+""", html)
    assert urls  # the check sees the survey and opt-out links
    for url in urls:
        assert url.startswith("http://testserver/"), url


def test_you_said_we_did_from_the_previous_round(survey):
    now = timezone.now()
    older = RoundFactory(survey=survey, opened_at=now - datetime.timedelta(days=200))
    previous = RoundFactory(survey=survey, opened_at=now - datetime.timedelta(days=100))
    YouSaidWeDid.objects.create(round=older, you_said="Old news", we_did="Long done", status="done")
    YouSaidWeDid.objects.create(
        round=previous,
        you_said="Evenings are hard <b>",
        you_said_es="Las tardes son difíciles",
        we_did="We open until 9",
        we_did_es="Abrimos hasta las 9",
        status="done",
    )
    current = invitation_in(survey, opened_at=now)

    message, html = sent(current)
    assert "You said: Evenings are hard <b>" in message.body
    assert "We did: We open until 9" in message.body
    assert "Evenings are hard &lt;b&gt;" in html
    assert "Old news" not in message.body

    mail.outbox.clear()
    spanish = InvitationFactory(round=current.round, recipient=RecipientFactory(language="es"))
    message, html = sent(spanish)
    assert "Las tardes son difíciles" in message.body and "Abrimos hasta las 9" in html


def test_loop_items_never_come_from_the_same_or_a_later_round(survey):
    current = RoundFactory(survey=survey)
    later = RoundFactory(survey=survey, opened_at=current.opened_at + datetime.timedelta(days=1))
    YouSaidWeDid.objects.create(round=current, you_said="This round", we_did="x", status="done")
    YouSaidWeDid.objects.create(round=later, you_said="Later", we_did="y", status="done")
    assert emails.loop_items(survey, "en", before=current) == []
    assert [i["you_said"] for i in emails.loop_items(survey, "en")] == ["Later"]


def test_sending_leaves_the_active_language_alone(survey):
    with translation.override("en"):
        sent(invitation_in(survey, language="es"))
        assert translation.get_language() == "en"


def test_a_groups_filled_emails_equal_each_made_alone(survey):
    """The group path renders each round's text once with a slot for the
    token (emails.survey_emails); each email equals the one rendered for the
    person alone with their own link, and carries only that link."""
    rows = [invitation_in(survey, language) for language in ("en", "es", "en")]
    for row in rows[1:]:
        type(row).objects.filter(pk=row.pk).update(round=rows[0].round)
        row.refresh_from_db()
    tokens = [f"{'abc'[n]}" * 43 for n in range(3)]
    grouped = emails.survey_emails(
        "reminder", list(zip(rows, tokens, strict=True)), lambda row: emails.round_context(row.round, row.language)
    )
    for row, token, message in zip(rows, tokens, grouped, strict=True):
        with translation.override(row.language):
            values = emails.round_context(row.round, row.language) | emails._links(token, row.language)
            alone = (
                " ".join(
                    render_to_string("surveys/email/reminder_subject.txt", values | {"last_reminder": False}).split()
                ),
                render_to_string("surveys/email/reminder.txt", values | {"last_reminder": False}),
                render_to_string("surveys/email/reminder.html", values | {"last_reminder": False}),
            )
        assert (message.subject, message.body, message.alternatives[0][0]) == alone
        assert message.to == [row.email]
        assert all(other not in message.message().as_bytes().decode() for other in tokens if other != token)
        assert token in message.message().as_bytes().decode()
