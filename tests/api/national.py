"""Helpers for the national-body tests: drafts, ETag-guarded edits, extra keys."""

from __future__ import annotations

import asyncio
from typing import Any

from litestar.testing import TestClient

from api.settings import Settings
from tests.conftest import bearer

DRAFT = "2026.2"


async def _create_key(url: str, name: str, scopes: list[str]) -> str:
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from api.auth import create_key
    from api.db.engine import create_engine

    engine = create_engine(Settings.from_env({}, database_url=url), pooled=False)
    try:
        async with async_sessionmaker(engine)() as session, session.begin():
            return (await create_key(session, name, scopes))[1]
    finally:
        await engine.dispose()


def create_key(database_url: str, name: str, *scopes: str) -> str:
    """A real key with the given scopes in the test's database."""
    return asyncio.run(_create_key(database_url, name, list(scopes)))


class Editor:
    """A national-body editor: reads items with their ETag and sends it back on every change."""

    def __init__(self, client: TestClient, key: str, version: str = DRAFT) -> None:  # type: ignore[type-arg]
        self.client = client
        self.headers = bearer(key)
        self.base = f"/v1/frameworks/{version}"
        self.version = version

    def create_draft(self, **extra: Any) -> Any:
        response = self.client.post(
            "/v1/frameworks", json={"version": self.version, **extra}, headers=self.headers
        )
        assert response.status_code == 201, response.text
        return response

    def read(self, path: str) -> tuple[dict[str, Any], str]:
        response = self.client.get(f"{self.base}/{path}", headers=self.headers)
        assert response.status_code == 200, response.text
        return response.json(), response.headers["etag"]

    def put(self, path: str, body: dict[str, Any], etag: str | None) -> Any:
        headers = {**self.headers, **({"If-Match": etag} if etag is not None else {})}
        return self.client.put(f"{self.base}/{path}", json=body, headers=headers)

    def delete(self, path: str, etag: str | None, **params: str) -> Any:
        headers = {**self.headers, **({"If-Match": etag} if etag is not None else {})}
        return self.client.delete(f"{self.base}/{path}", headers=headers, params=params)

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self.client.post(f"{self.base}/{path}", json=body, headers=self.headers)

    def edit(self, path: str, **changes: Any) -> dict[str, Any]:
        """Read, change some fields, write back with the ETag: the normal editing loop."""
        item, etag = self.read(path)
        response = self.put(path, {**item, **changes}, etag)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def publish(self) -> Any:
        return self.client.post(f"{self.base}/publish", headers=self.headers)

    def document(self) -> dict[str, Any]:
        return self.read("document")[0]


def parse_jsonld(text: str) -> Any:
    """An rdflib graph of a JSON-LD document. rdflib 7's own JSON-LD parser uses its deprecated
    ConjunctiveGraph internally; that warning (and only that one) is rdflib's business, not ours."""
    import warnings

    import rdflib

    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message="ConjunctiveGraph is deprecated", category=DeprecationWarning
        )
        return rdflib.Graph().parse(data=text, format="json-ld")
