"""The report catalogue: names, collections, about texts, inputs and output columns.

Light on purpose (no Polars): `svcstats reports`, `svcstats about` and every `--help` read it.
The computation of each report lives in the module named by `ReportInfo.module`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from svcstats.errors import UsageError

COLLECTIONS = (
    "Customer satisfaction",
    "Team performance",
    "Ticket replies",
    "Scheduling",
    "Customer agent",
    "Beyond HubSpot",
)

# Shared wording for columns several reports carry.
PERIOD_COLUMN = ("period_start", "first day of the period (ISO date, in --tz); absent with --totals")
GROUP_COLUMNS = ("<group>", "one column per --group-by key, named after it (rep, team, ...); absent without --group-by")


@dataclass(frozen=True)
class ReportOption:
    """An option only some reports take; its value reaches the report as ctx.options[name]."""

    name: str
    flag: str
    default: str | bool | None
    help: str
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReportInfo:
    """What a report is: everything needed to list it, explain it and run it."""

    name: str
    collection: str
    title: str
    summary: str
    about: str
    table: str  # the table whose records the report counts; filters apply to it
    columns: tuple[tuple[str, str], ...]
    date_by: dict[str, str]  # --date-by choice -> column of `table`; the first is the default
    module: str
    needs: tuple[str, ...] = ()  # columns of `table` the report reads beyond the required ones
    duration_stats: bool = False  # carries mean/median/p90 columns, so --stat applies
    duration_unit: str = "hours"  # unit of those columns: <stat>_<unit>
    group_aliases: dict[str, str] = field(default_factory=dict)
    options: tuple[ReportOption, ...] = ()
    example_options: str = " --frequency weekly --group-by team"

    @property
    def default_date_by(self) -> str:
        """The --date-by choice used when none is given."""
        return next(iter(self.date_by))


TICKET_GROUPS = {"rep": "owner", "owner": "owner", "team": "team", "pipeline": "pipeline", "source": "source", "channel": "source"}

DURATION_COLUMNS = (
    ("mean_hours", "mean duration in hours (HubSpot's figure)"),
    ("median_hours", "median duration in hours"),
    ("p90_hours", "90th percentile in hours (linear interpolation)"),
)

REPORTS: dict[str, ReportInfo] = {
    r.name: r
    for r in (
        ReportInfo(
            name="ticket-time-to-close",
            collection="Team performance",
            title="Time to close",
            summary="How long tickets take from creation to close: mean, median, p90.",
            about="""\
Measures, for each closed ticket, the time from its creation (created_at) to its close
(closed_at): hours_to_close = closed_at - created_at. HubSpot's "Average time to close" is the
mean; svcstats also gives the median and the 90th percentile, which are less distorted by a
few very old tickets.

A ticket is closed when it has a close date and is not marked open (is_closed is not false).
closed_at is the last close, as in HubSpot: a reopened and closed-again ticket counts the whole
time up to its latest close.

By default tickets are placed in the range and in periods by their close date
(--date-by closed); --date-by created places them by creation date instead.

Edge cases:
- --close first measures to the first close instead (Zendesk's "first resolution time"): from
  first_closed_at, or when the export lacks it, the first entry into a closed stage in
  stage_history (is_closed_stage, else a stage named "closed"). reopened_tickets counts closed
  tickets whose first close came before their last (or with a reopen date); it is empty when the
  data has neither first closes nor reopen dates.
- Tickets still open have no time to close. They are not averaged but counted in open_tickets,
  by their creation date (in the range and period they were created in), whatever --date-by is.
- A ticket closed before it was created (bad data) is left out of the figures and counted in a
  warning on stderr.
- Periods with no closed tickets appear with closed_tickets = 0 and empty durations.""",
            table="tickets",
            columns=(
                PERIOD_COLUMN,
                GROUP_COLUMNS,
                ("closed_tickets", "closed tickets in the period or group (n of the durations)"),
                *DURATION_COLUMNS,
                ("open_tickets", "tickets created in the period or group that are still open (excluded from the durations)"),
                ("reopened_tickets", "of the closed tickets, those closed more than once (empty when unknown)"),
            ),
            date_by={"closed": "closed_at", "created": "created_at"},
            module="svcstats.reports.ticket_time_to_close",
            needs=("closed_at", "is_closed", "first_closed_at", "reopened_at"),
            options=(
                ReportOption(
                    "close",
                    "--close",
                    "last",
                    "Which close ends the time: last (HubSpot's figure) or first (first_closed_at or stage history).",
                    ("last", "first"),
                ),
            ),
            duration_stats=True,
            group_aliases=TICKET_GROUPS,
        ),
        ReportInfo(
            name="support-volume",
            collection="Team performance",
            title="Support volume",
            summary="How many tickets arrive, per period and per rep or team.",
            about="""\
Counts tickets: tickets = number of tickets whose date (by default the creation date,
--date-by created) falls in the period. With --group-by rep (or team) the count is split by
the ticket's current owner (or team); tickets with no owner are shown as "Unassigned".

Of those tickets, closed_tickets are closed now (a close date and not marked open) and
open_tickets are still open, so tickets = closed_tickets + open_tickets on every row.

Note that tickets created in a period and tickets closed in it are different populations:
--date-by closed counts tickets by close date instead, and then every ticket counted is closed.

Periods with no tickets appear with zero counts.""",
            table="tickets",
            columns=(
                PERIOD_COLUMN,
                GROUP_COLUMNS,
                ("tickets", "tickets whose --date-by date falls in the period"),
                ("closed_tickets", "of those, tickets closed now"),
                ("open_tickets", "of those, tickets still open"),
            ),
            date_by={"created": "created_at", "closed": "closed_at"},
            module="svcstats.reports.support_volume",
            needs=("closed_at", "is_closed"),
            group_aliases=TICKET_GROUPS,
        ),
    )
}


def get_report(name: str) -> ReportInfo:
    """The report called `name`, or a usage error listing the known ones."""
    try:
        return REPORTS[name]
    except KeyError:
        close = [known for known in REPORTS if name in known or known in name]
        hint = f"did you mean {close[0]}?" if close else "run 'svcstats reports' for the list"
        raise UsageError(f"unknown report {name!r}", hint) from None


def by_collection() -> dict[str, list[ReportInfo]]:
    """Reports grouped by collection, in the order of COLLECTIONS; empty collections left out."""
    grouped = {name: [r for r in REPORTS.values() if r.collection == name] for name in COLLECTIONS}
    return {name: reports for name, reports in grouped.items() if reports}
