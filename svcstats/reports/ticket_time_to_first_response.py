"""ticket-time-to-first-response: hours from ticket creation to the first human reply."""

from __future__ import annotations

from typing import TYPE_CHECKING

from svcstats.errors import DataError
from svcstats.reports.definition import GROUP_COLUMNS, PERIOD_COLUMNS, Records, ReportInfo, Stages
from svcstats.reports.rules import DURATION_COLUMNS, TICKET_GROUPS

if TYPE_CHECKING:
    import polars as pl

    from svcstats.reports.base import ReportContext

EXPORT_COLUMNS = ("first_response_at", "first_email_reply_seconds")  # what a ticket export may carry instead of messages


def facts(ctx: ReportContext) -> pl.LazyFrame:
    """(1) One row per ticket of the selection with its first human reply (from its messages, else
    the exported first_response_at), hours_to_first_response and `valid` (not before creation).
    Counts what is left out."""
    import polars as pl

    from svcstats.reports.base import Excluded

    extra = [] if ctx.dataset.has("messages") else ["first_email_reply_seconds"]
    tickets = with_first_response(ctx, ctx.records([*ctx.info.needs, *ctx.schedule_rep("owner"), *extra]))
    replied = pl.col("first_reply_at").is_not_null()
    tickets = ctx.reuse(tickets)
    if not ctx.dataset.has("messages") and "first_email_reply_seconds" in ctx.dataset.columns("tickets"):
        _note_email_replies(ctx, tickets)
    tickets = tickets.with_columns(
        pl.when(replied).then(ctx.duration("created_at", "first_reply_at", "owner")).alias("hours_to_first_response"),
        # the instants: business hours are 0 out of hours either way
        (pl.col("first_reply_at") >= pl.col("created_at")).alias("valid"),
    )
    ctx.note_schedules(tickets.filter(replied), "owner")
    ctx.exclude_each(
        tickets,
        Excluded(replied & ~pl.col("valid"), "first response before the ticket was created"),
        Excluded(~replied, "no reply yet (counted in unreplied_tickets)", "created_at", "note"),
    )
    return tickets


def with_first_response(ctx: ReportContext, tickets: pl.LazyFrame, columns: tuple[str, ...] = ("is_public",)) -> pl.LazyFrame:
    """`tickets` (with first_response_at and first_email_reply_seconds when there are no
    messages) with first_reply_at: the first human reply from the messages, else what the ticket
    export carries (export_first_response). The one rule every report follows for it; `columns`:
    the messages columns to load (see messages.with_first_replies)."""
    from svcstats.reports.messages import with_first_replies

    if ctx.dataset.has("messages"):
        return with_first_replies(ctx.dataset, tickets, columns)
    return tickets.with_columns(first_reply_at=export_first_response(ctx))


def export_first_response(ctx: ReportContext) -> pl.Expr:
    """Without messages, the first response the ticket export carries: first_response_at (HubSpot's
    "First agent response date"), else created_at + first_email_reply_seconds (HubSpot's "Time to
    first agent email reply (HH:mm:ss)", which counts email replies only), with a note saying so.
    An export with neither cannot tell a reply from none: that is an error, never zero replies."""
    import polars as pl

    present = [c for c in EXPORT_COLUMNS if c in ctx.dataset.columns("tickets")]
    if not present:
        raise DataError(
            f"{ctx.info.name}: no messages table, and {ctx.dataset.label('tickets')} has no first-response column",
            'add messages (svcstats pull hubspot writes it), or export the tickets with HubSpot\'s "First agent response date" '
            'or "Time to first agent email reply (HH:mm:ss)" column (first_response_at or first_email_reply_seconds)',
        )
    from_duration = pl.col("created_at") + pl.duration(milliseconds=(pl.col("first_email_reply_seconds") * 1000).round())
    return pl.coalesce("first_response_at", from_duration)


