"""Relationship health (partners/health.py; docs/metrics.md, "Relationship
health"): each signal at its threshold and one day over, what never counts,
the partner list's filter and column, the partner page, the daily digest,
the demo data, and that nothing here reads a survey answer."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import outbox
from digests import sending as digests
from digests.models import Digest, DigestKind, DigestState
from partners.choices import OUTSTANDING_STATUSES, InteractionKind, Received, RequestStatus, Stage, SupportCategory
from partners.health import USUAL_DAYS_FLOOR, needing_attention, reasons, signals, usual_days_by_category, with_health
from partners.models import DeliveryConfirmation, Organization, SupportRequest
from tests.factories import (
    ContactFactory,
    InteractionFactory,
    OrganizationFactory,
    SupportDeliveryFactory,
    SupportRequestFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 27)
LIST = reverse("partners:organization_list")


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 11, 27, 12, tzinfo=datetime.UTC), tick=False):
        yield


def ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def partner(**fields) -> Organization:
    """A partner in a relationship, in touch today: no signal on."""
    organization = OrganizationFactory(**{"stage": Stage.COLLABORATING, "keep_in_touch_days": 30, **fields})
    InteractionFactory(organization=organization, kind=InteractionKind.CALL, happened_on=TODAY)
    return organization


def health(organization) -> Organization:
    return with_health(Organization.objects.all(), TODAY).get(pk=organization.pk)


def keys(organization) -> list[str]:
    return [signal.key for signal in signals(health(organization))]


def test_a_partner_in_touch_with_nothing_waiting_needs_no_attention():
    quiet = partner()
    assert keys(quiet) == []
    assert health(quiet).needs_attention is False


# --- keep-in-touch slipping ------------------------------------------------------


@pytest.mark.parametrize(("days", "on"), [(30, False), (31, True)])
def test_keep_in_touch_slips_one_day_past_the_cadence(days, on):
    organization = OrganizationFactory(stage=Stage.COLLABORATING, keep_in_touch_days=30)
    InteractionFactory(organization=organization, kind=InteractionKind.MEETING, happened_on=ago(days))

    annotated = health(organization)

    assert annotated.needs_attention is on
    assert reasons(annotated) == ("last contact 31 days ago (aim: every 30 days)" if on else "")


@pytest.mark.parametrize("stage", [Stage.IDENTIFIED, Stage.PAUSED, Stage.ENDED])
def test_partners_without_a_clock_never_slip(stage):
    organization = OrganizationFactory(stage=stage, keep_in_touch_days=30)
    InteractionFactory(organization=organization, kind=InteractionKind.MEETING, happened_on=ago(300))

    assert keys(organization) == []
    assert health(organization).needs_attention is False


def test_a_partner_never_contacted_counts_from_the_day_it_was_added():
    with time_machine.travel(datetime.datetime(2026, 10, 1, 12, tzinfo=datetime.UTC), tick=False):
        organization = OrganizationFactory(stage=Stage.FIRST_CONTACT, keep_in_touch_days=30)

    assert reasons(health(organization)) == "no contact since added 57 days ago (aim: every 30 days)"


# --- requests waiting too long ---------------------------------------------------


@pytest.mark.parametrize(("days", "on"), [(30, False), (31, True)])
def test_a_request_waits_too_long_one_day_past_the_usual_time(days, on):
    organization = partner()
    SupportRequestFactory(organization=organization, asked_on=ago(days), status=RequestStatus.OPEN)

    assert keys(organization) == (["waiting_requests"] if on else [])


@pytest.mark.parametrize("status", OUTSTANDING_STATUSES)
def test_every_outstanding_request_counts(status):
    organization = partner()
    SupportRequestFactory(organization=organization, asked_on=ago(31), status=status)
    SupportRequestFactory(organization=organization, asked_on=ago(90), status=RequestStatus.OPEN)

    assert reasons(health(organization)) == "2 requests waiting over 30 days"


@pytest.mark.parametrize("status", [RequestStatus.FULFILLED, RequestStatus.DECLINED, RequestStatus.WITHDRAWN])
def test_closed_requests_never_count(status):
    organization = partner()
    SupportRequestFactory(organization=organization, asked_on=ago(200), status=status)

    assert keys(organization) == []


def fulfilled(category, *days_to_fulfil, fulfilled_days_ago: int = 10) -> None:
    for days in days_to_fulfil:
        request = SupportRequestFactory(
            category=category, asked_on=ago(fulfilled_days_ago + days), status=RequestStatus.FULFILLED
        )
        SupportRequest.objects.filter(pk=request.pk).update(fulfilled_on=ago(fulfilled_days_ago))


def test_the_usual_time_is_the_median_of_last_years_fulfilled_requests_of_the_category():
    fulfilled(SupportCategory.TRAINING, 40, 50, 90)
    fulfilled(SupportCategory.SUPPLIES, 80, 90)  # fewer than 3: the default
    fulfilled(SupportCategory.ADVOCACY, 2, 3, 4)  # quicker than the floor: the floor
    fulfilled(SupportCategory.REFERRALS, 70, 80, 90, fulfilled_days_ago=366)  # over a year ago

    usual = usual_days_by_category(TODAY)

    assert usual[SupportCategory.TRAINING] == 50
    assert usual[SupportCategory.SUPPLIES] == USUAL_DAYS_FLOOR == 30
    assert usual[SupportCategory.ADVOCACY] == 30
    assert usual[SupportCategory.REFERRALS] == 30


@pytest.mark.parametrize(("days", "on"), [(50, False), (51, True)])
def test_a_request_is_held_to_its_own_categorys_usual_time(days, on):
    fulfilled(SupportCategory.TRAINING, 40, 50, 90)
    organization = partner()
    SupportRequestFactory(
        organization=organization, category=SupportCategory.TRAINING, asked_on=ago(days), status=RequestStatus.OPEN
    )

    assert reasons(health(organization)) == ("1 request waiting over 50 days" if on else "")


def test_the_reason_names_the_shortest_usual_time_among_the_waiting_requests():
    fulfilled(SupportCategory.TRAINING, 40, 50, 90)
    organization = partner()
    SupportRequestFactory(organization=organization, category=SupportCategory.TRAINING, asked_on=ago(60))
    SupportRequestFactory(organization=organization, category=SupportCategory.SUPPLIES, asked_on=ago(31))

    assert reasons(health(organization)) == "2 requests waiting over 30 days"


# --- deliveries reported missing ---------------------------------------------------


def confirmation(organization, received, days_ago: int) -> None:
    delivery = SupportDeliveryFactory(request=None, organization=organization)
    said = DeliveryConfirmation.objects.create(
        delivery=delivery, received=received, contact=ContactFactory(organization=organization)
    )
    when = datetime.datetime.combine(ago(days_ago), datetime.time(9), tzinfo=datetime.UTC)
    DeliveryConfirmation.objects.filter(pk=said.pk).update(confirmed_at=when)


@pytest.mark.parametrize(("days", "on"), [(0, True), (90, True), (91, False)])
def test_a_delivery_said_missing_counts_for_90_days(days, on):
    organization = partner()
    confirmation(organization, Received.NOT_RECEIVED, days)

    assert reasons(health(organization)) == ("1 delivery they said did not (all) arrive" if on else "")


def test_partly_received_counts_and_received_does_not():
    organization = partner()
    confirmation(organization, Received.PARTLY, 5)
    confirmation(organization, Received.NOT_RECEIVED, 5)
    confirmation(organization, Received.RECEIVED, 5)

    assert reasons(health(organization)) == "2 deliveries they said did not (all) arrive"


def test_deliveries_never_confirmed_are_not_a_signal():
    organization = partner()
    SupportDeliveryFactory.create_batch(3, request=None, organization=organization, delivered_on=ago(100))

    assert keys(organization) == []


# --- follow-ups overdue ---------------------------------------------------------------


def test_follow_ups_are_overdue_from_the_day_after_their_day():
    organization = partner()
    for day in (ago(1), ago(40), ago(3)):
        InteractionFactory(organization=organization, happened_on=ago(50), follow_up_on=day)
    InteractionFactory(organization=organization, happened_on=ago(5), follow_up_on=TODAY)  # due, not overdue
    InteractionFactory(organization=organization, happened_on=ago(50), follow_up_on=ago(20), follow_up_done=True)

    assert reasons(health(organization)) == "3 follow-ups overdue"


def test_several_signals_give_every_reason_in_one_line():
    organization = OrganizationFactory(stage=Stage.COLLABORATING, keep_in_touch_days=30)
    InteractionFactory(organization=organization, happened_on=ago(61), follow_up_on=ago(54))
    SupportRequestFactory.create_batch(2, organization=organization, asked_on=ago(45))
    confirmation(organization, Received.NOT_RECEIVED, 10)

    assert reasons(health(organization)) == (
        "last contact 61 days ago (aim: every 30 days); 2 requests waiting over 30 days; "
        "1 delivery they said did not (all) arrive; 1 follow-up overdue"
    )


# --- the partner list and page ----------------------------------------------------------


def test_the_list_filters_partners_needing_attention_and_shows_why(manager_client):
    slipping = OrganizationFactory(name="Slipping", stage=Stage.BUILDING_TRUST, keep_in_touch_days=30)
    InteractionFactory(organization=slipping, happened_on=ago(61))
    well = partner(name="All well")

    needing = manager_client.get(LIST, {"needs_attention": "true"})
    fine = manager_client.get(LIST, {"needs_attention": "false"})

    assert [row.record for row in needing.context["table"].rows] == [slipping]
    assert [row.record for row in fine.context["table"].rows] == [well]
    assert "last contact 61 days ago (aim: every 30 days)" in needing.content.decode()


def test_the_list_export_carries_the_reasons(manager_client):
    slipping = OrganizationFactory(name="Slipping", stage=Stage.BUILDING_TRUST, keep_in_touch_days=30)
    InteractionFactory(organization=slipping, happened_on=ago(61))

    response = manager_client.get(LIST, {"_export": "csv"})

    assert response.status_code == 200
    assert "last contact 61 days ago (aim: every 30 days)" in b"".join(response).decode()


def test_the_list_costs_the_same_queries_for_5_or_50_partners(manager_client, assert_constant_queries):
    def add_rows(count):
        for _ in range(count):
            organization = OrganizationFactory(stage=Stage.COLLABORATING, keep_in_touch_days=30)
            InteractionFactory(organization=organization, happened_on=ago(61), follow_up_on=ago(50))
            SupportRequestFactory(organization=organization, asked_on=ago(45))
            confirmation(organization, Received.PARTLY, 3)

    assert_constant_queries(manager_client, LIST, "partner list (health)", add_rows)


def test_the_partner_page_shows_the_signals_with_their_reasons(manager_client):
    organization = OrganizationFactory(stage=Stage.COLLABORATING, keep_in_touch_days=30)
    InteractionFactory(organization=organization, happened_on=ago(61))
    SupportRequestFactory.create_batch(2, organization=organization, asked_on=ago(45))

    html = manager_client.get(organization.get_absolute_url()).content.decode()

    assert "Relationship health" in html
    assert "last contact 61 days ago (aim: every 30 days)" in html
    assert "2 requests waiting over 30 days" in html


def test_the_partner_page_says_when_all_is_well(manager_client):
    html = manager_client.get(partner().get_absolute_url()).content.decode()

    assert "No signal needs attention." in html


def test_nothing_about_health_reads_a_survey_answer(manager_client):
    organization = OrganizationFactory(stage=Stage.COLLABORATING, keep_in_touch_days=30)
    InteractionFactory(organization=organization, happened_on=ago(61))

    with CaptureQueriesContext(connection) as queries:
        manager_client.get(LIST)
        manager_client.get(organization.get_absolute_url())
        needing_attention(Organization.objects.all(), TODAY)

    assert not [q["sql"] for q in queries if "surveys_" in q["sql"]]


# --- the daily digest ----------------------------------------------------------------------


def send_follow_up_digests() -> list[str]:
    states = []
    for pk in digests.queue_digests(DigestKind.FOLLOW_UP, TODAY):
        outbox.deliver(digests.DIGESTS, [pk])
        states.append(Digest.objects.get(pk=pk).state)
    return states


def test_the_digest_lists_the_leads_partners_needing_attention_with_reasons():
    lead = UserFactory(username="lead", first_name="Dana", email="dana@example.org", groups=["Program managers"])
    other = UserFactory(username="other", email="other@example.org", groups=["Program managers"])
    mine = partner(name="Harbor Light", relationship_lead=lead)
    confirmation(mine, Received.NOT_RECEIVED, 4)
    theirs = partner(name="Someone Else's", relationship_lead=other)
    confirmation(theirs, Received.PARTLY, 4)
    partner(name="All Well", relationship_lead=lead)

    assert send_follow_up_digests() == [DigestState.SENT, DigestState.SENT]

    message = next(m for m in mail.outbox if m.to == ["dana@example.org"])
    assert "Harbor Light: 1 delivery they said did not (all) arrive" in message.body
    assert "Harbor Light</a>: 1 delivery they said did not (all) arrive" in message.alternatives[0][0]
    assert "Someone Else" not in message.body and "All Well" not in message.body
    assert message.subject.endswith("0 due, 1 partner needing attention")


def test_the_digest_still_says_nothing_when_all_is_well():
    lead = UserFactory(username="lead", email="dana@example.org", groups=["Program managers"])
    partner(relationship_lead=lead)
    # Delivered and never confirmed: not a signal, so nothing to say.
    SupportDeliveryFactory(request=None, organization=Organization.objects.get())

    assert send_follow_up_digests() == [DigestState.SKIPPED]
    assert mail.outbox == []


# --- the demo data -----------------------------------------------------------------------------

DEMO_FLAGGED = {
    "Clínica Luz Riverton",
    "Compañeras del Puente",
    "Eastside Community Health Van",
    "Eastside Peer Safety Circle",
    "Night Owl Naloxone Crew",
    "Riverton Neighbors Mutual Aid",
    "Riverton Night Shift Collective",
    "Riverton Record Clearing Project",
}


def test_the_demo_flags_some_partners_with_their_reasons_and_not_the_rest():
    call_command("load_demo_data", stdout=StringIO())

    annotated = list(with_health(Organization.objects.all(), TODAY))
    flagged = {o.name: reasons(o) for o in annotated if o.needs_attention}

    assert set(flagged) == DEMO_FLAGGED
    assert all(flagged.values())
    assert all(reasons(o) == "" for o in annotated if not o.needs_attention)
    assert flagged["Eastside Peer Safety Circle"] == (
        "last contact 40 days ago (aim: every 21 days); 2 requests waiting over 30 days; 1 follow-up overdue"
    )
    assert flagged["Riverton Night Shift Collective"] == "1 request waiting over 30 days"
    assert "Cedar Street Community Hall" not in flagged
