"""A program manager builds a survey with every question kind, schedules it,
opens a round by hand and watches the progress bar reach the end while a real
Celery worker sends the invitations over Redis to a local SMTP server."""

import datetime

import pytest
from django.utils import timezone

from surveys.choices import QuestionKind
from surveys.models import Invitation, Recipient
from tests.factories import UserFactory
from tests.surveys.real_services import SmtpSink, Worker, new_queue, require_real_services, web_process_publishes_to

from .conftest import check_page, field, log_in, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

RECIPIENTS = 12


def test_build_schedule_open_and_watch_a_round_go_out(open_page, live_server):
    require_real_services()
    UserFactory(username="dana", first_name="Dana", groups=["Program managers"])
    for n in range(RECIPIENTS):
        Recipient.objects.create(audience="staff", email=f"staff{n}@example.org", consent=True)
    queue = new_queue()
    page = open_page()
    log_in(page, live_server, "dana", "correct-horse-battery")
    page.goto(live_server.url + "/surveys/new/")
    check_page(page, "new survey form")
    field(page, "Title").fill("How are we doing, team?")
    field(page, "Audience").select_option(value="staff")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Add a question").wait_for()
    check_page(page, "survey builder")

    for kind, _label in QuestionKind.choices:
        page.get_by_role("link", name="Add a question").click()
        check_page(page, "question form")
        field(page, "Kind").select_option(value=kind)
        field(page, "Question").fill(f"A {kind.replace('_', ' ')} question about our work")
        if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
            field(page, "Choices").fill("Mornings | Mañanas\nEvenings | Tardes")
        page.get_by_role("button", name="Save question").click()
        page.get_by_role("link", name="Add a question").wait_for()
        check_page(page, f"survey builder with a {kind} question")

    page.get_by_role("link", name="Set a schedule").click()
    check_page(page, "schedule form")
    next_run = timezone.localtime() + datetime.timedelta(days=30)
    field(page, "How often").select_option(value="quarterly")
    field(page, "Next round opens").fill(next_run.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Save schedule").click()
    page.get_by_role("button", name="Make active").wait_for()
    check_page(page, "scheduled survey")
    page.get_by_role("button", name="Make active").click()
    page.get_by_role("link", name="Open a round now").wait_for()
    check_page(page, "active survey")
    screenshot(page, "survey-builder-desktop")

    with SmtpSink() as sink, web_process_publishes_to(queue):
        worker = Worker(sink.port, queue)
        worker.start()
        try:
            page.get_by_role("link", name="Open a round now").click()
            page.get_by_text(f"{RECIPIENTS} people will get an invitation email now.").wait_for()
            check_page(page, "opening a round: how many get an email")
            page.get_by_role("button", name="Open the round and send").click()
            page.get_by_role("progressbar").first.wait_for()
            check_page(page, "round page, sending")
            page.get_by_text(f"{RECIPIENTS} of {RECIPIENTS} sent").wait_for(timeout=240_000)
            check_page(page, "round page, all sent")
            screenshot(page, "round-progress-desktop")
        finally:
            worker.stop()
        assert sum(sink.received.values()) == RECIPIENTS
    assert Invitation.objects.filter(state="sent").count() == RECIPIENTS
    page.get_by_role("link", name="Results").first.click()
    check_page(page, "results, too few responses")
