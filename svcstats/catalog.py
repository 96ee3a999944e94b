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
    default_group_by: tuple[str, ...] = ()  # group keys used when the user gives no --group-by
    range_only: bool = False  # a total over the range by nature: --frequency does not apply
    default_frequency: str = "weekly"  # --frequency when none is given
    schedule_of: str = ""  # whose working hours --hours business counts ("the ticket owner's"); "" = no --hours
    own_range: str = ""  # the dates the report always covers ("the week of --as-of"): no range options then

    def business_hours(self) -> str:
        """The rule --hours business follows for this report, as `svcstats about` shows it."""
        return BUSINESS_HOURS.format(whose=self.schedule_of)

    @property
    def default_date_by(self) -> str:
        """The --date-by choice used when none is given."""
        return next(iter(self.date_by))


MESSAGE_RULES = """\
Message rules (shared by the Ticket replies reports): a reply is a public message from a human
agent; bot and system messages and internal notes are never replies (--include-bots counts the
bot as a responder). A customer waits from the first customer message not yet answered (several
in a row start one wait, at the first) until the next reply; the team waits from the first
unanswered reply until the customer's next message. Messages of a ticket are ordered by sent_at,
then message_id, then customer before reply. A wait with no end in the data (or none by
--as-of) is open: it is not averaged but counted in open_waits (--open adds its mean and
maximum age)."""

BUSINESS_HOURS = """\
Business hours: --hours business counts working time only, in the working hours of
{whose}.
Schedules come from the working_hours export; reps without one of their own use the default
(the [business_hours] section of svcstats.toml, else the export's rows for rep "*").
Each schedule is in its own time zone, so a 09:00 start is 09:00 local on both sides of a DST
change; holidays (the holidays export, for the schedule's time zone, or for every zone when it
names none) count no working time. Time outside working hours counts zero: a wait entirely out
of hours is 0 business hours and stays in the figures. The duration columns keep their names;
the title says "business hours". A note on stderr says how many reps had no schedule of their own."""

AVAILABILITY_RULES = """\
Status intervals (shared by the Scheduling reports): each availability event holds until the
rep's next event, or its own ended_at when that comes first; the status in force when the range
starts is carried in from the rep's last earlier event; an interval with no end is open and ends
at --as-of (the end of that day; now without --as-of). A status of "Available" (any case) is
available; every other status is away. Several events of a rep at the same instant: the first
by status (then detail, end and the other columns, so never by row order) is kept and the
others counted in a warning; an ended_at past the rep's next
event is cut there (a note); an ended_at before started_at is left out (a warning). --rep, --team
and --where select intervals once they are built from all events, so leaving out a status never
stretches the one before it."""
AVAILABILITY_GROUPS = {"rep": "rep", "team": "team"}

WAIT_OPTIONS = (
    ReportOption(
        "attribute",
        "--attribute",
        "responder",
        "Whose wait it is for --group-by rep: the rep who replied, or the ticket owner.",
        ("responder", "owner"),
    ),
    ReportOption("include_bots", "--include-bots", False, "Count the bot's public messages as replies."),
    ReportOption("open", "--open", False, "Add the mean and maximum age of the waits still open."),
    ReportOption("per_ticket", "--per-ticket", False, "One row per ticket: its waits and their total hours."),
    ReportOption("top", "--top", None, "Only the N customers with the longest mean wait (by customer id, else ticket)."),
)
WAIT_COLUMNS = (
    PERIOD_COLUMN,
    GROUP_COLUMNS,
    ("waits", "waits that ended (n of the durations)"),
    ("mean_hours", "mean wait in hours"),
    ("median_hours", "median wait in hours"),
    ("p90_hours", "90th percentile in hours"),
    ("open_waits", "waits still open at --as-of (not averaged)"),
    ("mean_open_hours, max_open_hours", "with --open: age of the open waits"),
    ("ticket_id, total_hours", "with --per-ticket: one row per ticket, its waits and total hours"),
    ("rank, customer, total_hours", "with --top N: the customers with the longest mean wait"),
)
MESSAGE_GROUPS = {"rep": "rep", "owner": "owner", "team": "team", "pipeline": "pipeline", "source": "source", "channel": "source"}

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
            name="csat",
            collection="Customer satisfaction",
            title="Customer satisfaction (CSAT)",
            summary="Share of satisfied survey responses, per period, rep or team.",
            about="""\
CSAT % = positive responses / rated responses x 100. Responses without a rating (unrated
surveys) are counted in unrated and never enter the denominator. This is a ratio of counts per
row, never an average of percentages.

Whether a rating is positive depends on its survey's scale (from the scale_min and scale_max
columns, or --scale when the export has none):
  0-2   HubSpot's CSAT survey: 2 positive, 1 neutral, 0 negative
  1-3   3 positive, 2 neutral, 1 negative
  1-5   4-5 positive, 3 neutral, 1-2 negative (Zendesk, Intercom: a 3 is not satisfied)
  1-7   6-7 positive, 4-5 neutral, 1-3 negative (HubSpot CES)
  0-10  9-10 positive, 7-8 neutral, 0-6 negative (NPS-style)
Each response is judged on its own scale, so csat_pct stays meaningful across surveys. The mean
rating is only given for a row whose responses share one scale; a row mixing scales shows
scale "mixed" and an empty mean_rating rather than averaging across scales.

--distribution lists, instead, the number of rated responses per scale and rating value, with
each value's share of its row (share_pct).

Responses are placed by submission date (--date-by submitted). --group-by rep or team uses the
response's rep/team columns; --group-by pipeline or source takes them from the ticket (ticket_id).

Edge cases: a rating outside its scale, or a scale not listed above, is left out and counted in
a warning.""",
            table="csat",
            columns=(
                PERIOD_COLUMN,
                GROUP_COLUMNS,
                ("csat_pct", "positive / responses x 100; empty when there are no rated responses"),
                ("responses", "rated responses"),
                ("positive", "rated responses counted as positive on their scale"),
                ("neutral", "rated responses counted as neutral"),
                ("negative", "rated responses counted as negative"),
                ("unrated", "responses without a rating (not in csat_pct)"),
                ("mean_rating", "mean rating, when the row's responses share one scale"),
                ("scale", "the row's scale (e.g. 0-2), or mixed"),
            ),
            date_by={"submitted": "submitted_at"},
            module="svcstats.reports.csat",
            group_aliases={"rep": "rep", "team": "team", "channel": "channel", "source": "channel"},
            example_options=" --frequency monthly --group-by team",
            options=(
                ReportOption(
                    "scale",
                    "--scale",
                    None,
                    "Rating scale when the export has no scale_min/scale_max columns (0-2 is HubSpot's CSAT).",
                    ("0-2", "1-3", "1-5", "1-7", "0-10"),
                ),
                ReportOption("distribution", "--distribution", False, "Count responses per rating value instead."),
            ),
        ),
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

