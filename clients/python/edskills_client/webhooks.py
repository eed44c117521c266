"""Verify a webhook delivery from the ED Skills Pathways API (Standard Webhooks signatures).

    from edskills_client import verify_webhook, WebhookVerificationError

    try:
        event = verify_webhook(secret, request.headers, request.body)
    except WebhookVerificationError:
        return 400
    # deduplicate on request.headers["webhook-id"]: a delivery may come more than once

Pure standard library: HMAC-SHA256 over ``{webhook-id}.{webhook-timestamp}.{body}`` with the
base64-decoded secret after ``whsec_``, compared in constant time with each ``v1,`` signature in
``webhook-signature``; the timestamp must be within ``tolerance`` seconds of now (replays).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import Any

__all__ = ["WebhookVerificationError", "verify_webhook"]


class WebhookVerificationError(ValueError):
    """The delivery is not authentic or not fresh; the message says which check failed."""


def _header(headers: Mapping[str, str], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    raise WebhookVerificationError(f"missing {name} header")


def verify_webhook(
    secret: str,
    headers: Mapping[str, str],
    body: bytes | str,
    tolerance: int = 300,
    *,
    now: float | None = None,
) -> Any:
    """The event (the parsed JSON body) if the signature and timestamp check out, else
    ``WebhookVerificationError``. ``body`` must be the raw bytes received, not re-serialised JSON."""
    raw = body.encode() if isinstance(body, str) else bytes(body)
    message_id = _header(headers, "webhook-id")
    timestamp_text = _header(headers, "webhook-timestamp")
    signatures = _header(headers, "webhook-signature")
    try:
        timestamp = int(timestamp_text)
    except ValueError:
        raise WebhookVerificationError("webhook-timestamp is not an integer") from None
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        raise WebhookVerificationError(
            "webhook-timestamp is outside the tolerance (a replay, or a skewed clock)"
        )
    try:
        key = base64.b64decode(secret.removeprefix("whsec_"), validate=True)
    except (binascii.Error, ValueError):
        raise WebhookVerificationError("the secret is not whsec_ followed by base64") from None
    expected = base64.b64encode(
        hmac.new(key, f"{message_id}.{timestamp}.".encode() + raw, hashlib.sha256).digest()
    ).decode()
    found = False
    for candidate in signatures.split():
        version, _, value = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(value.encode(), expected.encode()):
            found = True
    if not found:
        raise WebhookVerificationError("no webhook-signature matches")
    try:
        return json.loads(raw)
    except ValueError:
        raise WebhookVerificationError("the body is not JSON") from None
