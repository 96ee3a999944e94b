"""Rules and definitions several reports share (Polars-free): the message rules, status
intervals and customer agent rules as `svcstats about` prints them, and each family's options,
columns and group aliases. The code that follows each rule is named beside it."""

from __future__ import annotations

from collections.abc import Mapping

from svcstats.reports.definition import (
    GROUP_COLUMNS,
    PERIOD_COLUMNS,
    Chart,
    Records,
    ReportInfo,
    ReportOption,
    Shape,
    Stages,
    top_option,
)

# followed by reports/waits.py (the pairing) and reports/messages.py (what a reply is)
MESSAGE_RULES = """\
Message rules (shared by the Ticket replies reports): a reply is a public message from a human
agent; bot and system messages and internal notes are never replies (--include-bots counts the
bot as a responder). A customer waits from the first customer message not yet answered (several
in a row start one wait, at the first) until the next reply; the team waits from the first
unanswered reply until the customer's next message. Messages of a ticket are ordered by sent_at,
then message_id, then customer before reply. A wait with no end in the data (or none by
--as-of) is open: it is not averaged but counted in open_waits (--open adds its mean and
maximum age)."""


# followed by reports/availability.py (status_intervals)
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
    top_option("Only the N customers with the longest mean wait (by customer id, else ticket)"),
)
WAIT_COLUMNS = (
    *PERIOD_COLUMNS,
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

# followed by reports/lifecycle.py (lifecycle, open_before)
LIFECYCLE_RULES = """\
Ticket spells (shared by backlog, reopen-rate and ticket-facts): a ticket is open from its
creation to its first close (first_closed_at, or the first entry into a closed stage in
stage_history, else its close date); when it was reopened (reopened_at, on or after the first
close) it is open again from the reopen until its last close (closed_at, if it is closed at
--as-of). A ticket is closed when marked closed (is_closed), or when the export does not say,
when it has a close date on or before --as-of. HubSpot keeps only the latest reopen: a ticket
reopened several times counts as closed from its first close to its latest reopen. A ticket
reopened without a reopen date (first close before last close) counts as open until its last
close. A ticket closed before it was created is left out (a warning)."""

TICKET_GROUPS = {"rep": "owner", "owner": "owner", "team": "team", "pipeline": "pipeline", "source": "source", "channel": "source"}

DURATION_COLUMNS = (
    ("mean_hours", "mean duration in hours (HubSpot's figure)"),
    ("median_hours", "median duration in hours"),
    ("p90_hours", "90th percentile in hours (linear interpolation)"),
)


# followed by reports/agent_flags.py (conversation_flags)
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

HANDOFF_REASONS = ("customer_request", "cannot_answer", "custom_trigger", "agent_paused")
REASON_COLUMNS = (*HANDOFF_REASONS, "other_reason")  # the handoffs by trigger, as columns
MAX_PENDING_AFTER_HOURS = 8760.0  # = config.MAX_PENDING_AFTER_HOURS (a test keeps them equal; config loads pydantic)
PENDING_AFTER = ReportOption(
    "pending_after",
    "--pending-after",
    None,
    "Hours of inactivity before an outcome is judged, 0 to 8760 (default 72, or agent.pending_after_hours).",
    kind="float",
    minimum=0,
    maximum=MAX_PENDING_AFTER_HOURS,
)
RATE_NOTE = ("pending", "involved conversations not judged yet (inactive for less than --pending-after hours); never failures")
REASON_NOTE = (
    "customer_request, cannot_answer, custom_trigger, agent_paused, other_reason",
    "handoffs by trigger (handoff_reason; other_reason for anything else or none)",
)
AGENT_RECORDS = Records(
    "conversation",
    "conversation_id",
    "a conversation's row and the messages of its ticket (by ticket_id); which channels have the agent "
    "(each channel's first conversation the agent took part in) is over the whole table: computed first, "
    "or given by [agent] channels",
)


def agent_report(
    name: str,
    title: str,
    summary: str,
    about: str,
    columns: tuple[tuple[str, str], ...],
    *,
    stages: Stages,
    options: tuple[ReportOption, ...] = (),
    example_options: str = " --frequency monthly",
    shape: Shape | None = None,
    chart: Chart | None = None,
    default_group_by: tuple[str, ...] = (),
    range_only: bool = False,
    own_range: str = "",
    duration_stats: bool = False,
    schedule_of: str = "",
    group_aliases: Mapping[str, str] = AGENT_GROUPS,
    no_compare: str = "",
) -> ReportInfo:
    """A Customer agent report over agent_conversations, placed by start, with --pending-after."""
    return ReportInfo(
        name=name,
        collection="Customer agent",
        title=title,
        summary=summary,
        about=about + "\n\n" + AGENT_RULES,
        table="agent_conversations",
        columns=columns,
        date_by={"started": "started_at"},
        stages=stages,
        records=AGENT_RECORDS,
        group_aliases=group_aliases,
        needs=AGENT_NEEDS,
        options=(PENDING_AFTER, *options),
        example_options=example_options,
        shape=shape,
        chart=chart,
        default_group_by=default_group_by,
        range_only=range_only,
        own_range=own_range,
        duration_stats=duration_stats,
        schedule_of=schedule_of,
        no_compare=no_compare,
    )


SLA_TARGETS = ReportOption(
    "targets",
    "--targets",
    "auto",
    "Where SLA clocks come from: auto (the export's sla table or HubSpot SLA columns when present, else the "
    "targets of svcstats.toml's sla section), config (those targets), export (the help desk's own due and completion times).",
    ("auto", "config", "export"),
)
