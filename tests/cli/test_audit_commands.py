"""The people-facing commands, spreadsheet to report, against a served app and with --local."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from api.analytics.service import CSV_COLUMNS
from api.cli import main
from api.settings import Settings
from taxonomy.load import load_document, load_framework
from tests.api.national import create_key
from tests.conftest import GATESHEAD, NEWCASTLE
from tests.serving import served

TEAM_CSV = (
    "Newcastle ED team skills audit,,,,,,\n"
    "Staff ID,Name,Job title,M&E,Bid writting,Stakeholder mgmt,Notes\n"
    "EDO-01,Alex,Economic Development Officer,Practitioner,2,advanced,course booked\n"
    "EDO-02,Sam,Snr Econ Dev Officer,basic,expert,2,\n"
    "EDO-03,Kim,Economic Development Officer,,n/a,intermediate,\n"
)
Invoke = Callable[..., Result]


@pytest.fixture(params=["remote", "local"])
def edskills(request: pytest.FixtureRequest, settings: Settings, keys: dict[str, str]) -> Iterator[Invoke]:
    """Run `edskills …` against a served app (URL and key from the environment) or with --local."""
    runner = CliRunner()
    if request.param == "local":
        env = {"EDSKILLS_DATABASE_URL": settings.database_url, "EDSKILLS_URL": "http://127.0.0.1:1"}

        def local(*args: str, key: str | None = None, color: bool = False) -> Result:
            del key  # --local needs no key: the database URL is the credential
            return runner.invoke(main, [*args, "--local"], env=env, color=color)

        yield local
        return
    with served(settings) as url:

        def remote(*args: str, key: str | None = None, color: bool = False) -> Result:
            env = {"EDSKILLS_URL": url, "EDSKILLS_API_KEY": key or keys["newcastle"]}
            return runner.invoke(main, list(args), env=env, color=color)

        yield remote


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output + (result.stderr if result.stderr_bytes else "")
    return result.stdout


def import_sheet(edskills: Invoke, sheet: Path, *options: str) -> Result:
    """``edskills audit import SHEET --council <Newcastle> OPTIONS…``."""
    return edskills("audit", "import", str(sheet), "--council", NEWCASTLE, *options)


def test_spreadsheet_to_report(edskills: Invoke, tmp_path: Path) -> None:
    sheet = tmp_path / "team.csv"
    sheet.write_text(TEAM_CSV, encoding="utf-8")
    audit = ok(edskills("audit", "create", "--council", NEWCASTLE, "--title", "CLI", "--date", "2026-10-01"))
    audit = audit.strip()
    assert len(audit) == 36

    plan = import_sheet(edskills, sheet, "--audit", audit, "--dry-run")
    text = ok(plan)
    assert "M&E" in text and "monitoring-evaluation" in text and "matched" in text
    assert "Snr Econ Dev Officer" in text
    assert "dry run: nothing written" in text
    assert "Importing team.csv" in plan.stderr, "a progress bar on stderr"
    listing = ok(edskills("audit", "list", "--council", NEWCASTLE))
    assert listing.splitlines()[2].split() == [audit, "2026-10-01", "CLI", "0", "0"], (
        "a dry run writes nothing"
    )

    done = ok(
        import_sheet(edskills, sheet, "--audit", audit, "--role", "Snr Econ Dev Officer=senior-ed-officer")
    )
    assert "3 member(s) created, 0 updated, 8 assessment(s) written" in done

    needs = ok(
        edskills(
            "needs",
            "create",
            "--council",
            NEWCASTLE,
            "--title",
            "2027",
            "--horizon",
            "2027-03-31",
            "--establishment",
            "ed-officer=3",
            "--scenario",
            "ukspf-delivery",
            "--row",
            "net-zero-economy:3:1:important",
        )
    ).strip()
    gaps = edskills("gaps", "--council", NEWCASTLE, "--audit", audit, "--needs", needs, color=True)
    table = ok(gaps)
    assert "readiness" in table and "bid-writing" in table
    assert "\x1b[31mRED" in table, "red rows are red"

    report = tmp_path / "report.html"
    ok(edskills("report", "--council", NEWCASTLE, "--audit", audit, "--needs", needs, "-o", str(report)))
    assert report.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
    exported = tmp_path / "team.xlsx"
    ok(edskills("audit", "export", "--council", NEWCASTLE, "--audit", audit, "-o", str(exported)))
    assert exported.read_bytes()[:2] == b"PK"


def test_undecided_import_is_refused_and_writes_nothing(
    edskills: Invoke, tmp_path: Path, row_counts: Callable[[], dict[str, int]]
) -> None:
    sheet = tmp_path / "odd.csv"
    sheet.write_text("Reference,Forklift licence\nEDO-01,3\n", encoding="utf-8")
    audit = ok(edskills("audit", "create", "--council", NEWCASTLE, "--title", "Odd")).strip()
    before = row_counts()
    refused = import_sheet(edskills, sheet, "--audit", audit)
    assert refused.exit_code == 2
    assert refused.stderr.strip().splitlines()[-1].startswith("edskills: error: nothing was imported")
    assert row_counts() == before
    mapped = import_sheet(edskills, sheet, "--audit", audit, "--map", "Forklift licence=ignore")
    assert "1 member(s) created" in ok(mapped)


def test_import_without_an_audit_creates_one_only_when_ready(
    edskills: Invoke, tmp_path: Path, row_counts: Callable[[], dict[str, int]]
) -> None:
    """Issue 13: one upload; a dry run or a refusal (which prints the plan and names each
    suggestion, exit 2) leaves no audit behind; a ready import creates it."""
    sheet = tmp_path / "new.csv"
    sheet.write_text("Reference,Line manager,GIS,Forklift licence\nEDO-01,Pat,3,2\n", encoding="utf-8")
    before = row_counts()
    dry = ok(import_sheet(edskills, sheet, "--dry-run"))
    assert "dry run: nothing written; not ready" in dry
    refused = import_sheet(edskills, sheet, "--title", "New")
    assert refused.exit_code == 2
    assert refused.stdout.split("\n\nto confirm")[0] == dry.split("\n\nto confirm")[0], "the dry run's plan"
    assert "--map 'Line manager=people-management'  People management & development (81)" in refused.stdout
    assert "--map 'Forklift licence=…'  nothing in the framework matches" in refused.stdout
    assert refused.stderr.strip().splitlines()[-1] == (
        "edskills: error: nothing was imported: 2 item(s) to fix or confirm (listed above)"
    )
    long = import_sheet(edskills, sheet, "--layout", "long")
    assert long.exit_code == 2 and "a long layout needs 'Skill' and 'Level' columns" in long.stdout
    assert row_counts() == before, "no audit was created"

    mapped = ("--map", "Line manager=ignore", "--map", "Forklift licence=ignore")
    done = import_sheet(edskills, sheet, "--title", "New", *mapped)
    created = done.stderr.split("created audit ")[1].split()[0]
    assert f"imported into audit {created}: 1 member(s) created, 0 updated, 1 assessment(s) written" in ok(
        done
    )
    listing = ok(edskills("audit", "list", "--council", NEWCASTLE)).splitlines()
    assert listing[2].split()[0] == created and " New " in listing[2]


def test_carry_forward(edskills: Invoke, tmp_path: Path) -> None:
    sheet = tmp_path / "team.csv"
    sheet.write_text(TEAM_CSV, encoding="utf-8")
    audit = ok(edskills("audit", "create", "--council", NEWCASTLE, "--title", "CF")).strip()
    ok(import_sheet(edskills, sheet, "--audit", audit))
    carried = edskills("audit", "carry-forward", "--council", NEWCASTLE, "--audit", audit, "--to", "2026.1")
    copy = ok(carried).strip()
    assert len(copy) == 36 and copy != audit
    assert (
        "carried 3 member(s) and 8 assessment(s) from ed-skills@2026.1 to ed-skills@2026.1" in carried.stderr
    )
    listing = ok(edskills("audit", "list", "--council", NEWCASTLE))
    assert copy in listing and audit in listing
    missing = edskills("audit", "carry-forward", "--council", NEWCASTLE, "--audit", audit, "--to", "2099.1")
    assert missing.exit_code == 2 and missing.stderr.count("\n") == 1
    assert "2099.1 does not exist" in missing.stderr


def test_sector_view(edskills: Invoke, database_url: str) -> None:
    national = create_key(database_url, "LGA", "national:read")
    table = ok(edskills("sector", "--scenario", "net-zero", key=national))
    assert table.startswith("scenario net-zero (")
    assert table.splitlines()[2].split() == ["skill", "level", "red", "amber", "green"]
    csv_text = ok(edskills("sector", "--role", "ed-officer", "--format", "csv", key=national))
    assert csv_text.splitlines()[0] == ",".join(CSV_COLUMNS)
    both = edskills("sector", "--scenario", "net-zero", "--role", "ed-officer", key=national)
    assert both.exit_code == 2 and "give exactly one of --scenario or --role" in both.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["gaps", "--council", NEWCASTLE, "--audit", "not-a-uuid", "--needs", "x"], "edskills: error: "),
        (["audit", "list", "--council", "E99999999"], "edskills: error: "),
    ],
)
def test_errors_are_one_line(edskills: Invoke, args: list[str], message: str) -> None:
    result = edskills(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1, result.stderr


def test_wrong_council_key_is_404_remotely(settings: Settings, keys: dict[str, str]) -> None:
    with served(settings) as url:
        result = CliRunner().invoke(
            main,
            ["audit", "list", "--council", NEWCASTLE, "--url", url, "--key", keys["gateshead"]],
        )
        unreachable = CliRunner().invoke(
            main, ["audit", "list", "--council", GATESHEAD, "--url", "http://127.0.0.1:1"]
        )
    assert result.exit_code == 2 and result.stderr.startswith("edskills: error: 404 Not Found")
    assert unreachable.exit_code == 2 and "cannot reach http://127.0.0.1:1" in unreachable.stderr


@pytest.mark.parametrize("file_format", ["yaml", "skos"])
def test_framework_export(edskills: Invoke, tmp_path: Path, file_format: str) -> None:
    target = tmp_path / f"edition.{file_format}"
    ok(edskills("framework", "export", "2026.1", "--format", file_format, "-o", str(target)))
    text = target.read_text(encoding="utf-8")
    if file_format == "yaml":
        assert load_document(text) == load_framework()  # the file format, loading back to the same edition
    else:
        graph = json.loads(text)
        assert "@context" in graph and "bid-writing" in text


def test_framework_export_of_an_unknown_edition_is_one_line(edskills: Invoke, tmp_path: Path) -> None:
    result = edskills("framework", "export", "2099.1", "-o", str(tmp_path / "x.yaml"))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1, result.stderr
    assert not (tmp_path / "x.yaml").exists()