A ticket is closed when it is marked closed (is_closed), or when the export does not say, when
it has a close date on or before --as-of (so re-running with the same --as-of gives the same
figures as the data grows). closed_at is the last close, as in HubSpot: a reopened and
closed-again ticket counts the whole time up to its latest close. A ticket marked closed without
a close date is left out and counted in a warning; an export without closed_at is an error.

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
            schedule_of="the ticket owner",
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
first_response_at is used as exported (HubSpot: "First agent response date").

By default tickets are placed by creation date (--date-by created); --date-by first-response
places them by the time of the first reply.

Edge cases:
- Tickets with no reply yet are not averaged but counted in unreplied_tickets, by creation date.
- A first_response_at before created_at (bad data) is left out and counted in a warning.
- With --group-by rep the ticket's current owner is used, whoever replied.""",
            table="tickets",
            columns=(
                PERIOD_COLUMN,
                GROUP_COLUMNS,
                ("replied_tickets", "tickets with a first reply (n of the durations)"),
                *DURATION_COLUMNS,
                ("unreplied_tickets", "tickets created in the period or group without a reply yet"),
            ),
            date_by={"created": "created_at", "first-response": "first_reply_at"},
            module="svcstats.reports.ticket_time_to_first_response",
            schedule_of="the ticket owner",
            needs=("first_response_at",),
            duration_stats=True,
            group_aliases=TICKET_GROUPS,
        ),
        ReportInfo(
            name="chat-wait-time",
            collection="Team performance",
            title="Chat wait time",
            summary="How long chat customers wait for a first human reply, and how many chats go unanswered.",
            about="""\
Measures, for each chat, how long the customer waited for a human:
minutes_waited = first human reply - the customer's first message. HubSpot's "Chat wait time"
is the mean; the median and p90 come beside it.

A chat is a ticket whose source is chat (or, when tickets carry no source, whose messages have
channel chat); its messages come from the messages table. The first human reply is the first
public agent message at or after the customer's first message; bot and system messages and
internal notes never end the wait.

--wait-from handoff starts the wait at the handoff instead: the last bot message before the
first human reply (a chat the bot never took part in still waits from the customer's first
message). The default, --wait-from customer, counts the time with the bot as waiting too.

Chats are placed by the customer's first message (--date-by started).

Edge cases:
- Chats with no human reply are abandoned: not averaged, counted in abandoned_chats, and
  abandonment_pct = abandoned_chats / chats x 100 (a ratio of counts, per row).
- Chats without any customer message (started by an agent, or with no messages in the export)
  are left out and counted in a note.""",
            table="tickets",
            columns=(
                PERIOD_COLUMN,
                GROUP_COLUMNS,
                ("chats", "chats started in the period or group"),
                ("answered_chats", "of those, chats with a human reply (n of the waits)"),
                ("mean_minutes", "mean wait in minutes (HubSpot's figure)"),
                ("median_minutes", "median wait in minutes"),
                ("p90_minutes", "90th percentile of the wait in minutes"),
                ("abandoned_chats", "of those, chats with no human reply"),
                ("abandonment_pct", "abandoned_chats / chats x 100; empty when there are no chats"),
            ),
            date_by={"started": "chat_started_at"},
            module="svcstats.reports.chat_wait_time",
            schedule_of="the chat's ticket owner",
            needs=("source",),
            duration_stats=True,
            duration_unit="minutes",
            group_aliases=TICKET_GROUPS,
            options=(
                ReportOption(
                    "wait_from",
                    "--wait-from",
                    "customer",
                    "When the wait starts: at the customer's first message, or at the bot's handoff to a human.",
                    ("customer", "handoff"),
                ),
            ),
        ),
        ReportInfo(
            name="ticket-time-in-pipeline",
            collection="Team performance",
            title="Time in pipeline",
            summary="How long tickets spend in each pipeline stage, in stage order.",
            about="""\
For each pipeline stage, how long tickets stayed in it, from the stage_history table (one row
per visit: ticket_id, stage, entered_at, exited_at; exited_at empty while the ticket is still
there). Per ticket and stage:
  time in stage (HubSpot's figure) = the last moment in the stage - the first entry into it,
                                     whatever happened in between (excursions to other stages count)
  cumulative = the sum of all visits; latest = the last visit alone; visits = number of entries
so time in stage >= cumulative >= latest. The mean, median and p90 of HubSpot's figure are
given, with the mean cumulative and latest times beside them.

A ticket still in a stage counts up to --as-of (the end of that day), else up to now; visits
after --as-of are ignored. A ticket that never entered a stage is not a zero for it: it simply
does not count there. Closed stages (is_closed_stage, or a stage named "closed" when that column
is absent) are left out unless --include-closed. Stages are listed per pipeline by stage_order
(for HubSpot stage columns, which do not give it: the order tickets typically enter them).

Over time, a ticket is placed by the last time it left the stage (--date-by exited; still in the
stage: --as-of), or by its first entry (--date-by entered). --group-by rep or team takes the
ticket's owner or team from the tickets table.

HubSpot's ticket export keeps only the latest entry and exit of each stage, so from such an
export cumulative = latest = time in stage, and re-entries are invisible.""",
            table="stage_history",
            columns=(
                PERIOD_COLUMN,
                GROUP_COLUMNS,
                ("pipeline", "pipeline of the stage"),
                ("stage", "stage name"),
                ("tickets", "tickets that were in the stage (n)"),
                *DURATION_COLUMNS,
                ("mean_cumulative_hours", "mean of all visits added up, per ticket"),
                ("mean_latest_hours", "mean of the latest visit, per ticket"),
                ("visits", "entries into the stage (re-entries counted)"),
                ("still_in_stage", "tickets in the stage at --as-of"),
                ("stage_order", "position of the stage in its pipeline, when known"),
            ),
            date_by={"exited": "last_left_at", "entered": "first_entered_at"},
            module="svcstats.reports.ticket_time_in_pipeline",
            schedule_of="the ticket owner",
            duration_stats=True,
            group_aliases={"rep": "owner", "owner": "owner", "team": "team", "source": "source", "channel": "source"},
            example_options=" --totals",
            options=(ReportOption("include_closed", "--include-closed", False, "Also show time in closed stages."),),
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

Of those tickets, closed_tickets were closed at --as-of (else now) and open_tickets were not,
so tickets = closed_tickets + open_tickets on every row. A ticket is closed when it is marked
closed (is_closed), or when the export does not say, when it has a close date on or before
--as-of. Without any close data (no closed_at or is_closed column) both are empty.

Note that tickets created in a period and tickets closed in it are different populations:
--date-by closed counts tickets by close date instead (a ticket reopened since then, marked
open, counts as open).

Periods with no tickets appear with zero counts.""",
            table="tickets",
            columns=(
                PERIOD_COLUMN,
                GROUP_COLUMNS,
                ("tickets", "tickets whose --date-by date falls in the period"),
                ("closed_tickets", "of those, tickets closed at --as-of (empty without close data)"),
                ("open_tickets", "of those, tickets still open at --as-of (empty without close data)"),
            ),
            date_by={"created": "created_at", "closed": "closed_at"},
            module="svcstats.reports.support_volume",
            needs=("closed_at", "is_closed"),
            group_aliases=TICKET_GROUPS,
        ),
        ReportInfo(
            name="customer-wait-time",
            collection="Ticket replies",
            title="Customer wait time",
            summary="How long customers wait for the team's replies, at every point of a conversation.",
            about="""\
Measures every customer wait: from the first customer message that is not yet answered to the
next reply by a human agent (hours = reply - customer message), with the mean, median and p90
per period or group. Waits are placed by when they started (--date-by started) or ended
(--date-by answered). --group-by rep attributes a wait to the rep who ended it with a reply
(--attribute owner: to the ticket owner); open waits have no replying rep and are grouped as
Unassigned. --per-ticket gives each ticket's total waiting time; --top N the customers (by the
sender id of their messages, else the ticket) who waited longest on average.

