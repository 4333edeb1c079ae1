"""The dashboard costs the same number of SQL queries for 10 partners as for
200, each with interactions, requests, deliveries and survey answers."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from simple_history.utils import bulk_create_with_history

from partners.choices import InteractionKind, RequestStatus, Stage, SupportCategory
from partners.models import Contact, Interaction, Organization, SupportDelivery, SupportRequest
from surveys.models import Answer, Invitation, Response
from tests.factories import QuestionFactory, RoundFactory, SurveyFactory
from tests.reporting.conftest import TODAY, noon

pytestmark = pytest.mark.django_db

_numbers = itertools.count()


@pytest.fixture
def partner_round(today):
    survey = SurveyFactory(audience="partners")
    questions = [
        QuestionFactory(survey=survey, kind="likelihood", mirror_key="recommend"),
        QuestionFactory(survey=survey, kind="agreement", domain="safety"),
    ]
    rounds = [
        RoundFactory(survey=survey, opened_at=noon(TODAY - datetime.timedelta(days=days)), closes_at=noon(TODAY))
        for days in (200, 30)
    ]
    return rounds, questions


def add_partners(count: int, rounds, questions) -> None:
    """`count` partners with history, and for each: two interactions, two
    requests, two deliveries (one nobody asked for), a contact invited to
    every round, and their answers. Bulk inserts, so that 200 stay quick."""
    stages, kinds = itertools.cycle(Stage.values), itertools.cycle(InteractionKind.values)
    organizations = bulk_create_with_history(
        [
            Organization(name=f"Bulk partner {next(_numbers)}", kind="mutual_aid", stage=next(stages))
            for _ in range(count)
        ],
        Organization,
    )
    day = TODAY - datetime.timedelta(days=40)
    Interaction.objects.bulk_create(
        Interaction(organization=o, kind=next(kinds), happened_on=day - datetime.timedelta(days=n), summary="Met.")
        for o in organizations
        for n in (0, 60)
    )
    requests = SupportRequest.objects.bulk_create(
        SupportRequest(
            organization=o, category=SupportCategory.SUPPLIES, description="Supplies.", asked_on=day, status=status
        )
        for o in organizations
        for status in (RequestStatus.FULFILLED, RequestStatus.OPEN)
    )
    SupportDelivery.objects.bulk_create(
        SupportDelivery(
            organization=r.organization,
            request=r if r.status == RequestStatus.FULFILLED else None,
            category=r.category,
            delivered_on=day + datetime.timedelta(days=5),
            description="Given.",
            money=Decimal("10"),
            hours=Decimal("1"),
        )
        for r in requests
    )
    contacts = Contact.objects.bulk_create(Contact(organization=o, name_or_alias="Contact") for o in organizations)
    for survey_round in rounds:
        Invitation.objects.bulk_create(
            Invitation(round=survey_round, contact=c, state="sent", responded=True) for c in contacts
        )
        responses = Response.objects.bulk_create(Response(round=survey_round, submitted_on=TODAY) for _ in contacts)
        Answer.objects.bulk_create(Answer(response=r, question=q, number=4) for r in responses for q in questions)


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert not [q["sql"] for q in queries if "confidential_notes" in q["sql"]]
    return len(queries)


def test_the_dashboard_costs_the_same_queries_for_10_or_200_partners(leader_client, partner_round, record_query_counts):
    rounds, questions = partner_round
    url = reverse("dashboard:index")
    add_partners(10, rounds, questions)
    leader_client.get(url)  # warm the content-type and permission caches
    with_10 = queries_for(leader_client, url)
    add_partners(190, rounds, questions)
    assert Organization.objects.count() == 200 and Answer.objects.count() == 800
    with_200 = queries_for(leader_client, url)
    print(f"\nDashboard: {with_10} SQL queries with 10 partners, {with_200} with 200")
    record_query_counts("dashboard (10/200 partners)", with_10, with_200)
    assert with_10 == with_200


def test_the_board_report_costs_the_same_queries_for_10_or_200_partners(
    leader_client, partner_round, record_query_counts
):
    rounds, questions = partner_round
    url = reverse("dashboard:report")
    add_partners(10, rounds, questions)
    leader_client.get(url)
    with_10 = queries_for(leader_client, url)
    add_partners(190, rounds, questions)
    with_200 = queries_for(leader_client, url)
    record_query_counts("board report (10/200)", with_10, with_200)
    assert with_10 == with_200
