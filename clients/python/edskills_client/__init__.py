"""Typed Python client for the ED Skills Pathways API.

    from edskills_client import Client, NotFound

    with Client("http://127.0.0.1:8000", api_key="eds_…") as api:
        skill = api.get_skill("bid-writing")
        for council in api.paginate(api.list_councils, q="tyne"):
            print(council.code, council.name)

``AsyncClient`` has the same methods as coroutines. Errors are ``ProblemError`` subclasses.
"""

from edskills_client import models
from edskills_client._core import OPERATIONS, Retry, RetryEvent
from edskills_client._operations import UploadOptions
from edskills_client.client import AsyncClient, Client, Page, Tagged
from edskills_client.errors import (
    BadRequest,
    Conflict,
    EdskillsError,
    FieldError,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    PreconditionFailed,
    Problem,
    ProblemError,
    ServerError,
    ServiceUnavailable,
    TooManyRequests,
    TransportError,
    Unauthorized,
    Unprocessable,
    UnsupportedMediaType,
)
from edskills_client.webhooks import WebhookVerificationError, verify_webhook

__all__ = [
    "OPERATIONS",
    "AsyncClient",
    "BadRequest",
    "Client",
    "Conflict",
    "EdskillsError",
    "FieldError",
    "Forbidden",
    "NotFound",
    "Page",
    "PayloadTooLarge",
    "PreconditionFailed",
    "Problem",
    "ProblemError",
    "Retry",
    "RetryEvent",
    "ServerError",
    "ServiceUnavailable",
    "Tagged",
    "TooManyRequests",
    "TransportError",
    "Unauthorized",
    "Unprocessable",
    "UnsupportedMediaType",
    "UploadOptions",
    "WebhookVerificationError",
    "models",
    "verify_webhook",
]
