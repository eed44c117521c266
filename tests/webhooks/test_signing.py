"""Pure parts of the webhooks (issue 19): the signature round trip through the client's
``verify_webhook``, the address rule (SSRF), backoff, and who may receive an event."""

from __future__ import annotations

import ipaddress
import json
import time
from typing import get_args

import pytest
from edskills_client import WebhookVerificationError, verify_webhook
from hypothesis import given
from hypothesis import strategies as st

from api.settings import Settings
from api.webhooks.addresses import RefusedUrl, is_public, parse
from api.webhooks.outbox import EVENT_TYPES, may_receive
from api.webhooks.schemas import EventType
from api.webhooks.signing import headers, new_secret
from api.webhooks.worker import backoff_seconds

NOW = 1_800_000_000


@given(body=st.binary(max_size=2000), message_id=st.uuids())
def test_what_the_service_signs_the_client_verifies(body: bytes, message_id: object) -> None:
    secret = new_secret()
    raw = json.dumps({"x": body.hex()}).encode()
    signed = headers(secret, str(message_id), NOW, raw)
    assert verify_webhook(secret, signed, raw, now=NOW) == {"x": body.hex()}
    with pytest.raises(WebhookVerificationError, match="no webhook-signature"):
        verify_webhook(new_secret(), signed, raw, now=NOW)
    with pytest.raises(WebhookVerificationError, match="no webhook-signature"):
        verify_webhook(secret, {**signed, "webhook-id": "msg_other"}, raw, now=NOW)


def test_stale_tampered_and_incomplete_deliveries_are_refused() -> None:
    secret = new_secret()
    body = b'{"type":"audit.updated"}'
    signed = headers(secret, "msg_1", NOW, body)
    assert verify_webhook(secret, signed, body, now=NOW + 300)["type"] == "audit.updated"
    cases = [
        ({}, body, NOW + 301, "tolerance"),
        ({}, body, NOW - 301, "tolerance"),
        ({}, body + b" ", NOW, "no webhook-signature"),
        ({"webhook-timestamp": str(NOW + 1)}, body, NOW, "no webhook-signature"),
        ({"webhook-timestamp": "soon"}, body, NOW, "not an integer"),
        ({"webhook-signature": "v2," + signed["webhook-signature"][3:]}, body, NOW, "no webhook-signature"),
    ]
    for change, raw, now, message in cases:
        with pytest.raises(WebhookVerificationError, match=message):
            verify_webhook(secret, {**signed, **change}, raw, now=now)
    for name in ("webhook-id", "webhook-timestamp", "webhook-signature"):
        without = {key: value for key, value in signed.items() if key != name}
        with pytest.raises(WebhookVerificationError, match=f"missing {name}"):
            verify_webhook(secret, without, body, now=NOW)
    # Several signatures (a rotated secret): any one matching is enough; header names in any case.
    several = {
        "Webhook-Id": "msg_1",
        "Webhook-Timestamp": str(NOW),
        "Webhook-Signature": "v1,AAAA " + signed["webhook-signature"],
    }
    assert verify_webhook(secret, several, body, now=NOW)
    assert verify_webhook(secret, headers(secret, "m", int(time.time()), body), body)


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("127.0.0.1", False),
        ("10.0.0.1", False),
        ("172.16.5.4", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("240.0.0.1", False),
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("ff02::1", False),
        ("::ffff:10.0.0.1", False),
        ("::ffff:93.184.216.34", True),
    ],
)
def test_only_public_unicast_addresses_are_public(address: str, public: bool) -> None:
    assert is_public(ipaddress.ip_address(address)) is public


@pytest.mark.parametrize(
    "url",
    ["ftp://example.com/", "example.com/hook", "http:///hook", "https://a:b@example.com/", "http://x/#f"],
)
def test_urls_must_be_plain_http_or_https(url: str) -> None:
    with pytest.raises(RefusedUrl):
        parse(url)


def test_backoff_doubles_up_to_its_cap_with_bounded_jitter() -> None:
    settings = Settings.from_env({}, webhooks_backoff_seconds=5, webhooks_backoff_max_seconds=3600)
    assert [backoff_seconds(settings, n, 0) for n in (1, 2, 3, 4)] == [5, 10, 20, 40]
    assert backoff_seconds(settings, 30, 0) == 3600
    assert backoff_seconds(settings, 1, 1) == pytest.approx(6)


@pytest.mark.parametrize(
    ("scopes", "subscribed_to", "event_council", "receives"),
    [
        (["partner"], None, None, True),  # public events: everyone subscribed
        (["partner"], None, "E08000021", False),  # a council's events need its scope
        (["partner", "council:E08000021"], None, "E08000021", True),
        (["partner", "council:E08000021"], None, "E08000037", False),
        (["partner", "council:E08000021"], "E08000037", "E08000021", False),  # its own filter
        (["admin"], None, "E08000037", True),
        (["admin"], "E08000021", "E08000037", False),
        (["partner", "national:read"], None, "E08000021", False),  # aggregates only, never one council
    ],
)
def test_a_subscription_receives_only_what_its_key_may_read(
    scopes: list[str], subscribed_to: str | None, event_council: str | None, receives: bool
) -> None:
    assert may_receive(scopes, subscribed_to, event_council) is receives


def test_the_wire_enum_lists_every_event() -> None:
    assert set(get_args(EventType)) == set(EVENT_TYPES)
