"""Partners led by people with lived experience, as a filter and as a
breakdown: on the dashboard (every partner figure, stages month by month
included), in the CSV's name, and on the partner list and its export."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from reporting.queries import DashboardData
from reporting.scope import Scope
from tests.factories import OrganizationFactory, SupportDeliveryFactory, SupportRequestFactory
from tests.reporting.conftest import TODAY, d

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_kinds_of_lead(today):
    led = OrganizationFactory(name="Led by us", lived_experience_led=True, stage="collaborating")
    other = OrganizationFactory(name="Not led", lived_experience_led=False, stage="identified")
    SupportDeliveryFactory(
        request=SupportRequestFactory(organization=led, asked_on=d("2026-05-01")),
        delivered_on=d("2026-05-03"),
        money=Decimal("100"),
    )
    SupportRequestFactory(organization=other, asked_on=d("2026-05-02"))
    SupportRequestFactory(organization=other, asked_on=d("2026-05-04"))
    return led, other


def data(led=None) -> DashboardData:
    return DashboardData(Scope(start=d("2026-01-01"), end=TODAY, lived_experience=led), today=TODAY, surveys=False)


def test_the_breakdown_sets_them_side_by_side(two_kinds_of_lead):
    rows = {row["led"]: row for row in data().by_lived_experience}

    assert (rows[True]["partners"], rows[True]["active"], rows[True]["requests"], rows[True]["money"]) == (1, 1, 1, 100)
    assert (rows[False]["partners"], rows[False]["active"], rows[False]["requests"], rows[False]["deliveries"]) == (
        1,
        0,
        2,
        0,
    )


def test_the_filter_narrows_every_partner_figure(two_kinds_of_lead):
    led, others = data(True), data(False)

    assert led.stages_now["total"] == 1 and others.stages_now["total"] == 1
    assert sum(row["n"] for row in led.request_counts) == 1
    assert sum(row["n"] for row in others.request_counts) == 2
    assert led.delivery_totals["money"] == 100 and others.delivery_totals["money"] == 0
    assert led.stages_by_month[-1]["total"] == 1  # from the history, as it was then


def test_the_dashboard_filter_and_its_exports(leader_client, two_kinds_of_lead):
    page = leader_client.get(reverse("dashboard:index"), {"led": "yes"})
    html = page.content.decode()

    assert page.status_code == 200
    assert "led by people with lived experience" in html
    assert "led=yes" in html  # every CSV and XLSX link keeps the filter
    export = leader_client.get(reverse("dashboard:export", args=["lived-experience"]), {"led": "yes"})
    assert export.status_code == 200, export.content.decode()[-3000:]
    assert "-led-yes.csv" in export["Content-Disposition"]
    assert leader_client.get(reverse("dashboard:index"), {"led": "maybe"}).status_code == 400


def test_the_partner_list_filters_and_exports_it(manager_client, two_kinds_of_lead):
    listed = manager_client.get(
        reverse("partners:organization_list"), {"lived_experience_led": "true"}
    ).content.decode()
    exported = manager_client.get(reverse("partners:organization_list"), {"_export": "csv"}).content.decode("utf-8-sig")

    assert ">Led by us</a>" in listed and ">Not led</a>" not in listed
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert {row["Name"]: row["Led by people with lived experience"] for row in rows} == {
        "Led by us": "True",
        "Not led": "False",
    }
