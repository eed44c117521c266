"""The Python client against the real app (in-process through litestar's httpx-based TestClient)."""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections.abc import Iterator

import httpx
import pytest
from edskills_client import (
    AsyncClient,
    Client,
    Conflict,
    Forbidden,
    NotFound,
    PreconditionFailed,
    Unauthorized,
    Unprocessable,
    models,
)
from litestar.testing import AsyncTestClient, TestClient

from api.app import create_app
from api.settings import Settings
from tests.conftest import GATESHEAD, NEWCASTLE

TEAM_CSV = (
    b"Staff ID,Name,Job title,M&E,Bid writting,Stakeholder mgmt,Notes\n"
    b"EDO-01,Alex,Economic Development Officer,Practitioner,2,advanced,course booked\n"
    b"EDO-02,Sam,Snr Econ Dev Officer,basic,expert,2,\n"
    b"EDO-03,Kim,Economic Development Officer,,n/a,intermediate,\n"
)


@pytest.fixture
def api(client: TestClient, keys: dict[str, str]) -> Iterator[Client]:  # type: ignore[type-arg]
    with Client(http_client=client, api_key=keys["newcastle"]) as partner:
        yield partner


def test_public_reads_are_typed(client: TestClient) -> None:  # type: ignore[type-arg]
    public = Client(http_client=client, api_key="")
    assert public.health().status == "ok"
    skill = public.get_skill("bid-writing")
    assert isinstance(skill, models.SkillDetail) and skill.skill.slug == "bid-writing"
    assert public.get_role("ed-officer").role.slug == "ed-officer"
    found = public.list_skills(q="M&E", limit=3)
    assert found.items[0].slug == "monitoring-evaluation"
    match = public.match_skills(["M&E", "Forklift licence"])
    assert [result.decision for result in match.results] == ["matched", "unmatched"]
    assert public.get_council(NEWCASTLE).name.startswith("Newcastle")


def test_paginate_walks_every_page(client: TestClient) -> None:  # type: ignore[type-arg]
    public = Client(http_client=client)
    first = public.list_councils(limit=100)
    codes = [council.code for council in public.paginate(public.list_councils, limit=100)]
    assert len(codes) == first.total == len(set(codes)) > 300
    skills = list(public.paginate(public.list_skills, category="funding", limit=3))
    assert len(skills) == public.list_skills(category="funding").total == 8


def test_problems_are_typed_exceptions(client: TestClient, keys: dict[str, str]) -> None:  # type: ignore[type-arg]
    public = Client(http_client=client, api_key="")
    with pytest.raises(NotFound) as missing:
        public.get_skill("no-such-skill")
    assert missing.value.status == 404 and missing.value.type.startswith("urn:edskills:problem:")
    with pytest.raises(Unauthorized):
        public.list_audits(NEWCASTLE)
    with pytest.raises(Forbidden):
        Client(http_client=client, api_key=keys["framework"]).list_audits(NEWCASTLE)
    with pytest.raises(NotFound):
        Client(http_client=client, api_key=keys["gateshead"]).list_audits(NEWCASTLE)


def test_audit_to_report_through_the_client(api: Client) -> None:
    audit = api.create_audit(NEWCASTLE, models.AuditCreate(title="Client audit", audit_date="2026-10-01"))
    plan = api.import_spreadsheet(NEWCASTLE, audit.id, TEAM_CSV, filename="team.csv", dry_run=True)
    assert plan.dry_run and plan.members == 3
    assert api.get_audit(NEWCASTLE, audit.id).members == 0, "a dry run writes nothing"
    mapping = {"roles": {"Snr Econ Dev Officer": "senior-ed-officer"}}
    done = api.import_spreadsheet(NEWCASTLE, audit.id, TEAM_CSV, filename="team.csv", mapping=mapping)
    # 8, not 9: EDO-03's blank M&E cell writes nothing (DESIGN §1)
    assert (done.dry_run, done.created_members, done.written_assessments) == (False, 3, 8)

    references = [member.reference for member in api.paginate(api.list_members, NEWCASTLE, audit.id, limit=2)]
    assert references == ["EDO-01", "EDO-02", "EDO-03"]
    assert api.get_member(NEWCASTLE, audit.id, "EDO-01").effective_levels["monitoring-evaluation"] == 3

    needs = api.create_needs(
        NEWCASTLE,
        {
            "title": "2027",
            "establishment": {"ed-officer": 3, "senior-ed-officer": 1},
            "scenarios": ["net-zero"],
        },
    )
    assert api.get_requirements(NEWCASTLE, needs.id).rows
    gaps = api.get_gaps(NEWCASTLE, audit.id, needs.id)
    assert {row.rag for row in gaps.analysis.rows} <= {"red", "amber", "green"}
    assert 0 <= gaps.analysis.readiness <= 100
    html = api.get_report(NEWCASTLE, audit.id, needs.id, budget_gbp=5000, budget_days=20)
    assert html.lstrip().lower().startswith("<!doctype html")
    advice = api.get_recommendations(NEWCASTLE, audit.id, needs.id, budget_gbp=5000, budget_days=20)
    assert advice.training.total_cost_gbp <= 5000
    assert api.get_pathway(NEWCASTLE, audit.id, "EDO-01", target="ed-manager").pathway.member == "EDO-01"
    progress = api.get_progress(NEWCASTLE, from_audit=audit.id, to_audit=audit.id, needs=needs.id)
    assert progress.progress.readiness_before == progress.progress.readiness_after

    exported = api.export_audit(NEWCASTLE, audit.id, format="csv")
    assert b"EDO-02" in exported
    assert api.set_sharing(NEWCASTLE, True).share_capability is True
    api.delete_needs(NEWCASTLE, needs.id)
    api.delete_audit(NEWCASTLE, audit.id)
    with pytest.raises(NotFound):
        api.get_audit(NEWCASTLE, audit.id)


