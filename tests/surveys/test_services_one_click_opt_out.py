"""One-click opt-out (RFC 8058) from a message a real worker sent: the round
goes out through `celery worker` on Redis to a local SMTP server; the test,
as the recipient's mail program, reads the List-Unsubscribe headers of what
arrived and POSTs `List-Unsubscribe=One-Click` to that address, with no
cookie and no CSRF token. The person is opted out; their survey link still
opens and takes their answers."""

import email
import re

import pytest
from django.test import Client

from surveys.choices import SendState
from surveys.models import Invitation, Recipient, Response

from ..security.dumps import KeepingSmtpSink, message_text
from .real_services import Worker, new_queue, publisher, require_real_services, round_with_invitations, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_one_click_post_from_a_received_message_opts_out_and_keeps_the_survey_link():
    require_real_services()
    survey_round = round_with_invitations(3, title="One click")
    queue = new_queue()
    with KeepingSmtpSink() as sink:
        worker = Worker(sink.port, queue, concurrency=1, extra_env={"ORGANIZATION_NAME": "Safer Nights Outreach"})
        worker.start()
        try:
            publisher(queue).send_task("surveys.tasks.dispatch_round", args=[survey_round.pk], queue=queue)
            sent = lambda: Invitation.objects.filter(round=survey_round, state=SendState.SENT).count() == 3  # noqa: E731
            assert wait_for(sent, timeout=120), "the worker did not send the round"
        finally:
            worker.stop()
        received = sink.messages

    message = email.message_from_bytes(received[0])
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["From"].startswith("Safer Nights Outreach <")
    header = " ".join(message["List-Unsubscribe"].split())  # unfolded, as a mail program reads it
    one_click = re.fullmatch(r"<http://testserver(/s/[\w-]+/unsubscribe/)>", header).group(1)
    survey_link = re.search(r"http://testserver(/s/[\w-]+/)\?lang=en", message_text(received[0])).group(1)
    address = email.utils.parseaddr(message["To"])[1]

    mail_program = Client(enforce_csrf_checks=True)
    done = mail_program.post(one_click, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")

    assert done.status_code == 200
    opted_out = [recipient.email for recipient in Recipient.objects.filter(opted_out=True)]
    assert opted_out == [address]  # that person, and only them
    browser = Client()
    assert browser.get(survey_link).status_code == 200
    question = survey_round.survey.questions.get()
    assert browser.post(survey_link, {f"q{question.pk}": "4", "language": "en"}).status_code == 302
    assert Response.objects.filter(round=survey_round).count() == 1
