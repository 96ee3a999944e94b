"""`svcstats pull ...`: fetch a help desk's data through its API into a dataset folder. Registered
in cli.py; httpx and Polars are imported only inside the commands, so `--help` stays instant."""

from __future__ import annotations

import os
import shlex
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from svcstats.commands.errors import reported_errors, say
from svcstats.commands.options import DATE_FORMATS, OUTPUT_FLAGS

pull_app = typer.Typer(
    help="Fetch a help desk's data through its API into a dataset folder every report reads (--data DIR).",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)

HUBSPOT_TABLES = "tickets, stage_history, messages, agent_conversations, csat, working_hours, availability"


@pull_app.command("hubspot")
def hubspot(
    out: Annotated[
        Path,
        typer.Option(*OUTPUT_FLAGS, metavar="DIR", help="Dataset folder to create or update (an earlier pull there is merged into)."),
    ],
    since: Annotated[
        datetime | None,
        typer.Option(
            "--since",
            formats=DATE_FORMATS,
            metavar="DATE",
            help="Only records changed on or after DATE (YYYY-MM-DD, UTC); default: all on the first pull, "
            "then what changed since the last.",
        ),
    ] = None,
    tables: Annotated[
        str | None,
        typer.Option("--tables", metavar="A,B", help=f"Comma-separated tables to pull; default all but availability ({HUBSPOT_TABLES})."),
    ] = None,
    api_url: Annotated[
        str | None,
        typer.Option("--api-url", metavar="URL", help="Base URL of the API (a proxy, or a test server); default HubSpot's public API."),
    ] = None,
    snapshot: Annotated[
        bool,
        typer.Option(
            "--availability-snapshot",
            metavar="",
            help="Append each user's current availability status, as observed now, to availability (and refresh "
            "working_hours); run it from cron every few minutes to build availability over time.",
        ),
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", metavar="", help="Show the full traceback on errors.")] = False,
) -> None:
    """Pull HubSpot data through its API into a dataset folder, incrementally.

    Tickets, stage history, conversations, feedback surveys, working hours and availability go
    into DIR, one CSV per table plus svcstats-pull.json (what was pulled, when, each table's
    cursor and rows). The token is read from $HUBSPOT_ACCESS_TOKEN (a private app's
    access token; never from the command line). A second run fetches only what changed since the
    first and merges it without duplicates; an interrupted run is resumed by running the same
    command again. Exit 5: token missing, invalid or lacking a scope; 6: the API failed.

    Example: svcstats pull hubspot --output hubspot-data && svcstats report ticket-time-to-first-response --data hubspot-data
    """

    with reported_errors(debug):
        from svcstats.connectors import hubspot as connector
        from svcstats.connectors.pull import lines
        from svcstats.errors import AuthError

        token = os.environ.get(connector.TOKEN_ENV, "").strip()
        if not token:
            raise AuthError(
                f"${connector.TOKEN_ENV} is not set",
                "create a private app in HubSpot (Settings > Integrations > Private apps) and export its access token",
            )
        chosen = None if tables is None else [t.strip() for t in tables.split(",") if t.strip()]
        pulled = connector.pull(
            out,
            token,
            tables=chosen,
            since=since.strftime("%Y-%m-%dT00:00:00.000Z") if since else None,
            api_url=api_url or connector.API_URL,
            snapshot=snapshot,
            command=shlex.join(["svcstats", *sys.argv[1:]]) if sys.argv[1:2] == ["pull"] else "",
            tell=say,
        )
        for line in lines(pulled):
            say(line)
