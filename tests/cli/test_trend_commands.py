"""``edskills trend`` and ``edskills benchmark`` against a served app and with --local (issue 18)."""

from __future__ import annotations

import csv
import io

from litestar.testing import TestClient

from api.benchmarks.service import TREND_COLUMNS
from tests.api.test_trends_api import NEEDS
from tests.cli.test_audit_commands import Invoke, edskills, ok
from tests.conftest import NEWCASTLE, bearer
from tests.helpers import post, team_audit

__all__ = ["edskills"]  # the fixture, run remote and --local


def test_trend_and_benchmark_commands(
    edskills: Invoke,
    client: TestClient,  # type: ignore[type-arg]
    keys: dict[str, str],
) -> None:
    key = keys["newcastle"]
    needs_id = post(client, key, "/needs", NEEDS)["id"]
    team_audit(client, key, {"A": {"bid-writing": 1}}, "2026-01-15")
    team_audit(client, key, {"A": {"bid-writing": 3}, "B": {"bid-writing": 3}}, "2026-07-15")
    table = ok(edskills("trend", "--council", NEWCASTLE, "--needs", needs_id))
    assert table.index("2026-01-15") < table.index("2026-07-15")
    assert "2 audit(s) on ed-skills@2026.1" in table
    as_csv = ok(edskills("trend", "--council", NEWCASTLE, "--needs", needs_id, "--format", "csv"))
    lines = list(csv.reader(io.StringIO(as_csv)))
    assert tuple(lines[0]) == TREND_COLUMNS and len(lines) == 1 + 2 * 2  # profile + net-zero per audit

    closed = ok(edskills("benchmark", "--council", NEWCASTLE, "--needs", needs_id, "--group", "region"))
    assert "sharing goes both ways" in closed
    client.put(f"/v1/councils/{NEWCASTLE}/sharing", json={"share_capability": True}, headers=bearer(key))
    hidden = ok(edskills("benchmark", "--council", NEWCASTLE, "--needs", needs_id))
    assert "suppressed" in hidden  # nobody else shares: the group is too small to show
    bad = edskills("benchmark", "--council", NEWCASTLE, "--needs", needs_id, "--group", "county")
    assert bad.exit_code != 0
