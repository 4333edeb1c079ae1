"""{{ amount|money }}: an amount in the organization's currency (core/money.py)."""

from django import template

from core.money import format_money

register = template.Library()


@register.filter
def money(value) -> str:
    return format_money(value)
