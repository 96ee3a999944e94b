"""Everyday questions and the report (with options) that answers each: `svcstats reports --questions`.

Questions for reports not in the catalogue yet are kept here and shown once the report exists.
"""

from __future__ import annotations

from svcstats.catalog import REPORTS

QUESTIONS: tuple[tuple[str, str], ...] = (
    ("How satisfied are customers, and is it getting better?", "csat --frequency monthly"),
    ("Which team has the happiest customers?", "csat --totals --group-by team"),
    ("How long do customers wait for a first reply?", "ticket-time-to-first-response"),
    ("How long does it take to close a ticket?", "ticket-time-to-close"),
    ("Which team closes tickets fastest?", "ticket-time-to-close --totals --group-by team"),
    ("How long do chat customers wait, and how many give up?", "chat-wait-time"),
    ("Where do tickets get stuck in the pipeline?", "ticket-time-in-pipeline --totals"),
    ("How many tickets come in each week, and through which channel?", "support-volume --group-by source"),
    ("Who has the most tickets?", "support-volume --totals --group-by rep"),
    ("How long do customers wait for each reply, not just the first?", "customer-wait-time"),
    ("How long do customers take to answer us?", "customer-response-time"),
    ("Which reps reply fastest?", "owner-response-time --totals"),
    ("Which reps reply most?", "owner-reply-count --totals"),
    ("Which tickets needed the most back and forth?", "ticket-reply-count"),
    ("When are the team and customers busiest?", "message-volume-by-hour --by-weekday"),
    ("Are reps available during their working hours?", "availability-in-working-hours"),
    ("How many reps are available at the same time?", "max-available-reps"),
    ("How much does the AI agent take off the team?", "agent-impact"),
    ("How often does the AI agent hand a conversation to a person?", "agent-handoff-rate"),
    ("What do customers ask that the knowledge base does not answer?", "knowledge-gaps"),
    ("How many tickets are open right now, and is the backlog growing?", "backlog"),
    ("How many tickets get reopened?", "reopen-rate"),
    ("How many tickets are solved with a single reply?", "first-contact-resolution"),
)


def questions() -> list[tuple[str, str]]:
    """(question, report and options) for every question whose report is in the catalogue."""
    return [(question, answer) for question, answer in QUESTIONS if answer.split()[0] in REPORTS]
