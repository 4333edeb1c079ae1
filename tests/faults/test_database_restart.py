"""The database drops the sender's connection (as a restart does) after the
mail server took a group's messages and before they are recorded: the
recording waits for the database and the rows end `sent`, not `unknown`
(where a manager's "resend" would be a duplicate)."""

import psycopg
import pytest
from django.db import connection

from core import outbox
from surveys.choices import SendState
from surveys.models import Invitation
from surveys.services import sending
from tests.factories import InvitationFactory, QuestionFactory, RecipientFactory, RoundFactory, SurveyFactory

from .smtp_server import FaultySmtpServer

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_dropped_database_connection_after_sending_still_records_every_row(settings, fault_report):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): the server must end a live connection")
    survey_round = RoundFactory(survey=SurveyFactory(status="active"))
    QuestionFactory(survey=survey_round.survey)
    ids = [
        InvitationFactory(round=survey_round, recipient=RecipientFactory(email=f"person{n}@example.net")).pk
        for n in range(20)
    ]
    connection.ensure_connection()
    sender_pid = connection.connection.info.backend_pid
    db = connection.settings_dict
    admin_dsn = f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} user={db['USER']} dbname={db['NAME']}"

    def drop_the_senders_connection(count: int) -> None:
        if count == 20:  # the mail server has every message; nothing is recorded yet
            with psycopg.connect(admin_dsn, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", [sender_pid])

    with FaultySmtpServer() as server:
        server.on_message = drop_the_senders_connection
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        outcome = outbox.deliver(sending.FIRST_EMAILS, ids)

    states = list(Invitation.objects.filter(pk__in=ids).values_list("state", flat=True))
    assert connection.connection.info.backend_pid != sender_pid  # it did reconnect
    fault_report(
        "database connection dropped between sending and recording",
        invitations=len(ids),
        sent=states.count(SendState.SENT),
        unknown=states.count(SendState.UNKNOWN) + states.count(SendState.SENDING),
        emails_read_by_server=sum(server.received.values()),
        duplicates=server.duplicates,
        lost=0 if sum(server.received.values()) == len(ids) else len(ids) - sum(server.received.values()),
        failed_5xx=0,
    )
    assert len(outcome.sent) == 20 and states == [SendState.SENT] * 20
    assert server.duplicates == 0 and sum(server.received.values()) == 20
