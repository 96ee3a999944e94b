"""The report catalogue: every report, in the order `svcstats reports` lists them.

Each report is defined once, in its own module of svcstats/reports/ (its `REPORT`: name, about
text, columns, typed options, chart facts and the code that computes it); this module only puts
the definitions in order. Light on purpose: the report modules import Polars only when a report
runs, so `svcstats reports`, `svcstats about` and every `--help` read the catalogue without it.
"""

from __future__ import annotations

from svcstats.errors import UsageError
from svcstats.reports import (
    agent_conversation_flags,
    agent_handoff_outcomes,
    agent_impact,
    agent_outcomes,
    agent_team,
    availability_in_working_hours,
    backlog,
    chat_wait_time,
    csat,
    customer_response_time,
    customer_wait_time,
    max_available_reps,
    message_volume_by_hour,
    one_touch_resolution,
    owner_reply_count,
    owner_response_time,
    reopen_rate,
    rep_availability,
    sla,
    support_volume,
    ticket_facts,
    ticket_reply_count,
    ticket_time_in_pipeline,
    ticket_time_to_close,
    ticket_time_to_first_response,
)
from svcstats.reports.definition import COLLECTIONS, GROUP_COLUMNS, PERIOD_COLUMN, ReportInfo, ReportOption

__all__ = ["COLLECTIONS", "GROUP_COLUMNS", "PERIOD_COLUMN", "REPORTS", "ReportInfo", "ReportOption", "by_collection", "get_report"]

ORDER: tuple[ReportInfo, ...] = (
    csat.REPORT,
    ticket_time_to_close.REPORT,
    ticket_time_to_first_response.REPORT,
    chat_wait_time.REPORT,
    ticket_time_in_pipeline.REPORT,
    support_volume.REPORT,
    customer_wait_time.REPORT,
    customer_response_time.REPORT,
    owner_response_time.REPORT,
    owner_reply_count.REPORT,
    ticket_reply_count.REPORT,
    message_volume_by_hour.REPORT,
    availability_in_working_hours.REPORT,
    max_available_reps.REPORT,
    rep_availability.REPORT,
    agent_impact.REPORT,
    agent_outcomes.HANDLED,
    agent_outcomes.BY_CHANNEL,
    agent_outcomes.FEEDBACK_TREND,
    agent_outcomes.HANDLING_RATE,
    agent_outcomes.RESOLUTION_RATE,
    agent_outcomes.RESOLUTIONS,
    agent_outcomes.DEFLECTION_RATE,
    agent_outcomes.DEFLECTIONS,
    agent_team.REPORT,
    agent_outcomes.HANDOFF_RATE,
    agent_outcomes.HANDOFFS,
    agent_handoff_outcomes.REPORT,
    agent_conversation_flags.REPORT,
    backlog.REPORT,
    reopen_rate.REPORT,
    one_touch_resolution.REPORT,
    ticket_facts.REPORT,
    sla.REPORT,
)
REPORTS: dict[str, ReportInfo] = {info.name: info for info in ORDER}


def get_report(name: str) -> ReportInfo:
    """The report called `name`, or a usage error listing the known ones."""
    try:
        return REPORTS[name]
    except KeyError:
        raise unknown_report(name) from None


COMMANDS_NOT_REPORTS = {"knowledge-gaps": "svcstats knowledge-gaps list"}  # names users try as reports


def unknown_report(name: str) -> UsageError:
    """The usage error for a report name that does not exist, with the likeliest fix."""
    from difflib import get_close_matches

    close = [known for known in REPORTS if name in known or known in name] or get_close_matches(name, list(REPORTS), n=1, cutoff=0.6)
    if name in COMMANDS_NOT_REPORTS:
        hint = f"{name} is a command of its own, not a report: run '{COMMANDS_NOT_REPORTS[name]}'"
    else:
        hint = f"did you mean {close[0]}?" if close else "run 'svcstats reports' for the list"
    return UsageError(f"unknown report {name!r}", hint)


def by_collection() -> dict[str, list[ReportInfo]]:
    """Reports grouped by collection, in the order of COLLECTIONS; empty collections left out."""
    grouped = {name: [r for r in REPORTS.values() if r.collection == name] for name in COLLECTIONS}
    return {name: reports for name, reports in grouped.items() if reports}