def _note_email_replies(ctx: ReportContext, tickets: pl.LazyFrame) -> None:
    """A note counting the tickets whose first response is the creation time plus HubSpot's
    email-reply duration (no First agent response date)."""
    import polars as pl

    from svcstats.findings import Check, Finding

    timed = ctx.place(
        tickets.filter(pl.col("first_response_at").is_null() & pl.col("first_email_reply_seconds").is_not_null()),
        "created_at",
    )
    name = ctx.info.name

    def read(result: pl.DataFrame) -> list[Finding]:
        rows = int(result.item())
        what = (
            "no messages table: first response = created_at + Time to first agent email reply "
            "(HubSpot measures email replies only there; chat replies are not seen)"
        )
        return [Finding(name, what, rows, "note", unit="ticket", verb="timed from the export's duration")] if rows else []

    ctx.checks.append(Check(timed.select(pl.len()), read))


def aggregate(ctx: ReportContext, tickets: pl.LazyFrame) -> pl.LazyFrame:
    """(2) Per row key: replied tickets with mean/median/p90 hours to the first reply (placed by
    --date-by), and unreplied ones (placed by creation)."""
    import polars as pl

    from svcstats.reports.base import duration_stats

    replied = pl.col("first_reply_at").is_not_null()
    durations = ctx.aggregate(
        ctx.place(tickets.filter(replied & pl.col("valid"))),
        pl.len().alias("replied_tickets"),
        *duration_stats(pl.col("hours_to_first_response"), ctx.stats),
    )
    waiting = ctx.aggregate(ctx.place(tickets.filter(~replied), "created_at"), pl.len().alias("unreplied_tickets"))
    return ctx.combine([durations, waiting])


def finish(ctx: ReportContext, aggregated: pl.LazyFrame) -> pl.LazyFrame:
    """(3) Every period of the calendar, zero counts where nothing happened."""
    return ctx.assemble([aggregated], counts=["replied_tickets", "unreplied_tickets"])


REPORT = ReportInfo(
    name="ticket-time-to-first-response",
    collection="Team performance",
    title="Time to first response",
    summary="How long customers wait for the first human reply to a ticket.",
    about="""\
Measures, for each ticket, the time from its creation (created_at) to the first reply by a
human agent: hours_to_first_response = first_reply_at - created_at. HubSpot's "Average time to
first response" is the mean; the median and p90 come beside it.

The first reply is taken from the messages table when the dataset has one: the earliest public
message (is_public not false) with sender_type agent sent at or after the ticket's creation.
Bot and system messages and internal notes never count as a response, so an automatic
acknowledgement does not stop the clock. Without a messages table, the tickets column
first_response_at is used as exported (HubSpot: "First agent response date"), else created_at
plus first_email_reply_seconds (HubSpot: "Time to first agent email reply (HH:mm:ss)", which
counts email replies only; a note says how many tickets were timed so). A tickets export with
neither and no messages table is an error naming what is missing, never zero replies.

By default tickets are placed by creation date (--date-by created); --date-by first-response
places them by the time of the first reply.

Edge cases:
- Tickets with no reply yet are not averaged but counted in unreplied_tickets, by creation date.
- A first_response_at before created_at (bad data) is left out and counted in a warning.
- With --group-by rep the ticket's current owner is used, whoever replied.""",
    table="tickets",
    columns=(
        *PERIOD_COLUMNS,
        GROUP_COLUMNS,
        ("replied_tickets", "tickets with a first reply (n of the durations)"),
        *DURATION_COLUMNS,
        ("unreplied_tickets", "tickets created in the period or group without a reply yet"),
    ),
    date_by={"created": "created_at", "first-response": "first_reply_at"},
    stages=Stages(facts, aggregate, finish),
    records=Records("ticket", "ticket_id", "a ticket's row and its messages"),
    schedule_of="the ticket owner",
    needs=("first_response_at",),
    duration_stats=True,
    group_aliases=TICKET_GROUPS,
)
