"""Proactive content negotiation (RFC 9110 §12.5.1): the one parser of ``Accept`` in the service.

A resolvable concept (issue 19) answers as JSON, JSON-LD, CSV or a redirect to its page, whichever
the client prefers. :func:`choose` picks the offered type with the highest ``q`` of the *most
specific* media range that matches it (``text/csv`` over ``text/*`` over ``*/*``); ties go to the
server's order of preference, so a browser's ``*/*;q=0.8`` never beats its own ``text/html``, and a
client that sends no ``Accept`` at all gets the first offered type (JSON). A range with ``q=0``
refuses that type. Media-type parameters other than ``q`` are ignored when matching (none of the
offered types has any). When nothing is acceptable the answer is 406 problem+json
(:class:`NotAcceptable`), which RFC 9110 §15.5.7 allows whatever the ``Accept`` said.

The answer always carries ``Vary: Accept`` (:data:`VARY`), so caches keep the representations apart;
``api.public_cache`` keys its replay on :func:`choose`'s result for the same reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from api.errors import ProblemError

VARY = {"Vary": "Accept"}
MAX_RANGES = 64
"""Ranges read from one ``Accept`` header; more is not a real client (and costs time to sort)."""


class NotAcceptable(ProblemError):
    status_code = 406
    problem_type = "not-acceptable"


class MediaRange(NamedTuple):
    type: str
    subtype: str
    quality: float

    @property
    def specificity(self) -> int:
        """``*/*`` 0, ``text/*`` 1, ``text/csv`` 2."""
        return (self.type != "*") + (self.subtype != "*")

    def matches(self, media_type: str) -> bool:
        kind, _, subtype = media_type.partition("/")
        return self.type in ("*", kind) and self.subtype in ("*", subtype)


def parse_accept(header: str) -> list[MediaRange]:
    """The media ranges of an ``Accept`` header; malformed elements are skipped, a malformed or
    out-of-range ``q`` counts as 1 or is clamped (a lenient reading of a header clients get wrong)."""
    ranges: list[MediaRange] = []
    for element in header.split(",")[:MAX_RANGES]:
        media, *parameters = (part.strip() for part in element.split(";"))
        kind, slash, subtype = media.lower().partition("/")
        if not slash or not kind or not subtype or (kind == "*" and subtype != "*"):
            continue
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(1.0, max(0.0, float(value.strip())))
                except ValueError:
                    quality = 1.0
        ranges.append(MediaRange(kind, subtype, quality))
    return ranges


def quality(ranges: Sequence[MediaRange], media_type: str) -> float:
    """The ``q`` the client gives ``media_type``: that of the most specific range matching it."""
    matching = [media_range for media_range in ranges if media_range.matches(media_type)]
    if not matching:
        return 0.0
    return max(matching, key=lambda media_range: media_range.specificity).quality


def choose(header: str | None, offered: Sequence[str]) -> str | None:
    """The offered type to send, or ``None`` when the client accepts none of them."""
    if not offered:
        return None
    if header is None or not header.strip():
        return offered[0]
    ranges = parse_accept(header)
    if not ranges:
        return offered[0]  # nothing readable: as if no Accept was sent (RFC 9110 §12.5.1)
    best, best_quality = None, 0.0
    for media_type in offered:
        q = quality(ranges, media_type)
        if q > best_quality:
            best, best_quality = media_type, q
    return best


def negotiate(header: str | None, offered: Sequence[str]) -> str:
    """:func:`choose`, or 406 naming what can be had."""
    chosen = choose(header, offered)
    if chosen is None:
        raise NotAcceptable(
            f"None of the media types in Accept is available here; available: {', '.join(offered)}",
            headers=VARY,
        )
    return chosen
