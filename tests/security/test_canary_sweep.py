"""Canary sweep: a confidential note, a participant's email address and a
partner contact's email address, each a unique random string, are entered
through the forms as a program manager would, sent a survey round through a
real worker on Redis to a local SMTP server, and shown on the manager's
pages. Then they are looked for wherever an attacker or leadership could
read: a plain `pg_dump` of the database (notes and addresses are encrypted,
history tables too), the audit trail and history rows, the log output of the
web process and the worker, the Celery task messages in Redis (read while
queued and while being worked on), and every page leadership can open.

Each search has a control that must be found (a plain-text canary in the
dump, the note on the manager's page, the address at the SMTP server), so
a search that silently reads nothing fails the test."""

import logging
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from partners.models import Contact, Interaction
from surveys.choices import SendState
from surveys.models import Invitation, Recipient
from tests.factories import QuestionFactory, SurveyFactory
from tests.security.conftest import build_dataset, kwargs_for
from tests.security.test_authorization_matrix import EXPECTED
from tests.surveys.real_services import (
    REDIS_URL,
    Worker,
    new_queue,
    require_real_services,
    wait_for,
    web_process_publishes_to,
)

from .dumps import KeepingSmtpSink, hits, in_flight_snapshot, log_output, pg_dump, redis_snapshot

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CONTACT_ENCRYPTION = Path(settings.BASE_DIR) / "partners" / "migrations" / "0003_encrypt_contact_details.py"
PARTNER_LISTS = ["organization_list", "interaction_list", "request_list", "delivery_list"]


def _canaries() -> dict[str, str]:
    # Letters, digits, dashes, "@" and dots: nothing HTML escaping would change.
    mark = uuid.uuid4().hex[:12]
    canaries = {"note": f"CANARY-NOTE-{mark}", "participant_email": f"canary-{mark}@example.org"}
    if CONTACT_ENCRYPTION.exists():
        canaries["contact_email"] = f"canary-contact-{mark}@example.org"
    return canaries


def _enter_through_the_forms(manager: Client, data, canaries: dict, control: str) -> None:
    organization = data.organization
    response = manager.post(
        reverse("partners:interaction_create", args=[organization.pk]),
        {"kind": "meeting", "happened_on": "2026-11-02", "summary": control, "confidential_notes": canaries["note"]},
    )
    assert response.status_code == 302, response.content[:2000]
    data.interaction = Interaction.objects.get(summary=control)
    contact_email = canaries.get("contact_email", "")
    response = manager.post(
        reverse("partners:contact_create", args=[organization.pk]),
        {"name_or_alias": f"Contact {control}", "email": contact_email, "language": "en", "consent_to_surveys": "on"},
    )
    assert response.status_code == 302, response.content[:2000]
    data.contact = Contact.objects.get(name_or_alias=f"Contact {control}")
    response = manager.post(
        reverse("surveys:recipient_create"),
        {"email": canaries["participant_email"], "audience": "participants", "language": "en", "consent": "on"},
    )
    assert response.status_code == 302, response.content[:2000]
    data.recipient = Recipient.objects.order_by("-pk").first()


def _send_a_round(manager: Client, data, sink: KeepingSmtpSink, queue: str) -> tuple[list, bytes]:
    """Opens a round by hand with no worker running (the task waits in
    Redis), then lets a worker send it; Redis is read at both moments."""
    survey = SurveyFactory(status="active", audience="participants")
    QuestionFactory(survey=survey)
    response = manager.post(reverse("surveys:round_open", args=[survey.pk]))
    assert response.status_code == 302
    data.survey, data.round = survey, survey.rounds.get()
    snapshots = [redis_snapshot(REDIS_URL)]
    worker = Worker(sink.port, queue, concurrency=1, extra_env={"LOG_LEVEL": "DEBUG"})
    worker.start()
    try:
        in_flight = wait_for(lambda: in_flight_snapshot(REDIS_URL), timeout=60, interval=0.05)
        assert in_flight, "no task seen in flight"
        snapshots.append(in_flight)
        invitation = Invitation.objects.filter(round=data.round, recipient=data.recipient)
        assert wait_for(lambda: invitation.filter(state=SendState.SENT).exists(), timeout=120)
    finally:
        worker.stop()
    snapshots.append(redis_snapshot(REDIS_URL))
    return snapshots, worker.log.read_bytes()