"""
            + MESSAGE_RULES,
            table="messages",
            columns=WAIT_COLUMNS,
            date_by={"started": "started_at", "answered": "ended_at"},
            module="svcstats.reports.customer_wait_time",
            schedule_of="the rep who replied (the default schedule while a wait is open)",
            duration_stats=True,
            group_aliases=MESSAGE_GROUPS,
            example_options=" --frequency monthly --group-by rep",
            options=WAIT_OPTIONS,
        ),
        ReportInfo(
            name="customer-response-time",
            collection="Ticket replies",
            title="Customer response time",
            summary="How long customers take to answer the team's replies.",
            about="""\
Measures every wait of the team for the customer: from the first reply not yet answered to the
customer's next message (hours = customer message - reply), with the mean, median and p90 per
period or group. --group-by rep attributes a wait to the rep whose reply was waiting (--attribute
owner: to the ticket owner). --top 10 lists the ten customers (by sender id, else the ticket)
with the longest average response time, as HubSpot does; --per-ticket gives each ticket's total.

"""
            + MESSAGE_RULES,
            table="messages",
            columns=WAIT_COLUMNS,
            date_by={"started": "started_at", "answered": "ended_at"},
            module="svcstats.reports.customer_response_time",
            schedule_of="the rep whose reply awaits the customer",
            duration_stats=True,
            group_aliases=MESSAGE_GROUPS,
            example_options=" --totals --top 10",
            options=WAIT_OPTIONS,
        ),
        ReportInfo(
            name="owner-response-time",
            collection="Ticket replies",
            title="Owner response time",
            summary="Per rep, how fast customers get a reply: first responses and later ones.",
            about="""\
