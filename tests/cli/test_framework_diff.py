"""``edskills framework diff A B`` (issue 19): the API's diff as CSV, remote and local alike."""

from __future__ import annotations

import csv
import io

from litestar.testing import TestClient

from api.app import create_app
from api.settings import Settings
from tests.api.national import DRAFT, Editor
from tests.cli.test_audit_commands import Invoke, edskills, ok

__all__ = ["edskills"]
"""The remote and local ``edskills`` fixture of the audit commands' tests, shared."""


def test_framework_diff_prints_every_change(
    edskills: Invoke,
    settings: Settings,
    keys: dict[str, str],
) -> None:
    with TestClient(app=create_app(settings)) as client:
        editor = Editor(client, keys["framework"])
        editor.create_draft()
        editor.edit("skills/bid-writing", slug="funding-bids")
        assert editor.publish().status_code == 200
        expected = client.get(f"/v1/frameworks/2026.1/diff/{DRAFT}", headers={"Accept": "text/csv"}).text
    printed = ok(edskills("framework", "diff", "2026.1", DRAFT))
    rows = list(csv.DictReader(io.StringIO(printed)))
    assert rows == list(csv.DictReader(io.StringIO(expected)))
    renamed = [(row["item"], row["from"]) for row in rows if row["change"] == "renamed"]
    assert ("funding-bids", "bid-writing") in renamed
    result = edskills("framework", "diff", "2026.1", "2099.1")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1, result.stderr
