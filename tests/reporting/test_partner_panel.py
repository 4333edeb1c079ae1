"""The figures panel on a partner's page: that partner's relationship and
support figures only, in a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reporting.partner_panel import partner_panel
from tests.factories import InteractionFactory, SupportDeliveryFactory, SupportRequestFactory
from tests.reporting.conftest import SECRET, TODAY, d

pytestmark = pytest.mark.django_db


def key(panel) -> dict[str, str]:
    return {figure.label: figure.value for figure in panel["key_figures"]}


def test_the_panel_holds_one_partners_figures(hand_data):
    panel = partner_panel(hand_data.alpha, today=TODAY)
    assert (panel["start"], panel["end"]) == (d("2025-07-01"), TODAY)
    # Alpha: fulfilled 1 and partly fulfilled 1 of 2 decided; first deliveries
    # after 3, 10 and 2 days; 300 + 200 + 0 + 50 money, 1 + 0 + 4 + 0.5 hours;
    # every delivery answered a request.
    assert key(panel) == {
        "Fulfilment rate": "100%",
        "Median days to first delivery": "3",
        "Median days to fulfil": "19",
        "Money delivered": "$550.00",
        "Staff hours delivered": "5.5",
        "Delivered without being asked": "0%",
        "Deliveries confirmed by partners": "50%",
        "Requests partners made themselves": "33%",
    }
    figures = {figure.name: figure for figure in panel["figures"]}
    interactions = {row[0].strftime("%Y-%m"): row[-1] for row in figures["interactions-by-month"].table.rows}
    assert {month: n for month, n in interactions.items() if n} == {"2026-03": 2, "2026-05": 1}
    support = {row[0].strftime("%Y-%m"): row[1:] for row in figures["support-by-month"].table.rows}
    assert {month: n for month, n in support.items() if any(n)} == {
        "2026-03": [1, 2],
        "2026-04": [1, 1],
        "2026-06": [1, 1],
    }
    by_category = {row[0]: row[1:] for row in figures["delivered-by-category"].table.rows}
    assert by_category == {
        "Meeting space": [0, 4],
        "Emergency funds": [500, 1],
        "Supplies": [50, 0.5],
    }


def test_another_partners_unrequested_delivery_counts_for_them_only(hand_data):
    beta = key(partner_panel(hand_data.beta, today=TODAY))
    assert beta["Delivered without being asked"] == "100%"
    assert beta["Fulfilment rate"] == "0%"  # its one decided request was declined
    assert beta["Median days to first delivery"] == "—"


def test_the_panel_costs_five_queries_however_much_the_partner_has(hand_data, django_assert_num_queries):
    # Four figures' queries (interactions, requests, deliveries, both medians of
    # days), and the meetings the partner was "also with" (InteractionQuerySet.involving).
    with django_assert_num_queries(5):
        partner_panel(hand_data.alpha, today=TODAY)
    for n in range(20):
        request = SupportRequestFactory(organization=hand_data.alpha, asked_on=d("2026-02-01"), status="fulfilled")
        SupportDeliveryFactory(request=request, delivered_on=d("2026-02-03"))
        InteractionFactory(organization=hand_data.alpha, happened_on=d("2026-01-01"), confidential_notes=f"{SECRET}{n}")
    with CaptureQueriesContext(connection) as queries:
        partner_panel(hand_data.alpha, today=TODAY)
    assert len(queries) == 5
    assert not [q["sql"] for q in queries if "confidential_notes" in q["sql"]]


@pytest.mark.parametrize("who", ["leader_client", "manager_client"])
def test_the_partner_page_shows_the_panel(request, who, hand_data):
    html = request.getfixturevalue(who).get(reverse("partners:organization_detail", args=[hand_data.alpha.pk]))
    html = html.content.decode()
    assert "Figures for this partner" in html
    assert "Interactions per month, by kind" in html and 'role="img"' in html
    assert "550.00" in html
    assert "/dashboard/export/" not in html  # the dashboard's exports are for everyone, not one partner


def test_leadership_sees_no_confidential_note_on_the_partner_page(leader_client, manager_client, hand_data):
    url = reverse("partners:organization_detail", args=[hand_data.alpha.pk])
    assert SECRET in manager_client.get(url).content.decode()  # the control: the note is on this page for managers
    response = leader_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "10 May 2026" in html  # the interaction that holds the note is on the timeline
    assert SECRET not in html


def test_a_partner_with_nothing_yet(client, program_manager, today):
    from tests.factories import OrganizationFactory

    client.force_login(program_manager)
    organization = OrganizationFactory()
    response = client.get(reverse("partners:organization_detail", args=[organization.pk]))
    assert response.status_code == 200
    assert "Nothing to show for this period." in response.content.decode()