For each rep, the answered customer waits they ended with a reply (--attribute owner: the waits
on the tickets they own, so each ticket owner's average), split into each ticket's first
response (the ticket's first customer wait) and the later responses, with the mean, median and
p90 hours of each. Grouped by rep unless --group-by says otherwise; placed by when the wait
started (--date-by started) or was answered (--date-by answered). Open waits are not counted
here (customer-wait-time counts them).

"""
            + MESSAGE_RULES,
            table="messages",
            columns=(
                PERIOD_COLUMN,
                ("rep", "the replying rep (or ticket owner with --attribute owner); other --group-by keys follow"),
                ("first_responses", "answered first waits of tickets"),
                ("mean_first_hours, median_first_hours, p90_first_hours", "their mean, median, p90 in hours"),
                ("later_responses", "answered later waits"),
                ("mean_later_hours, median_later_hours, p90_later_hours", "their mean, median, p90 in hours"),
            ),
            date_by={"started": "started_at", "answered": "ended_at"},
            module="svcstats.reports.owner_response_time",
            schedule_of="the rep who replied",
            group_aliases=MESSAGE_GROUPS,
            example_options=" --totals",
            default_group_by=("rep",),
            options=WAIT_OPTIONS[:2],
        ),
        ReportInfo(
            name="owner-reply-count",
            collection="Ticket replies",
            title="Owner reply count",
            summary="How many replies each rep sent: who talks to customers most.",
            about="""\
Counts replies (public messages by human agents; --include-bots counts the bot too) per rep,
the message's sender, per period or in total, placed by when they were sent. Grouped by rep
unless --group-by says otherwise. With --totals only the top N reps are listed (10 unless
--top N; --top 0 lists all), ranked by replies; reps tied at the cut are all kept.

"""
            + MESSAGE_RULES,
            table="messages",
            columns=(
                PERIOD_COLUMN,
                ("rep", "the sender of the replies; other --group-by keys follow"),
                ("replies", "replies sent"),
                ("rank", "with --totals: the rep's rank by replies (ties share a rank)"),
            ),
            date_by={"sent": "sent_at"},
            module="svcstats.reports.owner_reply_count",
            group_aliases=MESSAGE_GROUPS,
            example_options=" --totals --top 5",
            default_group_by=("rep",),
            options=(
                WAIT_OPTIONS[1],
                ReportOption("top", "--top", None, "With --totals, only the N reps with the most replies (default 10, 0 = all)."),
            ),
        ),
        ReportInfo(
            name="ticket-reply-count",
            collection="Ticket replies",
            title="Ticket reply count",
            summary="The tickets with the most replies sent and with the most customer messages.",
            about="""\
Two rankings over the date range (always a total, never per period): the top N tickets (10
unless --top N) by replies sent (public human-agent messages) and the top N by customer
messages received, counting the messages sent in the range. Ties are broken by ticket id.
Subject and owner come from the tickets table when there is one. In machine formats both
rankings are one table, told apart by the ranking column (replies_sent, messages_received).

"""
            + MESSAGE_RULES,
            table="messages",
            columns=(
                ("ranking", "replies_sent or messages_received"),
                ("rank", "1 = the most"),
                ("ticket_id", "the ticket"),
                ("subject, owner", "from the tickets table, when known"),
                ("replies_sent", "replies sent in the range"),
                ("messages_received", "customer messages received in the range"),
            ),
            date_by={"sent": "sent_at"},
            module="svcstats.reports.ticket_reply_count",
            group_aliases=MESSAGE_GROUPS,
            example_options=" --top 5",
            range_only=True,
            options=(
                WAIT_OPTIONS[1],
                ReportOption("top", "--top", None, "How many tickets each ranking lists (default 10, 0 = all)."),
            ),
        ),
        ReportInfo(
            name="message-volume-by-hour",
            collection="Ticket replies",
            title="Message volume by time of day",
            summary="Messages sent and received by hour of day (and weekday): when the team and customers are busiest.",
            about="""\
Counts customer messages received and replies sent per hour of the day (0-23) in --tz (DST
handled: a local hour is counted on the local clock), over the whole range, with the average
per day of the range (received_per_day, sent_per_day). --by-weekday gives a weekday x hour grid
(weekday 1 = Monday ... 7 = Sunday), each cell averaged over the number of such weekdays in the
range. Every hour (and weekday) appears, with zeros where nothing happened. Without a range, the
days run from the first to the last message. --group-by team (or any column) adds one grid per
group.

"""
            + MESSAGE_RULES,
            table="messages",
            columns=(
                GROUP_COLUMNS,
                ("weekday", "with --by-weekday: 1 = Monday ... 7 = Sunday"),
                ("hour", "hour of the day, 0-23, in --tz"),
                ("messages_received", "customer messages in that hour"),
                ("messages_sent", "replies sent in that hour"),
                ("received_per_day, sent_per_day", "the same divided by the days (of that weekday) in the range"),
            ),
            date_by={"sent": "sent_at"},
            module="svcstats.reports.message_volume_by_hour",
            group_aliases=MESSAGE_GROUPS,
            example_options=" --tz Europe/Oslo",
            range_only=True,
            options=(
                WAIT_OPTIONS[1],
                ReportOption("by_weekday", "--by-weekday", False, "A weekday x hour grid instead of hours alone."),
            ),
        ),
        ReportInfo(
            name="availability-in-working-hours",
            collection="Scheduling",
            title="Availability in working hours",
            summary="How much of their working hours reps were available, and how much availability fell outside them.",
            about="""\
For each rep, the time they were Available inside their working hours, as a share of their
working hours: available_pct = available_working_hours / working_hours (a ratio of sums over
the reps of a row). available_outside_hours is Available time outside working hours. Without
--group-by, one row per period for the whole team, with HubSpot's figure: how many reps were
available inside (reps_available_inside) and outside (reps_available_outside) their working
hours; --group-by rep gives one row per rep (those counts are then 1 or 0).

Working hours are each rep's schedule from the working_hours export (rep "*" and the
[business_hours] config section give the default, for reps without their own), in its own time
zone, DST-correct, holidays removed. They count while the rep's status is known: from their
first event (or the range start, carried in from their last earlier event) to --as-of; a gap
after an event's own ended_at has no status and no working hours.

"""
            + AVAILABILITY_RULES,
            table="availability",
            columns=(
                PERIOD_COLUMN,
                GROUP_COLUMNS,
                ("reps", "reps with a known status in the period or group"),
                ("working_hours", "their working hours while the status was known"),
                ("available_working_hours", "of those, hours with status Available"),
                ("available_pct", "available_working_hours / working_hours, in percent"),
                ("available_outside_hours", "hours Available outside working hours"),
                ("reps_available_inside", "reps Available at some time inside their working hours"),
                ("reps_available_outside", "reps Available at some time outside their working hours"),
            ),
            date_by={"started": "started_at"},
            module="svcstats.reports.availability_in_working_hours",
            group_aliases=AVAILABILITY_GROUPS,
            example_options=" --frequency monthly --group-by rep",
        ),
        ReportInfo(
            name="max-available-reps",
            collection="Scheduling",
            title="Maximum available reps",
            summary="The most reps available at the same moment, per day, with when it happened and the average.",
            about="""\
Per day (or --frequency period), the largest number of reps Available at the same moment
(max_available_reps), the first moment that number was reached (peak_at), and the time-weighted
average number Available (mean_available_reps = Available rep-hours / clock hours of the
period, clipped to the range and --as-of). The peak is found with a sweep over the starts and
ends of Available intervals; at equal instants ends come before starts, so a rep handing over
to another at 12:00 never counts twice. --by-hour gives the profile across the day: one row per
local hour of day (0-23), with the peak within that hour on any day and the average over the
days. --group-by team sweeps each team apart.

"""
            + AVAILABILITY_RULES,
            table="availability",
            columns=(
                PERIOD_COLUMN,
                GROUP_COLUMNS,
                ("hour", "local hour of day, 0-23 (with --by-hour)"),
                ("max_available_reps", "most reps Available at the same moment"),
                ("peak_at", "the first moment that many were Available (UTC)"),
                ("mean_available_reps", "time-weighted average number of reps Available"),
                ("available_rep_hours", "Available time of all reps, added up, in hours"),
            ),
            date_by={"started": "started_at"},
            module="svcstats.reports.max_available_reps",
            group_aliases=AVAILABILITY_GROUPS,
            example_options=" --last-week --as-of 2026-10-31",
            default_frequency="daily",
            options=(ReportOption("by_hour", "--by-hour", False, "One row per hour of day: the profile across the day."),),
        ),
        ReportInfo(
            name="rep-availability",
            collection="Scheduling",
            title="Rep availability",
            summary="Per rep, the time spent in each status and its share; detailed statuses and the intervals themselves.",
            about="""\
Per rep (the default grouping) and period, the hours in each status and its share of the time
the rep's status was known (share_pct; a rep's shares add up to 100 in each row key).
--detail splits each status by its detailed status (the detail column: lunch, meeting, ...).
--intervals lists the status intervals themselves, clipped to the range: rep, status, detail,
start, end, hours, whether it was carried in from before the range, and whether it was still open
at --as-of.

