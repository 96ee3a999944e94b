"""`svcstats pull zendesk` and `svcstats pull chatwoot`: the connector machinery of `pull hubspot`
(retries, resumable staging, incremental cursors, atomic merge, manifest) for two more help
desks. Registered on `svcstats pull` by pull_cli.py; httpx and Polars load inside the commands."""

from __future__ import annotations

import os
import shlex
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from svcstats.cli import DATE_FORMATS
from svcstats.pull_cli import pull_app

Out = Annotated[
    Path, typer.Option("--out", "-o", metavar="DIR", help="Dataset folder to create or update (an earlier pull there is merged into).")
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
Debug = Annotated[bool, typer.Option("--debug", metavar="", help="Show the full traceback on errors.")]


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
    debug: Debug = False,
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
    from svcstats.cli import reported_errors

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
        )
        for line in lines(pulled):
            print(line, file=sys.stderr)


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
    debug: Debug = False,
) -> None:
    """Pull Chatwoot data through its API into a dataset folder.

    Conversations (tickets), their messages (incoming, outgoing, activity; private notes; bot or
    agent senders), CSAT survey responses and the first inbox's working hours and time zone go into
    DIR, one CSV per table plus svcstats-pull.json. The token is read from $CHATWOOT_API_TOKEN
    (Profile settings > Access token). A second run fetches conversations active since the first;
    an interrupted run resumes when the same command runs again. Exit 5: token refused; 6: the API failed.

    Example: svcstats pull chatwoot --url https://chat.example.org --account 1 --out chatwoot-data
    """
    from svcstats.cli import reported_errors

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
        )
        for line in lines(pulled):
            print(line, file=sys.stderr)


def _tables(text: str | None) -> list[str] | None:
    return None if text is None else [t.strip() for t in text.split(",") if t.strip()]


def _command() -> str:
    return shlex.join(["svcstats", *sys.argv[1:]]) if sys.argv[1:2] == ["pull"] else ""
