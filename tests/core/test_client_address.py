"""core/client_address.py: the client's address for the rate limits, the
login lockout and the audit trail, directly or behind N proxies."""

import logging

import pytest
from django.test import RequestFactory

from core.client_address import _warn_once, client_address


def request_from(remote: str, forwarded: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        # Reached directly: whatever a client writes in the header is ignored.
        (0, None, "127.0.0.1"),
        (0, "203.0.113.9", "127.0.0.1"),
        # One nginx: it appended the address it saw; a client's own entries stand left of it.
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "203.0.113.9, 198.51.100.7", "198.51.100.7"),
        (1, "garbage, 198.51.100.7", "198.51.100.7"),
        (1, "2001:db8::7", "2001:db8::7"),
        # A CDN, then nginx: the CDN's own address is the right-most entry.
        (2, "203.0.113.9, 198.51.100.7, 192.0.2.1", "198.51.100.7"),
        # Fewer entries than proxies: it did not come through them all.
        (2, "198.51.100.7", "127.0.0.1"),
        (1, None, "127.0.0.1"),
        (1, "", "127.0.0.1"),
        (1, "unknown", "127.0.0.1"),
    ],
)
def test_the_client_is_the_address_the_outermost_trusted_proxy_saw(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXIES = proxies
    assert client_address(request_from("127.0.0.1", forwarded)) == expected


def test_a_forwarded_header_with_no_proxy_set_is_logged_once(settings, caplog):
    settings.TRUSTED_PROXIES = 0
    _warn_once.cache_clear()
    with caplog.at_level(logging.WARNING, logger="core.client_address"):
        for _ in range(3):
            client_address(request_from("127.0.0.1", "198.51.100.7"))
    assert [r.getMessage() for r in caplog.records].count(caplog.records[0].getMessage()) == 1
    assert "TRUSTED_PROXIES is 0" in caplog.records[0].getMessage()


def test_lockout_and_audit_use_the_same_address(settings):
    """axes and the audit trail ask core.client_address, not REMOTE_ADDR."""
    from axes.helpers import get_client_ip_address

    from audit.trail import ip_hash
    from core.encrypted_fields import blind_index

    settings.TRUSTED_PROXIES = 1
    request = request_from("127.0.0.1", "203.0.113.9, 198.51.100.7")
    assert get_client_ip_address(request) == "198.51.100.7"
    assert ip_hash(request) == blind_index("198.51.100.7", "audit.client-ip")


def test_the_deploy_check_asks_for_the_setting_behind_a_proxy(settings):
    from core.client_address import check_trusted_proxies

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXIES = 0
    assert [message.id for message in check_trusted_proxies(None)] == ["core.W001"]
    settings.TRUSTED_PROXIES = 1
    assert check_trusted_proxies(None) == []