"""
            + AVAILABILITY_RULES,
            table="availability",
            columns=(
                PERIOD_COLUMN,
                ("rep", "the rep (other --group-by keys follow)"),
                ("status", "the status, as exported"),
                ("detail", "the detailed status (with --detail; (none) when empty)"),
                ("hours", "hours in that status"),
                ("intervals", "status intervals (pieces of them within the period)"),
                ("share_pct", "share of the rep's time with a known status, in percent"),
            ),
            date_by={"started": "started_at"},
            module="svcstats.reports.rep_availability",
            group_aliases=AVAILABILITY_GROUPS,
            example_options=" --last-month --as-of 2026-10-31 --totals",
            default_group_by=("rep",),
            options=(
                ReportOption("detail", "--detail", False, "Split each status by its detailed status."),
                ReportOption("intervals", "--intervals", False, "List the status intervals instead of totals."),
            ),
        ),
    )
}


AGENT_RULES = """\
Customer agent rules (shared by every Customer agent report):
per conversation of agent_conversations, once:
  involved        the agent took part (agent_involved; when empty: it replied or handed off)
  handed off      handed_off (when empty: a handoff_at or handoff_reason is given)
  human involved  a handoff, an assigned_rep, or a human agent's message on the conversation's
                  ticket (messages table) sent at or after its start and before it is judged
                  (and by --as-of): a message after the outcome is final does not undo it
  human requested human_requested (when empty: handoff_reason customer_request)
  feedback        helpful / not_helpful / none (unknown words: none, with a warning)
  judged          the last activity (latest of started, last activity, ended, handoff, closed)
                  is at least --pending-after hours (default 72; config agent.pending_after_hours)
                  before the end of --as-of; until then the conversation is pending, not a failure
  resolved        judged, the agent replied, no human requested or involved, feedback not negative
  deflected       judged, no human involved (every resolution is a deflection)
  handoff         judged and handed off (agent-handoff-outcomes alone counts a handoff at once)
