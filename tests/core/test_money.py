"""Money is shown in the organization's currency, with its symbol and
separators in the page's language, everywhere a person reads an amount;
exports keep plain numbers."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.checks import run_checks
from django.urls import reverse
from django.utils import translation

from core.money import format_money
from tests.factories import SupportDeliveryFactory, SupportRequestFactory

pytestmark = pytest.mark.django_db


def test_an_amount_in_english_and_in_spanish(settings):
    settings.CURRENCY = "USD"
    with translation.override("en"):
        assert format_money(Decimal("1250.5")) == "$1,250.50"
    with translation.override("es"):
        assert format_money(Decimal("1250.5")) == "1.250,50\xa0US$"
    assert format_money(None) == ""


def test_the_currency_is_a_setting(settings, manager_client):
    settings.CURRENCY = "EUR"
    asked = SupportRequestFactory(amount_asked=Decimal("300"))
    SupportDeliveryFactory(request=asked, money=Decimal("120"))

    page = manager_client.get(asked.get_absolute_url()).content.decode()
    listed = manager_client.get(reverse("partners:request_list")).content.decode()

    assert "€300.00" in page and "€120.00" in page and "€180.00" in page  # asked, delivered, outstanding
    assert "€300.00" in listed


def test_exports_keep_plain_numbers(settings, manager_client):
    SupportRequestFactory(amount_asked=Decimal("300"))

    exported = manager_client.get(reverse("partners:request_list"), {"_export": "csv"}).content.decode("utf-8-sig")

    assert "300.00" in [cell for row in csv.reader(io.StringIO(exported)) for cell in row]
    assert "$" not in exported


def test_an_unknown_currency_stops_the_app_starting(settings):
    settings.CURRENCY = "DOLLARS"

    assert [message.id for message in run_checks() if message.id == "core.E010"] == ["core.E010"]