def test_field_errors_and_conflicts(api: Client) -> None:
    audit = api.create_audit(NEWCASTLE, {"title": "Errors", "audit_date": "2026-10-01"})
    api.create_member(NEWCASTLE, audit.id, {"reference": "EDO-03", "role": "ed-officer"})
    with pytest.raises(Conflict):
        api.create_member(NEWCASTLE, audit.id, {"reference": "EDO-03"})
    with pytest.raises(Unprocessable) as refused:
        api.upsert_assessments(
            NEWCASTLE,
            audit.id,
            [
                {"member": "EDO-03", "skill": "bid-writing", "level": 3},
                {"member": "EDO-03", "skill": "nope", "level": 1},
            ],
        )
    assert any(error.field == "assessments[1].skill" for error in refused.value.errors)
    result = api.upsert_assessments(
        NEWCASTLE, audit.id, [models.AssessmentIn(member="EDO-03", skill="bid-writing", level=3)]
    )
    assert (result.created, result.updated) == (1, 0)


def test_if_match_with_the_etag(api: Client) -> None:
    audit = api.create_audit(NEWCASTLE, {"title": "ETag", "audit_date": "2026-10-01"})
    current, etag = api.with_etag(api.get_audit, NEWCASTLE, audit.id)
    assert current.id == audit.id and etag
    renamed = api.update_audit(NEWCASTLE, audit.id, models.AuditUpdate(title="Renamed"), if_match=etag)
    assert renamed.title == "Renamed"
    with pytest.raises(PreconditionFailed):
        api.update_audit(NEWCASTLE, audit.id, {"title": "Again"}, if_match=etag)


def test_key_and_url_from_the_environment(
    client: TestClient,  # type: ignore[type-arg]
    keys: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EDSKILLS_API_KEY", keys["newcastle"])
    assert Client(http_client=client).list_audits(NEWCASTLE).total == 0
    monkeypatch.setenv("EDSKILLS_URL", "http://partner.example:9000/")
    assert Client().base_url == "http://partner.example:9000"
    assert Client(api_key="explicit")._headers["Authorization"] == "Bearer explicit"


def test_async_client_has_the_same_operations(settings: Settings, keys: dict[str, str]) -> None:
    async def scenario() -> tuple[int, list[str], str]:
        async with AsyncTestClient(app=create_app(settings)) as http:
            api = AsyncClient(http_client=http, api_key=keys["gateshead"])
            audit = await api.create_audit(GATESHEAD, {"title": "Async", "audit_date": "2026-10-01"})
            for reference in ("A-1", "A-2", "A-3"):
                await api.create_member(GATESHEAD, audit.id, {"reference": reference})
            references = [
                member.reference
                async for member in api.paginate(api.list_members, GATESHEAD, audit.id, limit=2)
            ]
            try:
                await api.get_audit(GATESHEAD, uuid.uuid4())
            except NotFound as exc:
                missing = exc.title
            total = (await api.list_councils(limit=1)).total
            return total, references, missing

    total, references, missing = asyncio.run(scenario())
    assert total > 300
    assert references == ["A-1", "A-2", "A-3"]
    assert missing == "Not Found"


def test_transport_failures_are_one_exception() -> None:
    from edskills_client import TransportError

    with (
        Client("http://127.0.0.1:1", timeout=2) as refused,
        pytest.raises(TransportError, match="cannot reach"),
    ):
        refused.health()
    with socket.socket() as silent:  # accepts connections (backlog) but never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        with (
            Client(url, timeout=httpx.Timeout(0.3)) as slow,
            pytest.raises(TransportError, match="timed out"),
        ):
            slow.health()
