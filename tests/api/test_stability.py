"""The /v1 stability policy (issue 19): nothing documented disappears unannounced, and announced
removals carry Deprecation (RFC 9745), Sunset (RFC 8594) and a Link to the notice."""

from __future__ import annotations

import copy
import datetime as dt
from email.utils import parsedate_to_datetime

import pytest
import yaml
from litestar.testing import TestClient

from api import deprecations
from api.app import create_app
from api.deprecations import Deprecation, undeclared_removals
from api.settings import PROJECT_ROOT, Settings

COMMITTED = yaml.safe_load((PROJECT_ROOT / "openapi.yaml").read_text(encoding="utf-8"))
NOTICE = "https://skills.example.gov.uk/notices/skill-score"


def live_schema() -> dict:  # type: ignore[type-arg]
    app = create_app(Settings.from_env({}, database_url="sqlite+aiosqlite:///:memory:"))
    return app.openapi_schema.to_schema()


def test_no_documented_operation_or_response_field_disappears_unannounced() -> None:
    assert undeclared_removals(COMMITTED, live_schema()) == []


def test_the_check_fails_on_a_removed_field_until_it_is_announced() -> None:
    live = live_schema()
    shrunk = copy.deepcopy(live)
    del shrunk["components"]["schemas"]["SkillOut"]["properties"]["score"]
    operation = shrunk["paths"]["/v1/levels"]["get"]["operationId"]
    del shrunk["paths"]["/v1/levels"]
    assert undeclared_removals(live, shrunk) == [f"operation {operation}", "field SkillOut.score"]
    announced = [
        Deprecation(
            ("listSkills",), dt.date(2026, 1, 1), dt.date(2026, 7, 3), NOTICE, field="SkillOut.score"
        ),
        Deprecation((operation,), dt.date(2026, 1, 1), dt.date(2026, 12, 31), NOTICE),
    ]
    assert undeclared_removals(live, shrunk, announced) == []


@pytest.mark.parametrize(
    ("deprecated", "sunset", "notice"),
    [
        (dt.date(2026, 1, 1), dt.date(2026, 6, 30), NOTICE),  # less than six months
        (dt.date(2026, 1, 1), dt.date(2025, 12, 1), NOTICE),
        (dt.date(2026, 1, 1), dt.date(2027, 1, 1), "/notices/relative"),
    ],
)
def test_an_entry_must_give_six_months_and_an_absolute_notice(
    deprecated: dt.date, sunset: dt.date, notice: str
) -> None:
    with pytest.raises(ValueError, match=r"six months|absolute URL"):
        Deprecation(("listSkills",), deprecated, sunset, notice)


def test_announced_operations_answer_with_the_headers(database_url: str) -> None:
    """A real app built with one registry entry (what a future release would add to REGISTRY)."""
    entries = [
        Deprecation(
            ("getSkill",), dt.date(2026, 1, 1), dt.date(2026, 9, 1), NOTICE, field="SkillDetail.training"
        ),
        Deprecation(("getSkill",), dt.date(2025, 12, 1), dt.date(2026, 8, 1), NOTICE + "-2"),
    ]
    app = create_app(Settings.from_env({}, database_url=database_url))
    app.state.deprecations = deprecations.by_operation(entries)
    with TestClient(app=app) as client:
        for _ in range(2):  # the second answer is the public cache's replay: the same headers
            response = client.get("/v1/skills/bid-writing")
            assert response.status_code == 200
            assert (
                response.headers["deprecation"]
                == f"@{int(dt.datetime(2025, 12, 1, tzinfo=dt.UTC).timestamp())}"
            )
            assert parsedate_to_datetime(response.headers["sunset"]) == dt.datetime(2026, 8, 1, tzinfo=dt.UTC)
            # the earliest sunset with its deprecation date; every notice linked, earliest first
            assert response.headers.get_list("link") == [
                f'<{NOTICE}-2>; rel="deprecation"',
                f'<{NOTICE}>; rel="deprecation"',
            ]
        untouched = client.get("/v1/skills")
        assert "deprecation" not in untouched.headers and "sunset" not in untouched.headers
    # The shipped app announces nothing today.
    assert deprecations.REGISTRY == ()
