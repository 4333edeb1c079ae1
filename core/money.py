"""Amounts of money as a person reads them: the organization's currency
(settings.CURRENCY), with its symbol and separators in the page's language
("$1,250.50" in English, "1.250,50 US$" in Spanish), by Babel's CLDR data
rather than a table of symbols kept by hand. Exports keep plain numbers."""

from decimal import Decimal

from babel.numbers import format_currency, is_currency
from django.conf import settings
from django.core import checks
from django.utils.translation import get_language, to_locale


def format_money(value) -> str:
    """An amount, or "" for none."""
    if value is None or value == "":
        return ""
    return format_currency(Decimal(value), settings.CURRENCY, locale=to_locale(get_language() or "en"))


@checks.register()
def currency_is_known(**kwargs) -> list[checks.CheckMessage]:
    if is_currency(settings.CURRENCY):
        return []
    return [
        checks.Error(
            f"CURRENCY={settings.CURRENCY!r} is not an ISO 4217 currency code.",
            hint="Set CURRENCY to a code such as USD, EUR or MXN.",
            id="core.E010",
        )
    ]
