"""``edskills webhooks deliver``: the webhook delivery loop as its own process (issue 19), for
when the server's own loop is off (``EDSKILLS_WEBHOOKS_WORKER=0``) or to add delivery capacity:
deliveries are leased, so any number of loops may run side by side."""

from __future__ import annotations

import asyncio
import signal

import click

from api.cli.common import load_settings, run_db
from api.webhooks.worker import deliver_forever, deliver_pending


@click.group()
def webhooks() -> None:
    """Webhook deliveries."""


@webhooks.command("deliver")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
def webhooks_deliver(once: bool) -> None:
    """Deliver due webhook events until stopped (SIGINT or SIGTERM)."""
    settings = load_settings()
    if once:
        sent = run_db(lambda: asyncio.run(deliver_pending(settings)))
        click.echo(f"{sent} delivery attempt(s)", err=True)
        return

    async def loop() -> None:
        stop = asyncio.Event()
        running = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            running.add_signal_handler(signum, stop.set)
        click.echo("delivering webhooks; stop with Ctrl-C", err=True)
        await deliver_forever(settings, stop)

    asyncio.run(loop())
