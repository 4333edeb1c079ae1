"""The client's address: the one place that decides it. The survey pages'
rate limits (django-ratelimit's RATELIMIT_IP_META_KEY), the login lockout
(django-axes' AXES_CLIENT_IP_CALLABLE) and the audit trail's address hash
all call `client_address`.

`TRUSTED_PROXIES` says how many proxies of our own stand in front of the
app. With 0 (the default, the app reached directly) it is `REMOTE_ADDR` and
any X-Forwarded-For is ignored: a client could write anything there. Behind
N proxies, each appending the address it saw to X-Forwarded-For (nginx's
`$proxy_add_x_forwarded_for`), `REMOTE_ADDR` is the nearest proxy and the
client is the N-th entry from the right; whatever a client wrote itself
stands further left and is never read.

python-ipware parses the header (ports, IPv6 brackets, junk entries). Its
`proxy_count` counts the proxies *listed in* the header, which leaves out
the nearest one (that is `REMOTE_ADDR`), hence N - 1 below. A request with
fewer entries than that did not come through every proxy; it falls back to
`REMOTE_ADDR`, as when a header is missing or unreadable.
"""

import logging
from functools import cache

from django.conf import settings
from django.core import checks
from django.http import HttpRequest
from python_ipware import IpWare

log = logging.getLogger(__name__)


@cache
def _reader(trusted_proxies: int) -> IpWare:
    return IpWare(precedence=("HTTP_X_FORWARDED_FOR",), proxy_count=trusted_proxies - 1)


def client_address(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR") or ""
    trusted_proxies = settings.TRUSTED_PROXIES
    if trusted_proxies == 0:
        if "HTTP_X_FORWARDED_FOR" in request.META:
            _warn_once()
        return remote
    address, _ = _reader(trusted_proxies).get_client_ip(request.META, strict=False)
    return str(address) if address is not None else remote


@cache
def _warn_once() -> None:
    """Behind a proxy with the setting left at 0, every client would be the
    proxy: one shared rate limit, one lockout for everyone. Said once per
    process, in the log an operator reads."""
    log.warning(
        "Requests carry X-Forwarded-For but TRUSTED_PROXIES is 0: every client counts as the proxy "
        "(README, 'Running in production')."
    )


@checks.register(checks.Tags.security, deploy=True)
def check_trusted_proxies(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """`manage.py check --deploy`: settings that trust a proxy's
    X-Forwarded-Proto but no proxy's X-Forwarded-For."""
    if settings.SECURE_PROXY_SSL_HEADER and settings.TRUSTED_PROXIES == 0:
        return [
            checks.Warning(
                "SECURE_PROXY_SSL_HEADER says a proxy stands in front, but TRUSTED_PROXIES is 0: "
                "every client would count as the proxy for the rate limits and the login lockout.",
                hint="Set TRUSTED_PROXIES to the number of proxies in front of the app (README).",
                id="core.W001",
            )
        ]
    return []
