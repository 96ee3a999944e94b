"""Everyday questions and the command (after `svcstats`) that answers each: `svcstats reports --questions`."""

from __future__ import annotations

QUESTIONS: tuple[tuple[str, str], ...] = (
    ("How satisfied are customers, and is it getting better?", "report csat --frequency monthly"),
    ("Which team has the happiest customers?", "report csat --totals --group-by team"),
    ("How long do customers wait for a first reply?", "report ticket-time-to-first-response"),
    ("How long does it take to close a ticket?", "report ticket-time-to-close"),
    ("Which team closes tickets fastest?", "report ticket-time-to-close --totals --group-by team"),
    ("How long do chat customers wait, and how many give up?", "report chat-wait-time"),
    ("Where do tickets get stuck in the pipeline?", "report ticket-time-in-pipeline --totals"),
    ("How many tickets come in each week, and through which channel?", "report support-volume --group-by source"),
    ("Who has the most tickets?", "report support-volume --totals --group-by rep"),
    ("How long do customers wait for each reply, not just the first?", "report customer-wait-time"),
    ("How long do customers take to answer us?", "report customer-response-time"),
    ("Which reps reply fastest?", "report owner-response-time --totals"),
    ("Which reps reply most?", "report owner-reply-count --totals"),
    ("Which tickets needed the most back and forth?", "report ticket-reply-count"),
    ("When are the team and customers busiest?", "report message-volume-by-hour --by-weekday"),
    ("Are reps available during their working hours?", "report availability-in-working-hours"),
    ("How many reps are available at the same time?", "report max-available-reps"),
    ("How much does the AI agent take off the team?", "report agent-impact"),
    ("How often does the AI agent hand a conversation to a person?", "report agent-handoff-rate"),
    ("What do customers ask that the knowledge base does not answer?", "knowledge-gaps list"),
)


def questions() -> list[tuple[str, str]]:
    """(question, command after `svcstats`) for every everyday question; a test runs each command."""
    return list(QUESTIONS)
