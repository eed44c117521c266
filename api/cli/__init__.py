"""The ``edskills`` command (entry point ``api.cli:main``).

One module per group of commands; this package only assembles them. The modules import
``common`` (failures, settings, sessions), ``output`` (tables) and ``backend`` (``--url``/``--key``
or ``--local``), never this package, so the command has no import cycle (issue 13):

    serve.py      edskills serve
    db.py         edskills db upgrade|downgrade|current, edskills seed
    keys.py       edskills keys create|list|revoke
    people.py     edskills people invite|reset|grant|ungrant|list|log
    framework.py  edskills framework validate|export
    audit.py      edskills audit create|list|import|export|carry-forward
    round.py      edskills round open|links|remind|close
    needs.py      edskills needs create, edskills gaps, edskills report
    trend.py      edskills trend, edskills benchmark
    sector.py     edskills sector
    openapi.py    edskills openapi
    webhooks.py   edskills webhooks deliver
    remote.py / local.py   the two backends of the people-facing commands
"""

from __future__ import annotations

import click

from api.cli.audit import audit
from api.cli.db import db, seed
from api.cli.framework import framework
from api.cli.keys import keys
from api.cli.needs import gaps, needs, report
from api.cli.openapi import openapi, openapi_yaml
from api.cli.people import people_group
from api.cli.round import round_group
from api.cli.sector import sector
from api.cli.serve import serve
from api.cli.trend import benchmark, trend
from api.cli.webhooks import webhooks


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """ED Skills Pathways API: service, database and data commands."""


for command in (serve, db, seed, framework, keys, audit, needs, gaps, report, sector, openapi, webhooks):
    main.add_command(command)
for command in (trend, benchmark):
    main.add_command(command)
main.add_command(people_group, name="people")
main.add_command(round_group, name="round")

__all__ = ["main", "openapi_yaml"]
