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

from svcstats.commands.errors import HELP_FLAGS, reported_errors, say
from svcstats.commands.options import DATE_FORMATS, OUTPUT_FLAGS

pull_app = typer.Typer(
    help="Fetch a help desk's data through its API into a dataset folder every report reads (--data DIR).",
    no_args_is_help=True,
    context_settings={"help_option_names": list(HELP_FLAGS)},
)

HUBSPOT_TABLES = "tickets, stage_history, messages, agent_conversations, csat, working_hours, availability"

# the options every pull shares
Out = Annotated[
    Path,
    typer.Option(*OUTPUT_FLAGS, metavar="DIR", help="Dataset folder to create or update (an earlier pull there is merged into)."),
]
Since = Annotated[
    datetime | None,
    typer.Option(
        "--since",
        formats=DATE_FORMATS,
        metavar="DATE",
        help="Only records changed on or after DATE (YYYY-MM-DD, UTC); default: all on the first pull, then what changed since the last.",
    ),
]
Tables = Annotated[str | None, typer.Option("--tables", metavar="A,B", help="Comma-separated tables to pull; default all.")]
PullDebug = Annotated[bool, typer.Option("--debug", metavar="", help="Show the full traceback on errors.")]


@pull_app.command("hubspot")
def hubspot(
    out: Out,
    since: Since = None,
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
    debug: PullDebug = False,
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
        pulled = connector.pull(
            out,
            token,
            tables=_tables(tables),
            since=since.strftime("%Y-%m-%dT00:00:00.000Z") if since else None,
            api_url=api_url or connector.API_URL,
            snapshot=snapshot,
            command=_command(),
            tell=say,
        )
        for line in lines(pulled):
            say(line)


@pull_app.command("zendesk")
def zendesk(
    out: Out,
    subdomain: Annotated[str | None, typer.Option("--subdomain", metavar="S", help="The account: S in S.zendesk.com.")] = None,
    api_url: Annotated[
        str | None,
        typer.Option("--api-url", metavar="URL", help="Base URL of the API (a proxy, or a test server); default from --subdomain."),
    ] = None,
    since: Since = None,
    tables: Tables = None,
    debug: PullDebug = False,
) -> None:
    """Pull Zendesk Support data through its incremental export APIs into a dataset folder.

    Tickets (with their metric sets), status changes (stage_history), comments (messages: public
    or private, author role from the agents), satisfaction ratings (csat) and the default
    business-hours schedule (working_hours) go into DIR, one CSV per table plus svcstats-pull.json.
    Credentials from $ZENDESK_EMAIL and $ZENDESK_API_TOKEN, or $ZENDESK_OAUTH_TOKEN (never from the
    command line). A second run fetches what changed since the first; an interrupted run resumes
    when the same command runs again. Exit 5: credentials refused; 6: the API failed.

    Example: svcstats pull zendesk --subdomain acme --out zendesk-data
    """
    with reported_errors(debug):
        from svcstats.connectors import zendesk as connector
        from svcstats.connectors.pull import lines
        from svcstats.errors import UsageError

        if api_url is None and subdomain is None:
            raise UsageError("pull zendesk needs --subdomain S (or --api-url URL)", "S is the first part of your S.zendesk.com address")
        authorization = connector.credentials(dict(os.environ))
        pulled = connector.pull(
            out,
            authorization,
            api_url=api_url or connector.api_url(subdomain or ""),
            tables=_tables(tables),
            since=since.strftime("%Y-%m-%dT00:00:00Z") if since else None,
            command=_command(),
            tell=say,
        )
        for line in lines(pulled):
            say(line)


@pull_app.command("chatwoot")
def chatwoot(
    out: Out,
    url: Annotated[
        str | None, typer.Option("--url", metavar="URL", help="The Chatwoot installation, e.g. https://chat.example.org.")
    ] = None,
    account: Annotated[
        int | None, typer.Option("--account", metavar="N", help="The account id (in the app's URLs: /app/accounts/N).")
    ] = None,
    api_url: Annotated[
        str | None,
        typer.Option(
            "--api-url", metavar="URL", help="The account's API base URL (a proxy, or a test server); default from --url and --account."
        ),
    ] = None,
    since: Since = None,
    tables: Tables = None,
    debug: PullDebug = False,
) -> None:
    """Pull Chatwoot data through its API into a dataset folder.

    Conversations (tickets), their messages (incoming, outgoing, activity; private notes; bot or
    agent senders), CSAT survey responses and the first inbox's working hours and time zone go into
    DIR, one CSV per table plus svcstats-pull.json. The token is read from $CHATWOOT_API_TOKEN
    (Profile settings > Access token). A second run fetches conversations active since the first;
    an interrupted run resumes when the same command runs again. Exit 5: token refused; 6: the API failed.

    Example: svcstats pull chatwoot --url https://chat.example.org --account 1 --out chatwoot-data
    """
    with reported_errors(debug):
        from svcstats.connectors import chatwoot as connector
        from svcstats.connectors.pull import lines
        from svcstats.errors import AuthError, UsageError

        if api_url is None and (url is None or account is None):
            raise UsageError("pull chatwoot needs --url URL and --account N (or --api-url URL)", "N is in the app's URLs: /app/accounts/N")
        token = os.environ.get(connector.TOKEN_ENV, "").strip()
        if not token:
            raise AuthError(f"${connector.TOKEN_ENV} is not set", "copy the access token from Chatwoot's Profile settings and export it")
        pulled = connector.pull(
            out,
            token,
            api_url=api_url or connector.account_url(url or "", account or 0),
            tables=_tables(tables),
            since=since.strftime("%Y-%m-%dT00:00:00Z") if since else None,
            command=_command(),
            tell=say,
        )
        for line in lines(pulled):
            say(line)


def _tables(text: str | None) -> list[str] | None:
    """The --tables list, or None for the connector's default."""
    return None if text is None else [t.strip() for t in text.split(",") if t.strip()]


def _command() -> str:
    """The command line as run (for the manifest), when this process runs `svcstats pull`."""
    return shlex.join(["svcstats", *sys.argv[1:]]) if sys.argv[1:2] == ["pull"] else ""
