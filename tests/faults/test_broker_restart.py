"""Redis, the broker, is down when a round is opened, and comes back empty:
the round's invitations go out within about a minute of its return, once
each. A real worker with its scheduler inside (`--beat`), on a Redis of the
test's own, and a real SMTP server."""

import time
from functools import partial

import pytest
from celery import Celery

from core import queueing
from surveys.choices import SendState
from surveys.models import Invitation
from tests.surveys.real_services import Worker, new_queue, require_real_services, round_with_invitations, wait_for

from .own_redis import OwnRedis
from .smtp_server import FaultySmtpServer

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

INVITATIONS = 100


def test_a_round_opened_while_the_broker_is_down_goes_out_after_its_return(caplog, fault_report):
    require_real_services()
    own = OwnRedis()
    own.start()
    queue = new_queue()
    with FaultySmtpServer() as server:
        worker = Worker(server.port, queue, extra_env={"REDIS_URL": own.url}, beat=True)
        worker.start()
        try:
            time.sleep(5)  # the worker and its scheduler are up
            own.stop()
            survey_round = round_with_invitations(INVITATIONS, title="Broker")
            # Not the current app: the eager test app must stay current for the tests after this one.
            app = Celery("test-publisher", broker=own.url, set_as_current=False)
            # As "Open a round now" does once its transaction has committed.
            dispatch = partial(app.send_task, "surveys.tasks.dispatch_round", args=[survey_round.pk], queue=queue)
            queueing.after_commit(dispatch)
            assert "the sweeper will queue it" in caplog.text
            time.sleep(5)
            own.start()  # back, and empty
            back_at = time.monotonic()
            sent = wait_for(
                lambda: Invitation.objects.filter(round=survey_round, state=SendState.SENT).count() == INVITATIONS,
                timeout=150,
                interval=1,
            )
            took = time.monotonic() - back_at
        finally:
            worker.stop()
            own.stop()

    states = set(Invitation.objects.filter(round=survey_round).values_list("state", flat=True))
    fault_report(
        "Redis (the broker) down when a round opens, back empty (100 invitations, real worker and beat)",
        invitations=INVITATIONS,
        sent=Invitation.objects.filter(round=survey_round, state=SendState.SENT).count(),
        unknown=0,
        emails_read_by_server=sum(server.received.values()),
        duplicates=server.duplicates,
        lost=INVITATIONS - len(server.received),
        failed_5xx=0,
        seconds_after_return=round(took),
    )
    assert sent and states == {SendState.SENT}, states
    assert server.duplicates == 0 and len(server.received) == INVITATIONS
    # The worker reconnects within seconds; the sweeper runs every 20 s and
    # queues rows nobody picked up for 30 s.
    assert took < 60
