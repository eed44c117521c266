"""Whole responses of public reads, replayed from memory while the data behind them is unchanged.

A public read (a published edition's skills, roles, pathways…; the council registry) is a pure
function of its path, its query string and two things each worker holds in memory: the list of
public editions and the registry (``api.framework.store``, ``api.councils.registry``). So the first
answer to an anonymous ``GET`` of such a path is kept, start and body exactly as the app sent them
(every header rule of ``api.http_guards`` already applied), and replayed to the next identical
request for as long as neither copy changed. The replay still runs the bounded re-check of both
copies first, so a new edition or a flipped sharing switch shows within
``framework_refresh_seconds`` exactly as without it (issue 14).

Replayed are only ``200`` answers to requests that carry no credentials and no cookies (so no key's
rate-limit headers, ``no-store`` rule or signed-in page is ever replayed to someone else) and that set
no cookie. Routing, validation and errors run as before for everything else. The replay costs
about what a constant endpoint costs; building a skill page through the handler, dependencies and
encoder cost ~4x that (``bench/RESULTS.md``, "public").

It wraps the app before routing (``app.asgi_handler``), inside ``HeadAsGet``, so ``HEAD`` is
answered from the same entry without a body.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from typing import TYPE_CHECKING

from litestar.enums import ScopeType

from api.framework.concepts import offered
from api.negotiation import choose

if TYPE_CHECKING:
    from litestar.types import ASGIApp, Message, Receive, Scope, Send

    from api.councils.registry import CouncilRegistry
    from api.framework.store import FrameworkStore

PUBLIC_READS = re.compile(
    r"^/v1/(?:frameworks(?:/[^/]+)?|levels|categories|skills(?:/[^/]+)?|roles(?:/[^/]+(?:/next)?)?"
    r"|pathways|scenarios(?:/[^/]+)?|training(?:/[^/]+)?|councils(?:/[^/]+)?)/?$"
)
"""The framework reads and the registry reads; not drafts' items, exports or council data."""
CONCEPTS = re.compile(r"^/v1/frameworks/[^/]+/(skills|roles|categories|scenarios)/[^/]+/?$")
"""Resolvable concepts (issue 19): negotiated on ``Accept``, so replayed per negotiated type."""
PRIVATE_HEADERS = frozenset({b"authorization", b"cookie"})
CAPACITY = 512
"""Distinct (path, query) answers kept per worker, least recently used dropped first."""

Entry = tuple[int, list["Message"]]


class PublicReadCache:
    """The ASGI wrapper (module docstring); ``store`` and ``registry`` are the app's own."""

    def __init__(
        self, app: ASGIApp, store: FrameworkStore, registry: CouncilRegistry, capacity: int = CAPACITY
    ) -> None:
        self.app = app
        self.store = store
        self.registry = registry
        self.capacity = capacity
        self._entries: OrderedDict[tuple[str, bytes, str], Entry] = OrderedDict()

    async def _generation(self, path: str) -> int:
        """The generation of the copy the path reads, after its due re-check."""
        if path.startswith("/v1/councils"):
            await self.registry.snapshot()
            return self.registry.generation
        await self.store.public_editions()
        return self.store.generation

    @staticmethod
    def _variant(scope: Scope) -> str | None:
        """What else the answer depends on: ``""`` for a plain public read, the negotiated media type
        for a concept (``api.negotiation.choose`` over what the item read offers, so two ``Accept``
        headers that negotiate the same type share one entry), ``None`` when not replayable (not a
        public read, or nothing acceptable: the app answers 406)."""
        path = scope["path"]
        concept = CONCEPTS.match(path)
        if concept is None:
            return "" if PUBLIC_READS.match(path) else None
        accept = next(
            (value.decode("latin-1") for name, value in scope["headers"] if name == b"accept"), None
        )
        return choose(accept, offered(concept.group(1)))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        variant = self._variant(scope) if scope["type"] == ScopeType.HTTP else None
        if (
            scope["type"] != ScopeType.HTTP
            or scope["method"] != "GET"
            or variant is None
            or any(name in PRIVATE_HEADERS for name, _ in scope["headers"])
        ):
            await self.app(scope, receive, send)
            return
        key = (scope["path"], scope.get("query_string", b""), variant)
        try:
            generation = await self._generation(scope["path"])
        except Exception:  # the copies cannot load: let the app answer (a 503 problem)
            await self.app(scope, receive, send)
            return
        entry = self._entries.get(key)
        if entry is not None and entry[0] == generation:
            self._entries.move_to_end(key)
            for message in entry[1]:
                await send(message)
            return
        sent: list[Message] = []

        async def keep(message: Message) -> None:
            sent.append(message)
            await send(message)

        await self.app(scope, receive, keep)
        if _replayable(sent):
            self._entries[key] = (generation, sent)
            self._entries.move_to_end(key)
            if len(self._entries) > self.capacity:
                self._entries.popitem(last=False)


def _replayable(messages: list[Message]) -> bool:
    """One whole ``200`` answer that sets no cookie."""
    if not messages or messages[0]["type"] != "http.response.start" or messages[0]["status"] != 200:
        return False
    if any(name.lower() == b"set-cookie" for name, _ in messages[0].get("headers", ())):
        return False
    last = messages[-1]
    return last["type"] == "http.response.body" and not last.get("more_body", False)