def _leadership_pages(leader: Client, data) -> dict[str, bytes]:
    """Every page the authorization matrix lets leadership open (GET 200),
    filled in with the canary rows, and the CSV exports of the partner lists."""
    pages = {}
    for key, (spec, cells) in EXPECTED.items():
        if cells[("leader", "GET")].rstrip("*") == "200":
            url = reverse(key, kwargs=kwargs_for(data, spec, "leader"))
            response = leader.get(url)
            assert response.status_code == 200, url
            pages[url] = response.content
    for name in PARTNER_LISTS:
        url = reverse(f"partners:{name}") + "?_export=csv"
        response = leader.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content
    return pages


def _audit_and_history_rows() -> bytes:
    """Every row of the audit trail and of every simple-history table, as the
    database holds it (encrypted columns stay ciphertext)."""
    tables = [t for t in connection.introspection.table_names() if "historical" in t or t == "crm_auditevent"]
    rows = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT row_to_json(t)::text FROM {connection.ops.quote_name(table)} t")  # noqa: S608
            rows += [row[0] for row in cursor.fetchall()]
    return "\n".join(rows).encode()


def test_canaries_are_nowhere_an_attacker_or_leadership_can_read(caplog, figures):
    require_real_services()
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.WARNING, logger="mail.log")  # the test's SMTP server: the recipient's side
    canaries = _canaries()
    control = f"CONTROL-{uuid.uuid4().hex[:12]}"  # plain text, in the same rows as the canaries
    data = build_dataset()
    manager, leader = Client(), Client()
    manager.force_login(data.users["manager"])
    leader.force_login(data.users["leader"])
    queue = new_queue()
    with KeepingSmtpSink(delay=0.3) as sink, log_output() as output, web_process_publishes_to(queue):
        _enter_through_the_forms(manager, data, canaries, control)
        snapshots, worker_log = _send_a_round(manager, data, sink, queue)
        manager_page = manager.get(reverse("partners:interaction_detail", args=[data.interaction.pk])).content
        pages = _leadership_pages(leader, data)
        dump = pg_dump()
        history = _audit_and_history_rows()

    places = {
        "pg_dump": dump,
        "audit_and_history_rows": history,
        "logs": output.getvalue().encode() + caplog.text.encode() + worker_log,
        "celery_task_messages": b"\n".join(body for snapshot in snapshots for body in snapshot.task_bodies),
        "redis_everything": b"\n".join(snapshot.everything for snapshot in snapshots),
        "leadership_pages": b"\n".join(pages.values()),
    }
    found = {place: hits(content, canaries.values()) for place, content in places.items()}
    figures["canary-sweep"] = {
        "canaries": sorted(canaries),
        "contact_email_checked": "contact_email" in canaries,
        "places_searched": len(places),
        "leadership_pages": len(pages),
        "celery_task_messages": sum(len(snapshot.task_bodies) for snapshot in snapshots),
        "bytes_searched": {place: len(content) for place, content in places.items()},
        "hits": found,
    }
    # The controls: each search reads what it should.
    assert control.encode() in dump and control.encode() in history
    assert canaries["note"].encode() in manager_page
    assert sink.received[canaries["participant_email"]] == 1
    assert all(snapshot.task_bodies for snapshot in snapshots[:2])
    assert len(pages) >= 20
    leaked = [line for line in places["logs"].decode().splitlines() if any(c in line for c in canaries.values())]
    assert found == dict.fromkeys(places, 0), (found, leaked[:5])
