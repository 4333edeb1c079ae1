"""How often the public survey pages answer one client, one link and one round.

Three budgets a minute, each counted in the shared cache (Redis in
production, so they hold across web processes):

- per client address (core/client_address.py decides it, behind proxies
  too): generous, because a drop-in centre's Wi-Fi puts everyone behind one
  address; forty people a minute can still answer from it. Guessing a link
  is hopeless anyway (256 random bits); this bounds the load one client
  makes.
- per private link: one person needs a handful of requests; a link someone
  found or was forwarded cannot be hammered from many addresses.
- per round, on its shared (poster) link: everyone who answers a round
  through its poster shares the link, so its budget is the round's; an
  address cannot multiply it either.

The keys given to django-ratelimit are the link's SHA-256, never the link:
the cache holds no working token.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited

from ..tokens import hash_token

# The settings that hold each budget (crm/settings/base.py), read at each
# request so that a test or the benchmark can change them.
PER_ADDRESS = "SURVEY_RATE_LIMIT"
PER_LINK = "SURVEY_LINK_RATE_LIMIT"
PER_ROUND = "SURVEY_SHARED_LINK_RATE_LIMIT"


def allowed(budget: str) -> int:
    """How many requests a minute a budget allows ("120/m" -> 120)."""
    return int(getattr(settings, budget).split("/")[0])


def _link_key(group: str, request: HttpRequest) -> str:
    """A private or shared link's token, or a survey's short code (its
    round's budget), hashed."""
    match = request.resolver_match
    if match is None:
        return ""
    return hash_token(match.kwargs.get("token") or match.kwargs.get("code", "").upper())


def over_limit(request: HttpRequest, link_budget: str | None) -> bool:
    """Counts this request against the client's budget and, where the page
    is a link's, the link's; True when either is spent. Both are counted
    even when the first is spent, so a client over its budget keeps
    spending the link's too (that a link is hammered is what matters)."""
    checks: list[tuple[str, str | Callable[[str, HttpRequest], str], str]] = [
        ("survey-address", "ip", settings.SURVEY_RATE_LIMIT)
    ]
    if link_budget is not None:
        checks.append(("survey-link", _link_key, getattr(settings, link_budget)))
    spent = [is_ratelimited(request, group=group, key=key, rate=rate, increment=True) for group, key, rate in checks]
    return any(spent)