Rates are ratios of sums per row (never averages of rates): resolution, deflection and handoff
rates divide by judged conversations, and pending shows how many are not judged yet. The
handle rate divides handled by all conversations on the channels the agent works on: the
channels of [agent] channels in svcstats.toml, else each channel from the first conversation
the agent took part in on it (earlier ones are not counted: the agent was not there yet).
Conversations are placed by when they started (--date-by started)."""

AGENT_NEEDS = (
    "channel", "ended_at", "last_activity_at", "agent_involved", "agent_replied", "human_requested", "handed_off",
    "handoff_at", "handoff_reason", "feedback", "assigned_rep", "closed_at", "ticket_id",
)  # fmt: skip
AGENT_GROUPS = {"rep": "assigned_rep", "assigned_rep": "assigned_rep", "channel": "channel", "source": "channel"}
PENDING_AFTER = ReportOption(
    "pending_after",
    "--pending-after",
    None,
    "Hours of inactivity before an outcome is judged, 0 to 8760 (default 72, or agent.pending_after_hours).",
)
RATE_NOTE = ("pending", "involved conversations not judged yet (inactive for less than --pending-after hours); never failures")
REASON_NOTE = (
    "customer_request, cannot_answer, custom_trigger, agent_paused, other_reason",
    "handoffs by trigger (handoff_reason; other_reason for anything else or none)",
)


def _agent_report(name: str, title: str, summary: str, about: str, columns: tuple[tuple[str, str], ...], **extra: object) -> ReportInfo:
    """A Customer agent report over agent_conversations, placed by start, with --pending-after."""
    options = (PENDING_AFTER, *extra.pop("options", ()))  # type: ignore[misc]
    return ReportInfo(
        name=name,
        collection="Customer agent",
        title=title,
        summary=summary,
        about=about + "\n\n" + AGENT_RULES,
        table="agent_conversations",
        columns=columns,
        date_by={"started": "started_at"},
        module=extra.pop("module", "svcstats.reports.agent_outcomes"),  # type: ignore[arg-type]
        group_aliases=AGENT_GROUPS,
        needs=AGENT_NEEDS,
        options=options,
        example_options=extra.pop("example_options", " --frequency monthly"),  # type: ignore[arg-type]
        **extra,  # type: ignore[arg-type]
    )


AGENT_REPORTS = (
    _agent_report(
        "agent-impact",
        "Customer agent impact this week",
        "This week's resolved and handled conversations, resolution time, deflection and helpful feedback, beside last week's.",
        """\
HubSpot's "Impact this week": for the week holding --as-of (Monday to Sunday, in --tz) and the
week before it, side by side: resolved conversations, handled (involved) conversations, pending
ones, the mean resolution time in minutes (resolved conversations: end, else last activity,
minus start), the deflection rate (deflected / judged) and the share of feedback marked helpful
(helpful / (helpful + not helpful); conversations without feedback are left out of it). Each
rate carries its numerator and denominator. The date range options do not apply (giving one is
an error): the weeks come from --as-of.""",
        (
            GROUP_COLUMNS,
            ("week_start", "Monday of the week holding --as-of"),
            ("resolved, handled, pending", "this week's counts"),
            ("mean_resolution_minutes", "mean minutes from start to end of the resolved conversations"),
            ("deflection_pct", "deflected / judged x 100"),
            ("deflected, judged", "judged conversations without a human; involved conversations whose outcome is final"),
            ("helpful_pct", "helpful / rated x 100"),
            ("helpful, rated", "conversations with helpful feedback; with helpful or not helpful feedback"),
            ("<measure>_last_week", "the same measure for the week before"),
        ),
        module="svcstats.reports.agent_impact",
        range_only=True,
        own_range="the week of --as-of and the week before",
        example_options=" --as-of 2026-10-28",
    ),
    _agent_report(
        "agent-conversations-handled",
        "Conversations handled by the customer agent",
        "Conversations the agent took part in per period (--by channel: per channel).",
        """\
HubSpot's "Conversations handled over time" and, with --by channel (or the report
agent-conversations-by-channel), "Conversations handled by channel": handled = conversations
the agent took part in, whether it resolved them or handed them off; resolved, handoffs and
pending beside it.""",
        (
            PERIOD_COLUMN,
            GROUP_COLUMNS,
            ("handled", "conversations the agent took part in"),
            ("resolved", "of those, resolved by the agent"),
            ("handoffs", "of those, judged and handed off to a human"),
            RATE_NOTE,
        ),
        options=(ReportOption("by", "--by", None, "Split by channel (HubSpot's per-channel chart).", ("channel",)),),
    ),
    _agent_report(
        "agent-conversations-by-channel",
        "Conversations handled by channel",
        "Conversations the agent took part in, per channel (over the range unless --frequency is given per period).",
        """\
HubSpot's "Conversations handled by channel": agent-conversations-handled split by channel
(the same as agent-conversations-handled --by channel).""",
        (
            PERIOD_COLUMN,
            ("channel", "the conversation's channel ((none) when empty)"),
            ("handled", "conversations the agent took part in"),
            ("resolved", "of those, resolved by the agent"),
            ("handoffs", "of those, judged and handed off to a human"),
            RATE_NOTE,
        ),
        default_group_by=("channel",),
        example_options=" --totals",
    ),
    _agent_report(
        "agent-feedback-trend",
        "Trend of visitor feedback",
        "Visitor feedback on the agent per period: helpful, not helpful, none.",
        """\
HubSpot's "Trend of visitor feedback": per period, the conversations the agent took part in by
their feedback: helpful, not_helpful, no_feedback, and helpful_pct = helpful / (helpful + not
helpful) (rated); conversations without feedback are not in the rate. Feedback words are
normalised: helpful/positive/thumbs up/yes; not helpful/unhelpful/negative/thumbs down/no;
none or empty. One feedback per conversation (the export's last).""",
        (
            PERIOD_COLUMN,
            GROUP_COLUMNS,
            ("helpful_pct", "helpful / rated x 100"),
            ("rated", "helpful + not_helpful"),
            ("helpful, not_helpful, no_feedback", "conversations by feedback"),
            RATE_NOTE,
        ),
    ),
    _agent_report(
        "agent-handling-rate",
        "Handling rate over time",
        "Share of conversations on the agent's channels that it took part in.",
        """\
HubSpot's "Handling rate over time": handle_pct = handled / conversations, where conversations
counts every conversation on a channel the agent works on ([agent] channels in the config, else
a channel from the first conversation the agent took part in on it) and handled those it took
part in. Conversations on other channels, or before the agent came to theirs, are left out and
counted in a note. A low rate means the agent is under-used.""",
        (
            PERIOD_COLUMN,
            GROUP_COLUMNS,
            ("handle_pct", "handled / conversations x 100"),
            ("handled", "conversations the agent took part in"),
            ("conversations", "all conversations on the agent's channels"),
            RATE_NOTE,
        ),
    ),
    _agent_report(
        "agent-resolution-rate",
        "Resolution rate (over time)",
        "Share of judged conversations the agent resolved without a human; --totals for the overall rate.",
        """\
HubSpot's "Resolution rate" (--totals) and "Resolution rate over time": resolution_pct =
resolved / judged. A conversation is resolved when the agent replied, no human was requested
or involved, and the feedback is not negative, judged once it has been inactive for
--pending-after hours (72). Teams pay per resolution, so the rule is strict: a handoff, an
assigned rep or a human's message on the ticket, a request for a human, or "not helpful" feedback
each make the conversation unresolved.""",
        (
            PERIOD_COLUMN,
            GROUP_COLUMNS,
            ("resolution_pct", "resolved / judged x 100"),
            ("resolved", "conversations resolved by the agent"),
            ("judged", "involved conversations whose outcome is final"),
            RATE_NOTE,
        ),
    ),
    _agent_report(
        "agent-resolutions",
        "Resolved conversations",
        "Conversations resolved by the agent per period, with the unresolved and pending ones.",
        """\
HubSpot's "Resolved conversations": resolved per period (--totals: over the range), beside
unresolved (judged, not resolved) and pending (not judged yet); resolved + unresolved + pending
= handled.""",
        (
            PERIOD_COLUMN,
            GROUP_COLUMNS,
            ("resolved", "conversations resolved by the agent"),
            ("unresolved", "judged conversations not resolved"),
            RATE_NOTE,
        ),
    ),
    _agent_report(
        "agent-deflection-rate",
        "Deflection rate over time",
        "Share of judged conversations that needed no human.",
        """\
HubSpot's "Deflection rate over time": deflection_pct = deflected / judged, where deflected =
no human was involved (no handoff, no assigned rep, no human message on the ticket). Every
resolution is a deflection; a deflected conversation the visitor left unhappy (negative
feedback, or a request for a human that never came) is not a resolution.""",
        (
            PERIOD_COLUMN,
            GROUP_COLUMNS,
            ("deflection_pct", "deflected / judged x 100"),
            ("deflected", "judged conversations without a human"),
            ("judged", "involved conversations whose outcome is final"),
            RATE_NOTE,
        ),
    ),
    _agent_report(
        "agent-deflections",
        "Deflections over time",
        "Conversations the agent handled without a human, per period.",
        """\
HubSpot's "Deflections over time": deflected conversations (judged, no human involved) per
period, with the judged and pending conversations beside them.""",
        (
            PERIOD_COLUMN,
            GROUP_COLUMNS,
            ("deflected", "judged conversations without a human"),
            ("judged", "involved conversations whose outcome is final"),
            RATE_NOTE,
        ),
    ),
    _agent_report(
        "agent-in-your-team",
        "Customer agent in your team",
        "Resolved conversations per period by each team member and by the agent, with each one's share.",
        """\
HubSpot's "Customer agent in your team": per period, the conversations resolved by the agent
(resolver "Customer agent", the resolved flag) and those closed by each team member: a
conversation with a human involved, closed (closed_at) by the end of --as-of, credited to its
assigned_rep ("Unassigned" when none). A conversation handed off and then closed by a human
counts for the human only. share_pct = the resolver's resolutions / all resolutions of the row's
period (and groups). Conversations without the agent count for the team too, when a rep closed
them.""",
        (
            PERIOD_COLUMN,
            GROUP_COLUMNS,
            ("resolver", "a team member, or Customer agent"),
            ("share_pct", "resolved / all_resolved x 100: the resolver's share of the row's resolutions"),
            ("resolved", "conversations resolved by the resolver"),
            ("all_resolved", "conversations resolved by anyone in the row's period (and groups)"),
        ),
        module="svcstats.reports.agent_team",
    ),
    _agent_report(
        "agent-handoff-rate",
        "Human handoff rate over time",
        "Share of judged conversations the agent handed to a human, with the split by trigger.",
        """\
HubSpot's "Human handoff rate over time": handoff_pct = handoffs / judged, counting
conversations (not handoff events), with the handoffs split by trigger: the visitor asked for a
human, the agent could not answer, a custom (keyword) trigger, the agent was paused, or another
reason. A handoff is counted only once its conversation is judged (inactive for --pending-after
hours), as the rate's denominator is; handoffs of conversations not judged yet are in pending.
agent-handoff-outcomes counts every handoff at once, so its recent periods can show more.""",
        (
            PERIOD_COLUMN,
            GROUP_COLUMNS,
            ("handoff_pct", "handoffs / judged x 100"),
            ("handoffs", "judged conversations handed off to a human"),
            ("judged", "involved conversations whose outcome is final"),
            RATE_NOTE,
            REASON_NOTE,
        ),
    ),
    _agent_report(
        "agent-handoffs",
        "Human handoffs",
        "Conversations handed to a human per period, split by trigger.",
        """\
HubSpot's "Human handoffs": judged conversations handed off per period, and how many of them
per trigger (customer_request, cannot_answer, custom_trigger, agent_paused, other_reason). A
handoff is counted only once its conversation is judged (inactive for --pending-after hours);
until then it is in pending. agent-handoff-outcomes counts every handoff at once, so its recent
periods can show more.""",
        (PERIOD_COLUMN, GROUP_COLUMNS, ("handoffs", "judged conversations handed off to a human"), REASON_NOTE, RATE_NOTE),
    ),
    _agent_report(
        "agent-handoff-outcomes",
        "Customer agent handoff",
        "Of the handed-off conversations: the share converted, and the time from the agent's assignment to close.",
        """\
HubSpot's "Customer agent handoff". Of the conversations the agent handed off (whatever their
age: a handoff is a fact as soon as it happens, so this report counts it at once, unlike
agent-handoffs and agent-handoff-rate, which wait until the conversation is judged), converted = taken up by a human (an assigned
rep, or a human message on the ticket) and closed by the end of --as-of, or turned into a ticket
(ticket_id given). conversion_pct = converted / handoffs. The time is from the agent's
assignment (the conversation's start) to its close (closed_at), for the handed-off
conversations closed by --as-of: mean, median, p90 hours; hours after the handoff itself
(closed_at - handoff_at) come beside as mean_after_handoff_hours. open_handoffs are handed-off
conversations not closed by --as-of: in the denominator, not in the times.""",
        (
            PERIOD_COLUMN,
            GROUP_COLUMNS,
            ("conversion_pct", "converted / handoffs x 100"),
            ("handoffs", "conversations handed off"),
            ("converted", "of those, closed by a human or turned into a ticket"),
            ("to_ticket", "of those, with a ticket"),
            ("open_handoffs", "handed off and not closed at --as-of"),
            ("closed_handoffs", "handed off and closed (n of the times)"),
            ("mean_hours, median_hours, p90_hours", "hours from the conversation's start to its close"),
            ("mean_after_handoff_hours", "mean hours from the handoff to the close"),
        ),
        module="svcstats.reports.agent_handoff_outcomes",
        duration_stats=True,
        schedule_of="the rep the conversation was handed to",
    ),
)
AGENT_REPORTS += (
    _agent_report(
        "agent-conversation-flags",
        "Customer agent conversations, one by one",
        "Every conversation with the flags the agent reports count: check each resolution (a billing event) by hand.",
        """\
Not a HubSpot chart: the per-conversation flags every Customer agent report counts, one row per
conversation started in the range (in start order), so that each resolution can be checked
against the help desk's bill. judged_from is when the outcome becomes final (last activity +
--pending-after hours); outcome is resolved, unresolved, pending, or empty when the agent did not
take part. Always one row per conversation: --frequency and --totals do not apply.""",
        (
            GROUP_COLUMNS,
            ("conversation_id, started_at, channel, ticket_id", "the conversation"),
            ("involved, agent_replied, handed_off, human_requested, human_involved, deflected", "the flags (true/false)"),
            ("handoff_at, handoff_trigger", "when and why it was handed off"),
            ("feedback", "helpful, not_helpful or none"),
            ("judged_from", "when its outcome is final (UTC)"),
            ("outcome", "resolved, unresolved, pending; empty without the agent"),
            ("resolution_minutes", "for resolved ones: minutes from start to end"),
        ),
        module="svcstats.reports.agent_conversation_flags",
        range_only=True,
        example_options=" --from 2026-10-26 --as-of 2026-10-28 --format csv",
    ),
)
REPORTS.update({info.name: info for info in AGENT_REPORTS})


def get_report(name: str) -> ReportInfo:
    """The report called `name`, or a usage error listing the known ones."""
    try:
        return REPORTS[name]
    except KeyError:
        raise unknown_report(name) from None


COMMANDS_NOT_REPORTS = {"knowledge-gaps": "svcstats knowledge-gaps list"}  # names users try as reports


def unknown_report(name: str) -> UsageError:
    """The usage error for a report name that does not exist, with the likeliest fix."""
    close = [known for known in REPORTS if name in known or known in name]
    if name in COMMANDS_NOT_REPORTS:
        hint = f"{name} is a command of its own, not a report: run '{COMMANDS_NOT_REPORTS[name]}'"
    else:
        hint = f"did you mean {close[0]}?" if close else "run 'svcstats reports' for the list"
    return UsageError(f"unknown report {name!r}", hint)


def by_collection() -> dict[str, list[ReportInfo]]:
    """Reports grouped by collection, in the order of COLLECTIONS; empty collections left out."""
    grouped = {name: [r for r in REPORTS.values() if r.collection == name] for name in COLLECTIONS}
    return {name: reports for name, reports in grouped.items() if reports}
