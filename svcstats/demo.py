"""Synthetic help-desk data: the demo dataset and the benchmark data source.

Everything is drawn from one seeded numpy generator in a fixed order and built
with vectorised numpy/Polars operations, so the same arguments always give
byte-identical files. Timestamps are handled internally as int64 UTC epoch
seconds; ``_MISSING`` marks a null timestamp.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from svcstats.progress import tracked, working

Holiday = tuple[date, str, str | None]  # a holiday: day, name, time zone (None: every zone)

__all__ = ["generate", "write_hubspot_ticket_export"]

MINUTE = 60
HOUR = 3_600
DAY = 86_400
_MISSING = -1
_NEVER = 10 * 365 * DAY  # a stage visit this long outlasts any window: the ticket stays open
_PAD_BEFORE = 2  # days kept before the window, for time-zone shifts
_PAD_AFTER = 40  # days kept after it, so "next working day" always exists
_CSV_TIMESTAMP = "%Y-%m-%dT%H:%M:%SZ"
_HUBSPOT_TIMESTAMP = "%Y-%m-%d %H:%M"

PIPELINES = ("Support Pipeline", "Billing", "Onboarding")
_PIPELINE_SHARE = (0.70, 0.20, 0.10)
STAGES = ("New", "Waiting on us", "Waiting on contact", "Closed")
_NEW, _WAITING_ON_US, _WAITING_ON_CONTACT, _CLOSED = range(4)
SOURCES = ("chat", "email", "form", "phone", "other")
_SOURCE_SHARE = (0.35, 0.40, 0.12, 0.08, 0.05)
_CHAT, _EMAIL, _FORM, _PHONE, _OTHER = range(5)
PRIORITIES = ("low", "medium", "high", "urgent")
_PRIORITY_SHARE = (0.30, 0.45, 0.18, 0.07)
SENDER_TYPES = ("customer", "agent", "bot", "system")
_CUSTOMER, _AGENT, _BOT, _SYSTEM = range(4)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
BOT_NAME = "Customer Agent"

_OSLO, _NEW_YORK, _KOLKATA = "Europe/Oslo", "America/New_York", "Asia/Kolkata"
_CUSTOMER_REGIONS = (_OSLO, _NEW_YORK, _KOLKATA)
_CUSTOMER_REGION_SHARE = (0.65, 0.25, 0.10)
_WEEKDAY_VOLUME = (1.0, 1.05, 1.0, 0.95, 0.85, 0.35, 0.25)
_HOURLY_VOLUME = (
    0.15, 0.10, 0.08, 0.08, 0.10, 0.20, 0.45, 0.90, 1.60, 2.00, 2.10, 2.00,
    1.70, 1.90, 2.00, 1.80, 1.50, 1.10, 0.80, 0.65, 0.55, 0.45, 0.35, 0.25,
)  # fmt: skip

# Per source (chat, email, form, phone, other): median first-reply delay once a
# rep is on shift, and median work time from first reply to close.
_REPLY_MEDIAN = np.array([2 * MINUTE, 150 * MINUTE, 3 * HOUR, 90, 4 * HOUR])
_RESOLVE_MEDIAN = np.array([90 * MINUTE, 14 * HOUR, 16 * HOUR, 3 * HOUR, 18 * HOUR])
_PRIORITY_SPEED = np.array([1.5, 1.0, 0.6, 0.3])  # low, medium, high, urgent
_MID_VISIT_SHARE = (0.38, 0.32, 0.15, 0.08, 0.04, 0.03)  # 1..6 visits to stages 2/3


@dataclass(frozen=True)
class _Hours:
    """A weekly schedule in one time zone; weekdays count from Monday = 0."""

    timezone: str
    weekdays: tuple[int, ...]
    start: str
    end: str


_DEFAULT_HOURS = _Hours(_OSLO, (0, 1, 2, 3, 4), "09:00", "17:00")


@dataclass(frozen=True)
class _Rep:
    """A help-desk rep; `hours` None means the rep has no rows and uses the `*` default."""

    name: str
    team: str
    hours: _Hours | None

    @property
    def schedule(self) -> _Hours:
        """The schedule the rep actually works."""
        return self.hours or _DEFAULT_HOURS


_MON_FRI = (0, 1, 2, 3, 4)
_ROSTER = (
    _Rep("Ingrid Solberg", "Tier 1", _Hours(_OSLO, _MON_FRI, "08:00", "16:00")),
    _Rep("Lars Haugen", "Tier 1", _Hours(_OSLO, _MON_FRI, "08:00", "16:00")),
    _Rep("Sofie Berg", "Tier 1", _Hours(_OSLO, (1, 2, 3, 4, 5), "09:00", "17:00")),
    _Rep("Jonas Lie", "Tier 1", None),
    _Rep("Emma Johansen", "Tier 2", _Hours(_OSLO, _MON_FRI, "08:30", "16:30")),
    _Rep("Nora Dahl", "Billing Ops", None),
    _Rep("Maria Garcia", "Tier 1", _Hours(_NEW_YORK, _MON_FRI, "09:00", "17:00")),
    _Rep("James Carter", "Tier 2", _Hours(_NEW_YORK, _MON_FRI, "10:00", "18:00")),
    _Rep("Olivia Brooks", "Billing Ops", _Hours(_NEW_YORK, (0, 1, 2, 3), "08:00", "18:00")),
    _Rep("Priya Sharma", "Tier 1", _Hours(_KOLKATA, _MON_FRI, "09:30", "18:30")),
    _Rep("Arjun Mehta", "Tier 2", _Hours(_KOLKATA, (0, 1, 2, 3, 4, 5), "10:00", "16:00")),
    _Rep("Erik Nilsen", "Onboarding", _Hours(_OSLO, _MON_FRI, "07:00", "15:00")),
)
# How strongly each team takes tickets from each pipeline (same order as PIPELINES).
_TEAM_PIPELINE_AFFINITY = {
    "Tier 1": (1.0, 0.15, 0.2),
    "Tier 2": (0.7, 0.1, 0.1),
    "Billing Ops": (0.05, 1.0, 0.0),
    "Onboarding": (0.1, 0.0, 1.0),
}

_FIXED_HOLIDAYS = (  # month, day, name, time zone (None = everyone)
    (1, 1, "New Year's Day", None),
    (1, 26, "Republic Day", _KOLKATA),
    (5, 1, "Labour Day", _OSLO),
    (5, 17, "Constitution Day", _OSLO),
    (7, 4, "Independence Day", _NEW_YORK),
    (8, 15, "Independence Day", _KOLKATA),
    (10, 2, "Gandhi Jayanti", _KOLKATA),
    (12, 25, "Christmas Day", None),
    (12, 26, "Boxing Day", _OSLO),
)

_SUBJECTS = {
    "Support Pipeline": (
        "Cannot log in", "Error when saving changes", "Export to Excel fails",
        "Question about reports", "App is very slow today", "Slack integration not working",
        "Data missing after import", "Password reset email not received",
        "Feature request: dark mode", "API returns 500 errors", "Mobile app does not sync",
        "Two-factor code rejected",
    ),
    "Billing": (
        "Invoice address is wrong", "Refund request", "Double charged this month",
        "VAT number missing on invoice", "Change payment card", "Upgrade to annual plan",
        "Cancel subscription",
    ),
    "Onboarding": (
        "Help setting up our account", "Import customers from CSV", "Training session request",
        "Add team members", "Configure SSO",
    ),
}  # fmt: skip

_CSAT_COMMENTS = {  # by sentiment: negative, neutral, positive
    0: ("Took far too long", "Problem is not solved", "Had to explain the issue three times",
        "No one answered for days"),
    1: ("OK", "Took a while but it got solved", "Fine", "Answer was a bit generic"),
    2: ("Quick and helpful, thanks!", "Great support", "Solved my problem right away",
        "Very friendly agent"),
}  # fmt: skip

_KNOWLEDGE_GAP_PHRASINGS = {
    "refund for annual plan": (
        "Can I get a refund on my annual subscription?",
        "I want my money back for the yearly plan",
        "refund annual plan",
        "How do refunds work if I cancel the yearly plan early?",
        "Is it possible to be reimbursed for the rest of my annual plan?",
        "we paid for 12 months but want to cancel, do we get a refund",
        "anual plan refund pls",
        "Cancel yearly subscription and get a refund for the unused months",
    ),
    "change invoice address": (
        "How do I change the address on my invoices?",
        "Our billing address changed, where can I update it?",
        "invoice shows our old address",
        "Need to update the company address on the invoice",
        "Can you change the invoice adress to our new office?",
        "where to edit billing address",
        "The address printed on our invoice is wrong",
    ),
    "export data to Excel": (
        "How can I export my data to Excel?",
        "export to xlsx",
        "Is there a way to download all records as a spreadsheet?",
        "I need the report in Excel format",
        "can i get a csv or excel export of my tickets",
        "Download to excel is not working",
        "exporting to exel?",
    ),
    "two-factor login problems": (
        "I can't log in because my 2FA code is not accepted",
        "two factor authentication code invalid",
        "Lost my phone, how do I reset two-factor?",
        "2fa not working",
        "The authenticator code keeps getting rejected when I sign in",
        "How do I turn off two factor auth on my account?",
        "never receive the sms verification code",
        "locked out after enabling 2-step verification",
    ),
    "reset password": (
        "How do I reset my password?",
        "forgot password",
        "The password reset email never arrives",
        "reset link has expired",
        "I can't remember my pasword, help",
        "Where do I change my password?",
    ),
    "add users to account": (
        "How do I add a new user to our account?",
        "invite colleague to workspace",
        "Can I give my coworker access?",
        "add more seats",
        "How many users can we have on the basic plan?",
        "new team member cant join our account",
    ),
    "cancel subscription": (
        "How do I cancel my subscription?",
        "I want to stop my plan",
        "cancel account",
        "Please end our contract at the end of the month",
        "where is the cancel button",
        "unsubscribe from the paid plan",
    ),
    "connect to Slack": (
        "Does it integrate with Slack?",
        "How do I connect my Slack workspace?",
        "slack notifications are not coming through",
        "Can I get alerts in a Slack channel?",
        "slack integration setup",
        "The Slack connection keeps disconnecting",
    ),
    "API rate limits": (
        "What are the API rate limits?",
        "Getting 429 too many requests from the API",
        "api limit per minute?",
        "How many API calls can I make per day",
        "Can you increase our API quota?",
        "we get rate limited when syncing",
    ),
    "VAT on invoice": (
        "Why is VAT added to my invoice?",
        "we are VAT exempt, please remove the tax",
        "How do I add our VAT number?",
        "invoice missing vat id",
        "Is the price incl. VAT?",
        "mva on invoice",
    ),
    "upgrade or change plan": (
        "How do I upgrade to the Pro plan?",
        "switch from monthly to yearly billing",
        "what does it cost to upgrade",
        "Can I downgrade my plan?",
        "change plan mid-cycle, how is it prorated?",
        "upgrade subscription",
    ),
    "delete account and data": (
        "How do I delete my account and all data?",
        "GDPR request: please delete my personal data",
        "remove my data",
        "I want my account erased",
        "right to be forgotten",
        "close account permanently and delete everything",
    ),
    "mobile app sync": (
        "The mobile app doesn't sync with the web version",
        "app not updating on iphone",
        "changes in the android app are not showing on desktop",
        "sync problem mobile",
        "Why are my tickets missing in the app?",
        "App stuck on syncing...",
    ),
}

_HUBSPOT_SOURCE = {"chat": "Chat", "email": "Email", "form": "Form", "phone": "Phone", "other": "Other"}


# --------------------------------------------------------------------------- calendar


def _epoch(day: date) -> int:
    """Seconds since the epoch of `day` at 00:00 UTC."""
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def _add_months(day: date, months: int) -> date:
    """`day` moved forward by whole calendar months (clamped to the month's last day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    next_month = date(year + (month == 12), month % 12 + 1, 1)
    return date(year, month, min(day.day, (next_month - timedelta(days=1)).day))


@dataclass(frozen=True)
class _Window:
    """The data window [start, end); days are indexed from `start`, padded on both sides."""

    start: date
    end: date

    @property
    def start_s(self) -> int:
        """Window start as epoch seconds."""
        return _epoch(self.start)

    @property
    def end_s(self) -> int:
        """Window end (`as_of`) as epoch seconds."""
        return _epoch(self.end)

    @property
    def n_days(self) -> int:
        """Number of days in the window."""
        return (self.end - self.start).days

    @property
    def padded_days(self) -> np.ndarray:
        """Day offsets from `start` covered by the padded per-day arrays."""
        return np.arange(-_PAD_BEFORE, self.n_days + _PAD_AFTER)

    def weekdays(self) -> np.ndarray:
        """Weekday (Monday = 0) of every padded day."""
        return (self.start.weekday() + self.padded_days) % 7

    def utc_offsets(self, tz: str) -> np.ndarray:
        """UTC offset in seconds of `tz` at local noon of every padded day."""
        noon = self.start_s + self.padded_days * DAY + 12 * HOUR
        local = pl.Series(noon * 1_000_000).cast(pl.Datetime("us"))
        utc = local.dt.replace_time_zone(tz, ambiguous="earliest").dt.epoch("s")
        return np.asarray(noon - utc.to_numpy())

    def local_day(self, local_s: np.ndarray) -> np.ndarray:
        """Padded day index of local epoch seconds (clipped into the padded range)."""
        index = (local_s - self.start_s) // DAY + _PAD_BEFORE
        return np.asarray(np.clip(index, 0, len(self.padded_days) - 2))


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    """The `nth` given weekday (Monday = 0) of a month, e.g. the 4th Thursday of November."""
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7, weeks=nth - 1)


def _holidays(window: _Window) -> list[Holiday]:
    """Public holidays inside the window as (date, name, time zone or None)."""
    found: list[Holiday] = []
    for year in range(window.start.year, window.end.year + 1):
        found += [(date(year, m, d), name, tz) for m, d, name, tz in _FIXED_HOLIDAYS]
        found.append((_nth_weekday(year, 9, 0, 1), "Labor Day", _NEW_YORK))
        found.append((_nth_weekday(year, 11, 3, 4), "Thanksgiving Day", _NEW_YORK))
    return sorted((h for h in found if window.start <= h[0] < window.end), key=lambda h: (h[0], h[1]))


def _holiday_mask(window: _Window, holidays: list[Holiday], tz: str) -> np.ndarray:
    """Padded days that are a holiday for people working in `tz`."""
    mask = np.zeros(len(window.padded_days), dtype=bool)
    for day, _, holiday_tz in holidays:
        if holiday_tz in (None, tz):
            mask[(day - window.start).days + _PAD_BEFORE] = True
    return mask


def _clock(text: str) -> int:
    """'HH:MM' as seconds after midnight."""
    hours, minutes = text.split(":")
    return int(hours) * HOUR + int(minutes) * MINUTE


@dataclass(frozen=True)
class _Shift:
    """One rep's working time over the padded window days."""

    offsets: np.ndarray  # UTC offset (s) per padded day
    work_day: np.ndarray  # bool per padded day
    next_work_day: np.ndarray  # first working padded day at or after each day
    start: int  # seconds after local midnight
    end: int


def _shift(window: _Window, hours: _Hours, holidays: list[Holiday]) -> _Shift:
    """The effective shift of a schedule, skipping holidays in its time zone."""
    work_day = np.isin(window.weekdays(), hours.weekdays) & ~_holiday_mask(window, holidays, hours.timezone)
    last = len(work_day) - 1
    candidates = np.where(work_day, np.arange(len(work_day)), last)
    next_work_day = np.minimum.accumulate(candidates[::-1])[::-1]
    return _Shift(window.utc_offsets(hours.timezone), work_day, next_work_day, _clock(hours.start), _clock(hours.end))


def _shift_clock(t: np.ndarray, shift: _Shift, window: _Window) -> tuple[np.ndarray, np.ndarray]:
    """Local padded day index and second of that day of UTC times, in the shift's time zone."""
    local = t + shift.offsets[window.local_day(t)]
    day = window.local_day(local)
    return day, local - (window.start_s + (day - _PAD_BEFORE) * DAY)


def _on_shift(t: np.ndarray, shift: _Shift, window: _Window) -> np.ndarray:
    """Whether each UTC time falls inside the shift."""
    day, second_of_day = _shift_clock(t, shift, window)
    return np.asarray(shift.work_day[day] & (second_of_day >= shift.start) & (second_of_day < shift.end))


def _to_working_time(t: np.ndarray, shift: _Shift, window: _Window) -> np.ndarray:
    """Each time unchanged if it falls inside the shift, else the start of the next shift."""
    day, second_of_day = _shift_clock(t, shift, window)
    on_day = shift.work_day[day]
    inside = on_day & (second_of_day >= shift.start) & (second_of_day < shift.end)
    opens = np.where(on_day & (second_of_day < shift.start), day, shift.next_work_day[day + 1])
    opening = window.start_s + (opens - _PAD_BEFORE) * DAY + shift.start - shift.offsets[opens]
    return np.where(inside, t, opening)


@dataclass(frozen=True)
class _World:
    """The fixed setting every table is drawn in."""

    window: _Window
    holidays: list[Holiday]
    shifts: list[_Shift]
    rep_weight: np.ndarray  # Zipf-like share of the workload per rep
    region_offsets: np.ndarray  # (customer region, padded day) -> UTC offset


def _world(rng: np.random.Generator, start: date, months: int) -> _World:
    """Window, holidays, shifts and a seeded Zipf workload ranking of the roster."""
    window = _Window(start, _add_months(start, months))
    holidays = _holidays(window)
    shifts = [_shift(window, rep.schedule, holidays) for rep in _ROSTER]
    rank = rng.permutation(len(_ROSTER)) + 1
    rep_weight = 1.0 / rank**0.8
    regions = np.stack([window.utc_offsets(tz) for tz in _CUSTOMER_REGIONS])
    return _World(window, holidays, shifts, rep_weight / rep_weight.sum(), regions)


# --------------------------------------------------------------------------- helpers


def _lognormal(rng: np.random.Generator, median: float | np.ndarray, sigma: float, size: int, low: int = 1) -> np.ndarray:
    """Log-normal durations in whole seconds, at least `low`."""
    drawn = rng.lognormal(np.log(median), sigma, size)
    return np.asarray(np.maximum(np.minimum(drawn, 400 * DAY), low).astype(np.int64))


def _arrival_times(rng: np.random.Generator, world: _World, n: int) -> np.ndarray:
    """Customer contact times: busier on weekdays and working hours, growing slowly, in the window."""
    window = world.window
    days = np.arange(window.n_days)
    weekday = window.weekdays()[days + _PAD_BEFORE]
    day_weight = np.asarray(_WEEKDAY_VOLUME)[weekday] * (1 + 0.25 * days / window.n_days)
    day_weight[_holiday_mask(window, world.holidays, _OSLO)[days + _PAD_BEFORE]] *= 0.4
    day = rng.choice(window.n_days, n, p=day_weight / day_weight.sum())
    hour = rng.choice(24, n, p=np.asarray(_HOURLY_VOLUME) / sum(_HOURLY_VOLUME))
    region = rng.choice(len(_CUSTOMER_REGIONS), n, p=_CUSTOMER_REGION_SHARE)
    local = window.start_s + day * DAY + hour * HOUR + rng.integers(0, HOUR, n)
    utc = local - world.region_offsets[region, day + _PAD_BEFORE]
    span = window.end_s - window.start_s
    return np.asarray(window.start_s + (utc - window.start_s) % span)


def _timestamps(secs: np.ndarray) -> pl.Series:
    """Epoch seconds as a UTC datetime series; `_MISSING` becomes null."""
    series = pl.Series(secs)
    micros = pl.select(pl.when(series != _MISSING).then(series * 1_000_000)).to_series()
    return micros.cast(pl.Datetime("us")).dt.replace_time_zone("UTC")


def _labels(values: Iterable[object], index: np.ndarray) -> pl.Series:
    """`values[index]` as strings; a negative index becomes null."""
    picked = pl.Series(list(values), dtype=pl.String).gather(np.maximum(index, 0))
    return picked.scatter(np.flatnonzero(index < 0), None)


def _numeric_ids(base: int, n: int) -> pl.Series:
    """HubSpot-like numeric string ids base+1, base+2, ... (equal width, so they sort as numbers)."""
    return pl.Series(np.arange(1, n + 1, dtype=np.int64) + base).cast(pl.String)


def _with_nulls(values: np.ndarray | pl.Series, null: np.ndarray) -> pl.Series:
    """`values` with the positions flagged in `null` set to null."""
    return pl.Series(values).scatter(np.flatnonzero(null), None)


def _where(mask: np.ndarray, then: pl.Series, otherwise: pl.Series) -> pl.Series:
    """Element-wise `then` where `mask` holds, else `otherwise`."""
    return pl.select(pl.when(pl.Series(mask)).then(then).otherwise(otherwise)).to_series()


def _first_in_group(group: np.ndarray, n_groups: int) -> np.ndarray:
    """Index of the first row of each group in `group`-sorted rows, or -1 for empty groups."""
    first = np.full(n_groups, -1, dtype=np.int64)
    present, where = np.unique(group, return_index=True)
    first[present] = where
    return first


# --------------------------------------------------------------------------- tickets


@dataclass
class _Tickets:
    """Simulated tickets and their stage history as numpy arrays (timestamps in epoch seconds)."""

    created: np.ndarray
    pipeline: np.ndarray
    source: np.ndarray
    priority: np.ndarray
    subject: np.ndarray  # index into the flattened _SUBJECTS
    owner: np.ndarray  # roster index, -1 = unassigned
    responder: np.ndarray  # rep who gives the first human reply
    customer: np.ndarray
    human: np.ndarray  # False: the ticket never gets a human reply
    first_response: np.ndarray  # planned first human reply (may lie past the window)
    closed_at: np.ndarray
    first_closed_at: np.ndarray
    reopened_at: np.ndarray
    status: np.ndarray
    visit_ticket: np.ndarray  # stage history rows, grouped by ticket in time order
    visit_stage: np.ndarray
    visit_entered: np.ndarray
    visit_exited: np.ndarray


def _routing_weights(world: _World, created: np.ndarray, pipeline: np.ndarray) -> np.ndarray:
    """(ticket, rep) routing weights: Zipf workload times team fit for the pipeline, limited to
    reps on shift when the ticket arrives (all fitting reps when nobody is on shift)."""
    affinity = np.array([_TEAM_PIPELINE_AFFINITY[rep.team] for rep in _ROSTER])
    weight = world.rep_weight * affinity.T[pipeline]
    on_shift = np.stack([_on_shift(created, shift, world.window) for shift in world.shifts], axis=1)
    staffed = weight * on_shift
    return np.asarray(np.where(staffed.sum(axis=1, keepdims=True) > 0, staffed, weight))


def _pick_reps(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    """One roster index per row of `weights`, drawn in proportion to the row."""
    cumulative = np.cumsum(weights, axis=1)
    target = rng.random(len(weights)) * cumulative[:, -1]
    return np.asarray(np.minimum((cumulative <= target[:, None]).sum(axis=1), len(_ROSTER) - 1))


def _first_replies(
    rng: np.random.Generator, world: _World, created: np.ndarray, source: np.ndarray, priority: np.ndarray, responder: np.ndarray
) -> np.ndarray:
    """When the responder first replies: once on shift, after a channel- and priority-typical delay."""
    n = len(created)
    delay = _lognormal(rng, _REPLY_MEDIAN[source] * _PRIORITY_SPEED[priority], 1.0, n, low=30)
    catch_up = _lognormal(rng, 15 * MINUTE, 0.8, n, low=60)
    reply = created + delay
    for r, shift in enumerate(world.shifts):
        # phone tickets are logged while someone is on the line, so no waiting for a shift
        mine = (responder == r) & (source != _PHONE)
        planned = _to_working_time(created[mine], shift, world.window) + delay[mine]
        pushed = _to_working_time(planned, shift, world.window)
        reply[mine] = np.where(pushed != planned, pushed + catch_up[mine], planned)
    return np.asarray(reply)


def _simulate_tickets(rng: np.random.Generator, world: _World, n: int) -> _Tickets:
    """Tickets with a stage lifecycle (bounces, reopens, still-open tail) cut off at the window end."""
    as_of = world.window.end_s
    created = np.sort(_arrival_times(rng, world, n))
    pipeline = rng.choice(len(PIPELINES), n, p=_PIPELINE_SHARE)
    source = rng.choice(len(SOURCES), n, p=_SOURCE_SHARE)
    priority = rng.choice(len(PRIORITIES), n, p=_PRIORITY_SHARE)
    subject_counts = np.array([len(_SUBJECTS[p]) for p in PIPELINES])
    subject = np.cumsum(subject_counts)[pipeline] - subject_counts[pipeline]
    subject += (rng.random(n) * subject_counts[pipeline]).astype(np.int64)
    human = rng.random(n) >= 0.04
    routing = _routing_weights(world, created, pipeline)
    owner = _pick_reps(rng, routing)
    owner[rng.random(n) < np.where(human, 0.042, 0.5)] = -1
    colleague = _pick_reps(rng, routing)
    responder = np.where((owner < 0) | (rng.random(n) < 0.15), colleague, owner)
    customer = rng.integers(0, max(50, int(n * 0.6)), n)
    first_response = _first_replies(rng, world, created, source, priority, responder)

    # Lifecycle: New -> m1 alternating visits to stages 2/3 -> Closed, and for reopened
    # tickets -> m2 more visits -> Closed again. Without a human reply: New -> Closed.
    m1 = np.where(human, 1 + rng.choice(len(_MID_VISIT_SHARE), n, p=_MID_VISIT_SHARE), 0)
    first_mid_stage = np.where(rng.random(n) < 0.65, _WAITING_ON_CONTACT, _WAITING_ON_US)
    resolve = _lognormal(rng, _RESOLVE_MEDIAN[source] * _PRIORITY_SPEED[priority], 1.2, n, low=5 * MINUTE)
    # a fifth of the tickets stall for days (escalations, customers slow to answer)
    stall = np.where(rng.random(n) < 0.2, _lognormal(rng, 8 * DAY, 0.9, n), 0)
    resolve = np.minimum(resolve + stall, 90 * DAY)
    abandoned = rng.random(n) < np.where(human, 0.045, 0.3)
    unanswered_wait = np.where(abandoned, _NEVER, _lognormal(rng, 3 * DAY, 0.6, n, low=HOUR))
    new_duration = np.where(human, first_response - created, unanswered_wait)
    reopen = human & ~abandoned & (rng.random(n) < 0.075)
    m2 = np.where(reopen, 1 + (rng.random(n) < 0.4), 0)
    reopen_gap = _lognormal(rng, 1.5 * DAY, 1.0, n, low=10 * MINUTE)
    resolve_again = _lognormal(rng, 6 * HOUR, 1.2, n, low=5 * MINUTE)

    n_visits = 2 + m1 + np.where(reopen, 1 + m2, 0)
    first_visit = np.cumsum(n_visits) - n_visits
    ticket = np.repeat(np.arange(n), n_visits)
    pos = np.arange(len(ticket)) - first_visit[ticket]
    m1_row, m2_row = m1[ticket], m2[ticket]
    in_first_round = (pos >= 1) & (pos <= m1_row)
    in_second_round = (pos >= m1_row + 2) & (pos < m1_row + 2 + m2_row)
    in_round = in_first_round | in_second_round
    step = np.where(in_first_round, pos - 1, pos - m1_row - 2)
    round_start = np.where(in_first_round, first_mid_stage[ticket], _WAITING_ON_US)
    alternating = np.where(step % 2 == 0, round_start, _WAITING_ON_US + _WAITING_ON_CONTACT - round_start)
    stage = np.where(pos == 0, _NEW, np.where(in_round, alternating, _CLOSED))

    # Split each round's work time over its visits; waiting on the contact tends to take longer.
    weight = np.where(in_round, rng.exponential(1.0, len(ticket)) * np.where(stage == _WAITING_ON_CONTACT, 1.5, 1), 0)
    round_id = ticket * 2 + in_second_round
    round_total = np.bincount(round_id, weights=weight, minlength=2 * n)[round_id]
    share = np.divide(weight, round_total, out=np.zeros_like(weight), where=round_total > 0)
    budget = np.where(in_first_round, resolve[ticket] - MINUTE * m1_row, resolve_again[ticket] - MINUTE * m2_row)
    duration = np.where(in_round, MINUTE + (share * np.maximum(budget, 0)).astype(np.int64), 0)
    duration = np.where(pos == 0, new_duration[ticket], duration)
    duration = np.where((pos == m1_row + 1) & reopen[ticket], reopen_gap[ticket], duration)
    duration = np.where((pos == m1_row) & in_first_round & abandoned[ticket], _NEVER, duration)

    before = np.cumsum(duration) - duration
    entered = created[ticket] + before - before[first_visit][ticket]
    same_ticket_next = np.append(ticket[1:] == ticket[:-1], False)
    exited = np.where(same_ticket_next, np.roll(entered, -1), _MISSING)
    exited = np.where(exited >= as_of, _MISSING, exited)
    kept = entered < as_of
    ticket, stage, entered, exited = ticket[kept], stage[kept], entered[kept], exited[kept]

    n_kept = np.bincount(ticket, minlength=n)
    kept_first = np.cumsum(n_kept) - n_kept
    current = kept_first + n_kept - 1
    status = stage[current]
    closed_at = np.where(status == _CLOSED, entered[current], _MISSING)
    first_closed_at = np.where(n_kept > m1 + 1, entered[np.minimum(kept_first + m1 + 1, current)], _MISSING)
    reopened_at = np.where(reopen & (n_kept > m1 + 2), entered[np.minimum(kept_first + m1 + 2, current)], _MISSING)
    return _Tickets(
        created, pipeline, source, priority, subject, owner, responder, customer, human,
        first_response, closed_at, first_closed_at, reopened_at, status,
        ticket, stage, entered, exited,
    )  # fmt: skip


@dataclass
class _Messages:
    """Simulated messages sorted by (ticket, sent_at)."""

    ticket: np.ndarray
    sent_at: np.ndarray
    sender_type: np.ndarray
    agent: np.ndarray  # roster index for agent messages, else -1
    is_public: np.ndarray


def _simulate_messages(rng: np.random.Generator, world: _World, t: _Tickets) -> _Messages:
    """Messages in each ticket's life: opening message, bot greeting, first reply, reopen, then a mix."""
    n = len(t.created)
    ticket_ids = np.arange(n)
    end = np.where(t.closed_at != _MISSING, t.closed_at, world.window.end_s - 1)
    replied = t.human & (t.first_response <= end)
    reopened = t.reopened_at != _MISSING
    opens_with_customer = np.isin(t.source, (_CHAT, _EMAIL, _FORM))
    bot_at = t.created + rng.integers(2, 21, n)
    greeted = (t.source == _CHAT) & (rng.random(n) < 0.6) & (bot_at <= end)

    n_fixed = opens_with_customer.astype(np.int64) + greeted + replied + reopened
    n_rest = np.maximum(1 + rng.poisson(4, n), n_fixed) - n_fixed
    rest_ticket = np.repeat(ticket_ids, n_rest)
    # Later messages fall anywhere in the ticket's active time after the first reply,
    # skipping the quiet spell between a first close and the reopen.
    lo = np.where(replied, t.first_response, t.created)
    quiet = np.where(reopened, t.reopened_at - t.first_closed_at, 0)
    active = end - lo - quiet
    rest_at = lo[rest_ticket] + (rng.random(len(rest_ticket)) * (active[rest_ticket] + 1)).astype(np.int64)
    rest_at += np.where(reopened[rest_ticket] & (rest_at > t.first_closed_at[rest_ticket]), quiet[rest_ticket], 0)
    kind = np.where(
        replied[rest_ticket],
        rng.choice(4, len(rest_ticket), p=(0.48, 0.39, 0.08, 0.05)),  # customer, reply, note, system
        rng.choice([0, 3], len(rest_ticket), p=(0.9, 0.1)),
    )
    rest_type = np.array([_CUSTOMER, _AGENT, _AGENT, _SYSTEM])[kind]
    by_owner = (t.owner[rest_ticket] >= 0) & (rng.random(len(rest_ticket)) < 0.8)
    other_rep = rng.choice(len(_ROSTER), len(rest_ticket), p=world.rep_weight)
    rest_agent = np.where(rest_type == _AGENT, np.where(by_owner, t.owner[rest_ticket], other_rep), -1)

    parts: list[tuple[Any, ...]] = [  # (tickets, sent_at, sender type, agent, public) per kind of message, in tie order
        (ticket_ids[opens_with_customer], t.created[opens_with_customer], _CUSTOMER, -1, True),
        (ticket_ids[greeted], bot_at[greeted], _BOT, -1, True),
        (ticket_ids[replied], t.first_response[replied], _AGENT, t.responder[replied], True),
        (ticket_ids[reopened], t.reopened_at[reopened], _CUSTOMER, -1, True),
        (rest_ticket, rest_at, rest_type, rest_agent, kind != 2),
    ]
    ticket = np.concatenate([p[0] for p in parts])
    sent_at = np.concatenate([p[1] for p in parts])
    slot = np.concatenate([np.full(len(p[0]), i) for i, p in enumerate(parts)])
    sender_type = np.concatenate([np.broadcast_to(p[2], len(p[0])) for p in parts])
    agent = np.concatenate([np.broadcast_to(p[3], len(p[0])) for p in parts])
    is_public = np.concatenate([np.broadcast_to(p[4], len(p[0])) for p in parts])
    order = np.lexsort((slot, sent_at, ticket))
    ticket, sent_at, slot = ticket[order], sent_at[order], slot[order]

    # A few follow-ups arrive in the same second as the message before them.
    same_second = (slot == len(parts) - 1) & np.append(False, ticket[1:] == ticket[:-1])
    same_second &= rng.random(len(ticket)) < 0.01
    sent_at = np.where(same_second, np.roll(sent_at, 1), sent_at)
    return _Messages(ticket, sent_at, sender_type[order], agent[order], is_public[order])


def _ticket_ids(rng: np.random.Generator, n: int) -> pl.Series:
    """HubSpot-like ticket ids of equal width, ascending in creation order with small gaps."""
    gaps = rng.integers(1, 4, n)
    return pl.Series(8_100_000_000 + np.cumsum(gaps)).cast(pl.String)


def _first_public_reply(t: _Tickets, m: _Messages) -> np.ndarray:
    """sent_at of each ticket's first public human-agent message, or `_MISSING`."""
    public_reply = (m.sender_type == _AGENT) & m.is_public
    if not public_reply.any():  # tiny datasets can have no human reply at all
        return np.full(len(t.created), _MISSING)
    first = _first_in_group(m.ticket[public_reply], len(t.created))
    return np.where(first >= 0, m.sent_at[public_reply][np.maximum(first, 0)], _MISSING)


def _tickets_frame(t: _Tickets, ids: pl.Series, first_response_at: np.ndarray) -> pl.DataFrame:
    """The `tickets` table."""
    subjects = [s for p in PIPELINES for s in _SUBJECTS[p]]
    return pl.DataFrame(
        {
            "ticket_id": ids,
            "subject": _labels(subjects, t.subject),
            "created_at": _timestamps(t.created),
            "closed_at": _timestamps(t.closed_at),
            "first_closed_at": _timestamps(t.first_closed_at),
            "reopened_at": _timestamps(t.reopened_at),
            "status": _labels(STAGES, t.status),
            "is_closed": t.status == _CLOSED,
            "pipeline": _labels(PIPELINES, t.pipeline),
            "owner": _labels([r.name for r in _ROSTER], t.owner),
            "team": _labels([r.team for r in _ROSTER], t.owner),
            "source": _labels(SOURCES, t.source),
            "priority": _labels(PRIORITIES, t.priority),
            "first_response_at": _timestamps(first_response_at),
        }
    )


def _stage_history_frame(t: _Tickets, ids: pl.Series) -> pl.DataFrame:
    """The `stage_history` table (already in (ticket_id, entered_at) order)."""
    return pl.DataFrame(
        {
            "ticket_id": ids.gather(t.visit_ticket),
            "pipeline": _labels(PIPELINES, t.pipeline[t.visit_ticket]),
            "stage": _labels(STAGES, t.visit_stage),
            "stage_order": t.visit_stage + 1,
            "is_closed_stage": t.visit_stage == _CLOSED,
            "entered_at": _timestamps(t.visit_entered),
            "exited_at": _timestamps(t.visit_exited),
        }
    )


def _messages_frame(t: _Tickets, m: _Messages, ids: pl.Series) -> pl.DataFrame:
    """The `messages` table; message ids follow (ticket_id, sent_at) order."""
    customer_ids = "cust-" + pl.Series(t.customer[m.ticket]).cast(pl.String).str.zfill(5)
    agent_names = _labels([r.name for r in _ROSTER], m.agent)
    sender = (
        pl.DataFrame({"type": m.sender_type, "customer": customer_ids, "agent": agent_names})
        .select(
            pl.when(pl.col("type") == _CUSTOMER)
            .then(pl.col("customer"))
            .when(pl.col("type") == _AGENT)
            .then(pl.col("agent"))
            .when(pl.col("type") == _BOT)
            .then(pl.lit(BOT_NAME))
        )
        .to_series()
    )
    return pl.DataFrame(
        {
            "message_id": _numeric_ids(7_000_000_000, len(m.ticket)),
            "ticket_id": ids.gather(m.ticket),
            "sent_at": _timestamps(m.sent_at),
            "sender_type": _labels(SENDER_TYPES, m.sender_type),
            "sender": sender,
            "channel": _labels(SOURCES, t.source[m.ticket]),
            "is_public": m.is_public,
        }
    )


# --------------------------------------------------------------------------- csat


def _csat_frame(rng: np.random.Generator, world: _World, t: _Tickets, ids: pl.Series) -> pl.DataFrame:
    """Survey responses for ~25% of closed tickets; slow tickets rate worse."""
    closed = np.flatnonzero(t.closed_at != _MISSING)
    answered = closed[rng.random(len(closed)) < 0.25]
    submitted = t.closed_at[answered] + _lognormal(rng, 3 * HOUR, 1.2, len(answered), low=MINUTE)
    in_window = submitted < world.window.end_s
    answered, submitted = answered[in_window], submitted[in_window]
    order = np.argsort(submitted, kind="stable")
    answered, submitted = answered[order], submitted[order]
    k = len(answered)

    five_point = rng.random(k) < 0.15  # the second survey uses 1-5 instead of HubSpot's 0-2
    slow = (t.closed_at[answered] - t.created[answered] > 3 * DAY) | (t.reopened_at[answered] != _MISSING)
    rating_share = np.array(  # rows: (scale, slow); columns: rating steps above scale_min
        [
            [0.07, 0.18, 0.75, 0, 0],
            [0.25, 0.35, 0.40, 0, 0],
            [0.03, 0.05, 0.12, 0.30, 0.50],
            [0.15, 0.15, 0.25, 0.25, 0.20],
        ]
    )
    cumulative = np.cumsum(rating_share, axis=1)[five_point * 2 + slow]
    step = (rng.random(k)[:, None] > cumulative).sum(axis=1)
    scale_min = np.where(five_point, 1, 0)
    scale_max = np.where(five_point, 5, 2)
    rating = scale_min + np.minimum(step, scale_max - scale_min)
    unrated = rng.random(k) < 0.08

    sentiment = np.round(2 * (rating - scale_min) / (scale_max - scale_min)).astype(np.int64)
    pools = [_CSAT_COMMENTS[s] for s in (0, 1, 2)]
    comment_index = np.array([0, len(pools[0]), len(pools[0]) + len(pools[1])])[sentiment]
    comment_index += (rng.random(k) * np.array([len(p) for p in pools])[sentiment]).astype(np.int64)
    comment_index[unrated | (rng.random(k) >= 0.15)] = -1

    owner = t.owner[answered]
    return pl.DataFrame(
        {
            "response_id": _numeric_ids(5_200_000_000, k),
            "submitted_at": _timestamps(submitted),
            "rating": _with_nulls(rating, unrated),
            "scale_min": scale_min,
            "scale_max": scale_max,
            "ticket_id": ids.gather(answered),
            "rep": _labels([r.name for r in _ROSTER], owner),
            "team": _labels([r.team for r in _ROSTER], owner),
            "channel": _labels(SOURCES, t.source[answered]),
            "comment": _labels([c for p in pools for c in p], comment_index),
        }
    )


# --------------------------------------------------------------------------- AI agent


CONVERSATION_CHANNELS = ("chat", "email", "whatsapp")
HANDOFF_REASONS = ("customer_request", "cannot_answer", "custom_trigger")
FEEDBACK = ("helpful", "not_helpful", "none")
_CUSTOMER_REQUEST, _CANNOT_ANSWER, _CUSTOM_TRIGGER = range(3)


@dataclass
class _Conversations:
    """Simulated AI-agent conversations sorted by started_at."""

    channel: np.ndarray
    started: np.ndarray
    ended: np.ndarray
    last_activity: np.ndarray
    closed: np.ndarray
    involved: np.ndarray
    replied: np.ndarray
    human_requested: np.ndarray
    handed_off: np.ndarray
    handoff_at: np.ndarray
    reason: np.ndarray  # -1 when not handed off
    feedback: np.ndarray
    assigned_rep: np.ndarray  # -1 = none
    ticket: np.ndarray  # index into tickets, -1 = none


def _simulate_conversations(rng: np.random.Generator, world: _World, t: _Tickets) -> _Conversations:
    """~1.5 conversations per ticket; handed-off chats/emails become tickets created right after."""
    window = world.window
    n_tickets = len(t.created)
    link_chance = np.select([t.source == _CHAT, t.source == _EMAIL], [0.55, 0.2], 0.0)
    linked = np.flatnonzero((rng.random(n_tickets) < link_chance) & (t.created - window.start_s > HOUR))
    n_linked = len(linked)
    n_free = max(round(1.5 * n_tickets) - n_linked, 0)
    n = n_linked + n_free

    free_channel = rng.choice(len(CONVERSATION_CHANNELS), n_free, p=(0.55, 0.33, 0.12))
    channel = np.concatenate([t.source[linked], free_channel])  # chat/email share indexes 0/1
    is_linked = np.arange(n) < n_linked
    ticket = np.concatenate([linked, np.full(n_free, -1)])

    involved = is_linked | ((channel != 2) & (rng.random(n) < 0.96))
    replied = involved & (rng.random(n) < np.where(is_linked, 0.9, 0.93))
    human_requested = involved & (rng.random(n) < np.where(is_linked, 0.55, 0.10))
    handed_off = is_linked | (human_requested & (rng.random(n) < 0.85))
    handed_off |= involved & (rng.random(n) < 0.06)
    reason = np.where(human_requested, _CUSTOMER_REQUEST, np.where(rng.random(n) < 0.7, _CANNOT_ANSWER, _CUSTOM_TRIGGER))
    reason = np.where(handed_off, reason, -1)

    # Linked: the agent talks a few minutes, hands off, and the ticket is created seconds later.
    linked_handoff = t.created[linked] - rng.integers(5, 91, n_linked)
    before_handoff = _lognormal(rng, 4 * MINUTE, 0.8, n_linked, low=30)
    linked_start = np.maximum(linked_handoff - before_handoff, window.start_s)
    linked_last = linked_handoff + _lognormal(rng, 8 * MINUTE, 0.9, n_linked, low=30)
    # Free: a conversation of channel-typical length, possibly handed off part-way.
    free_start = _arrival_times(rng, world, n_free)
    typical = np.array([6 * MINUTE, 40 * MINUTE, 15 * MINUTE])[free_channel]
    free_duration = np.minimum(_lognormal(rng, typical, 0.9, n_free, low=20), window.end_s - 1 - free_start)
    free_handoff = free_start + (rng.uniform(0.2, 0.8, n_free) * free_duration).astype(np.int64)
    started = np.concatenate([linked_start, free_start])
    handoff_at = np.concatenate([linked_handoff, free_handoff])
    last_activity = np.concatenate([linked_last, free_start + free_duration])
    closed = last_activity + _lognormal(rng, np.where(handed_off, 30 * MINUTE, 15 * MINUTE), 0.7, n, low=MINUTE)

    # Still running at the window end: anything not yet closed, plus some recent ones.
    recent = started >= window.end_s - 72 * HOUR
    active = (closed >= window.end_s) | (recent & (rng.random(n) < 0.3))
    floor = np.where(handed_off, handoff_at, started)
    near_end = window.end_s - rng.integers(MINUTE, 6 * HOUR, n)
    last_activity = np.where(active, np.clip(near_end, floor, window.end_s - 1), last_activity)
    ended = np.where(active, _MISSING, last_activity)
    closed = np.where(active, _MISSING, closed)

    satisfied = rng.choice(len(FEEDBACK), n, p=(0.35, 0.10, 0.55))
    unsatisfied = rng.choice(len(FEEDBACK), n, p=(0.10, 0.30, 0.60))
    feedback = np.where(involved, np.where(handed_off, unsatisfied, satisfied), 2)
    free_rep = np.where(rng.random(n) < 0.9, rng.choice(len(_ROSTER), n, p=world.rep_weight), -1)
    assigned_rep = np.where(is_linked, t.owner[np.maximum(ticket, 0)], np.where(handed_off, free_rep, -1))

    order = np.lexsort((np.arange(n), started))
    return _Conversations(
        channel[order], started[order], ended[order], last_activity[order], closed[order],
        involved[order], replied[order], human_requested[order], handed_off[order],
        np.where(handed_off, handoff_at, _MISSING)[order], reason[order], feedback[order],
        assigned_rep[order], ticket[order],
    )  # fmt: skip


def _conversations_frame(c: _Conversations, ticket_ids: pl.Series, conversation_ids: pl.Series) -> pl.DataFrame:
    """The `agent_conversations` table."""
    return pl.DataFrame(
        {
            "conversation_id": conversation_ids,
            "channel": _labels(CONVERSATION_CHANNELS, c.channel),
            "started_at": _timestamps(c.started),
            "ended_at": _timestamps(c.ended),
            "last_activity_at": _timestamps(c.last_activity),
            "agent_involved": c.involved,
            "agent_replied": c.replied,
            "human_requested": c.human_requested,
            "handed_off": c.handed_off,
            "handoff_at": _timestamps(c.handoff_at),
            "handoff_reason": _labels(HANDOFF_REASONS, c.reason),
            "feedback": _labels(FEEDBACK, c.feedback),
            "assigned_rep": _labels([r.name for r in _ROSTER], c.assigned_rep),
            "closed_at": _timestamps(c.closed),
            "ticket_id": _with_nulls(ticket_ids.gather(np.maximum(c.ticket, 0)), c.ticket < 0),
        }
    )


def _knowledge_gap_frames(
    rng: np.random.Generator, c: _Conversations, ticket_ids: pl.Series, conversation_ids: pl.Series
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Unanswered questions (paraphrases of a few topics) and their true topic per question."""
    rate = np.where(c.reason == _CANNOT_ANSWER, 1.0, np.where(c.involved, 0.13, 0.0))
    per_conversation = rng.poisson(rate)
    conversation = np.repeat(np.arange(len(c.started)), per_conversation)
    k = len(conversation)
    until = np.where(c.handed_off, c.handoff_at, c.last_activity)[conversation]
    asked_at = c.started[conversation] + (rng.random(k) * (until - c.started[conversation] + 1)).astype(np.int64)
    order = np.lexsort((np.arange(k), asked_at))
    conversation, asked_at = conversation[order], asked_at[order]

    topics = list(_KNOWLEDGE_GAP_PHRASINGS)
    topic_weight = 1.0 / np.arange(1, len(topics) + 1) ** 0.8
    topic = rng.permutation(len(topics))[rng.choice(len(topics), k, p=topic_weight / topic_weight.sum())]
    counts = np.array([len(_KNOWLEDGE_GAP_PHRASINGS[name]) for name in topics])
    phrasing = np.cumsum(counts)[topic] - counts[topic] + (rng.random(k) * counts[topic]).astype(np.int64)
    phrasings = [p for name in topics for p in _KNOWLEDGE_GAP_PHRASINGS[name]]
    lowercase, drop_mark, please = (rng.random(k) < share for share in (0.15, 0.2, 0.06))
    question = _labels(phrasings, phrasing)
    question = _where(lowercase, question.str.to_lowercase(), question)
    question = _where(drop_mark, question.str.strip_chars_end("?"), question)
    question = _where(please, question.str.strip_chars_end("?") + " please", question)
    question_ids = _numeric_ids(6_100_000_000, k)
    gap_ticket = c.ticket[conversation]
    gaps = pl.DataFrame(
        {
            "question_id": question_ids,
            "asked_at": _timestamps(asked_at),
            "question": question,
            "conversation_id": conversation_ids.gather(conversation),
            "ticket_id": _with_nulls(ticket_ids.gather(np.maximum(gap_ticket, 0)), gap_ticket < 0),
        }
    )
    return gaps, pl.DataFrame({"question_id": question_ids, "topic": _labels(topics, topic)})


# --------------------------------------------------------------------------- reps


def _rep_events(rng: np.random.Generator, world: _World, shift: _Shift) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One rep's status changes (time, away?, detail index) in time order."""
    window = world.window
    days = np.arange(window.n_days)
    work = days[shift.work_day[days + _PAD_BEFORE] & (rng.random(window.n_days) >= 0.06)]
    k = len(work)
    middle = (shift.start + shift.end) // 2
    start = shift.start + np.clip(rng.normal(0, 8 * MINUTE, k), -25 * MINUTE, 25 * MINUTE).astype(np.int64)
    lunch = middle + rng.normal(0, 20 * MINUTE, k).astype(np.int64)
    back = lunch + rng.integers(30 * MINUTE, 50 * MINUTE, k)
    has_lunch = rng.random(k) < 0.85
    meeting = np.where(has_lunch, back, start) + rng.integers(HOUR, 150 * MINUTE, k)
    meeting_over = meeting + rng.integers(30 * MINUTE, 60 * MINUTE, k)
    has_meeting = rng.random(k) < 0.25
    last_back = np.where(has_meeting, meeting_over, np.where(has_lunch, back, start))
    leave = np.maximum(shift.end + rng.normal(0, 12 * MINUTE, k).astype(np.int64), last_back + 10 * MINUTE)

    extra = days[rng.random(window.n_days) < 0.035]  # evenings and weekends outside the schedule
    late = np.full(len(extra), shift.end + 2 * HOUR)
    worked = np.isin(extra, work)
    late[worked] = np.maximum(late[worked], leave[np.searchsorted(work, extra[worked])] + 30 * MINUTE)
    extra_start = late + rng.integers(0, 90 * MINUTE, len(extra))
    extra_end = extra_start + rng.integers(20 * MINUTE, 90 * MINUTE, len(extra))

    lunch_detail, meeting_detail, offline_detail = 0, 1, 2
    parts = [  # (days, second of local day, away?, detail) per kind of event
        (work, start, False, -1),
        (work[has_lunch], lunch[has_lunch], True, lunch_detail),
        (work[has_lunch], back[has_lunch], False, -1),
        (work[has_meeting], meeting[has_meeting], True, meeting_detail),
        (work[has_meeting], meeting_over[has_meeting], False, -1),
        (work, leave, True, offline_detail),
        (extra, extra_start, False, -1),
        (extra, extra_end, True, offline_detail),
    ]
    day = np.concatenate([p[0] for p in parts])
    local = window.start_s + day * DAY + np.concatenate([p[1] for p in parts])
    at = local - shift.offsets[day + _PAD_BEFORE]
    away = np.concatenate([np.broadcast_to(p[2], len(p[0])) for p in parts])
    detail = np.concatenate([np.broadcast_to(p[3], len(p[0])) for p in parts])
    inside = (at >= window.start_s) & (at < window.end_s)
    order = np.argsort(at[inside], kind="stable")
    return at[inside][order], away[inside][order], detail[inside][order]


def _availability_frame(rng: np.random.Generator, world: _World) -> pl.DataFrame:
    """The `availability` table, sorted by (rep, started_at)."""
    frames = []
    for rep, shift in zip(_ROSTER, world.shifts, strict=True):
        at, away, detail = _rep_events(rng, world, shift)
        events = pl.DataFrame(
            {
                "status": _labels(("available", "away"), away.astype(np.int64)),
                "started_at": _timestamps(at),
                "ended_at": _timestamps(np.full(len(at), _MISSING)),
                "detail": _labels(("lunch", "meeting", "offline"), detail),
            }
        )
        frames.append(
            events.select(
                rep=pl.lit(rep.name), status="status", started_at="started_at", ended_at="ended_at", team=pl.lit(rep.team), detail="detail"
            )
        )
    return pl.concat(frames).sort(["rep", "started_at"], maintain_order=True)


def _working_hours_frame() -> pl.DataFrame:
    """The `working_hours` table: the `*` default plus every rep with their own schedule."""
    rows = [("*", _DEFAULT_HOURS)] + [(rep.name, rep.hours) for rep in _ROSTER if rep.hours]
    records = [(name, day, WEEKDAYS[day], hours.start, hours.end, hours.timezone) for name, hours in rows for day in hours.weekdays]
    frame = pl.DataFrame(records, schema=["rep", "day", "weekday", "start", "end", "timezone"], orient="row")
    return frame.sort(["rep", "day"], maintain_order=True).drop("day")


def _holidays_frame(world: _World) -> pl.DataFrame:
    """The `holidays` table."""
    return pl.DataFrame(
        {
            "date": pl.Series([h[0] for h in world.holidays], dtype=pl.Date),
            "name": pl.Series([h[1] for h in world.holidays], dtype=pl.String),
            "timezone": pl.Series([h[2] for h in world.holidays], dtype=pl.String),
        }
    )


# --------------------------------------------------------------------------- public API


def _build_tables(tickets: int, seed: int, start: date, months: int) -> dict[str, pl.DataFrame]:
    """Every table of the dataset, in the neutral schema with typed columns."""
    rng = np.random.default_rng(seed)
    world = _world(rng, start, months)
    t = _simulate_tickets(rng, world, tickets)
    m = _simulate_messages(rng, world, t)
    ticket_ids = _ticket_ids(rng, tickets)
    c = _simulate_conversations(rng, world, t)
    conversation_ids = _numeric_ids(3_000_000_000, len(c.started))
    gaps, gap_topics = _knowledge_gap_frames(rng, c, ticket_ids, conversation_ids)
    return {
        "tickets": _tickets_frame(t, ticket_ids, _first_public_reply(t, m)),
        "stage_history": _stage_history_frame(t, ticket_ids),
        "messages": _messages_frame(t, m, ticket_ids),
        "availability": _availability_frame(rng, world),
        "working_hours": _working_hours_frame(),
        "holidays": _holidays_frame(world),
        "csat": _csat_frame(rng, world, t, ticket_ids),
        "agent_conversations": _conversations_frame(c, ticket_ids, conversation_ids),
        "knowledge_gaps": gaps,
        "knowledge_gaps_topics": gap_topics,
    }


def _write_table(frame: pl.DataFrame, path: Path, file_format: str) -> None:
    """Write one table; CSV timestamps as ISO 8601 UTC with a Z."""
    if file_format == "csv":
        frame.write_csv(path, datetime_format=_CSV_TIMESTAMP)
    else:
        frame.write_parquet(path)


def _check_sizes(tickets: int, months: int) -> None:
    """Refuse sizes the generator cannot honour."""
    if tickets < 1 or months < 1:
        raise ValueError("tickets and months must be at least 1")


def generate(
    out: Path,
    *,
    tickets: int = 2000,
    seed: int = 7,
    start: date = date(2026, 5, 1),
    months: int = 6,
    file_format: str = "csv",
) -> dict[str, int]:
    """Write a realistic synthetic dataset, one file per table, into `out` (created if missing); return rows written per table."""
    if file_format not in ("csv", "parquet"):
        raise ValueError(f"file_format must be 'csv' or 'parquet', not {file_format!r}")
    _check_sizes(tickets, months)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    with working(f"generating {tickets:,} tickets"):
        tables = _build_tables(tickets, seed, start, months)
    for name, frame in tracked(tables.items(), "writing tables", len(tables)):
        _write_table(frame, out / f"{name}.{file_format}", file_format)
        written[name] = frame.height
    return written


def _latest_per_ticket(n: int, ticket: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Largest value per ticket ignoring `_MISSING`, or `_MISSING` when there is none."""
    latest = np.full(n, _MISSING, dtype=np.int64)
    np.maximum.at(latest, ticket, values)
    return latest


def _local_text(secs: np.ndarray, tz: str) -> pl.Series:
    """Epoch seconds as naive local 'YYYY-MM-DD HH:MM' text in `tz` (missing stays null)."""
    return _timestamps(secs).dt.convert_time_zone(tz).dt.to_string(_HUBSPOT_TIMESTAMP)


def _two_digits(values: pl.Series) -> pl.Series:
    """Integers as zero-padded two-digit strings."""
    return values.cast(pl.String).str.zfill(2)


def _hms(seconds: pl.Series) -> pl.Series:
    """Durations in seconds as H:MM:SS text (hours may exceed 24; null stays null)."""
    hours = (seconds // HOUR).cast(pl.String)
    return hours + ":" + _two_digits(seconds % HOUR // MINUTE) + ":" + _two_digits(seconds % MINUTE)


def write_hubspot_ticket_export(
    out_file: Path,
    *,
    tickets: int = 300,
    seed: int = 7,
    start: date = date(2026, 5, 1),
    months: int = 6,
    tz: str = "Europe/Oslo",
) -> int:
    """Write a small HubSpot-style ticket export (CSV with HubSpot display-label headers, naive local timestamps); return rows."""
    _check_sizes(tickets, months)
    rng = np.random.default_rng(seed)
    world = _world(rng, start, months)
    t = _simulate_tickets(rng, world, tickets)
    m = _simulate_messages(rng, world, t)
    first_response_at = _first_public_reply(t, m)
    frame = _tickets_frame(t, _ticket_ids(rng, tickets), first_response_at)
    time_to_close = _with_nulls(t.closed_at - t.created, t.closed_at == _MISSING)
    columns = {
        "Ticket ID": frame["ticket_id"],
        "Ticket name": frame["subject"],
        "Pipeline": frame["pipeline"],
        "Ticket status": frame["status"],
        "Create date": _local_text(t.created, tz),
        "Close date": _local_text(t.closed_at, tz),
        "Ticket owner": frame["owner"],
        "HubSpot team": frame["team"],
        "Source": frame["source"].replace_strict(_HUBSPOT_SOURCE),
        "Priority": frame["priority"].str.to_titlecase(),
        "Time to close (HH:mm:ss)": _hms(time_to_close),
        "First agent response date": _local_text(first_response_at, tz),
    }
    for p, pipeline in enumerate(PIPELINES):
        for s, stage in enumerate(STAGES):
            visits = t.visit_stage == s
            entered = _latest_per_ticket(tickets, t.visit_ticket[visits], t.visit_entered[visits])
            exited = _latest_per_ticket(tickets, t.visit_ticket[visits], t.visit_exited[visits])
            other_pipeline = t.pipeline != p
            entered[other_pipeline] = exited[other_pipeline] = _MISSING
            columns[f'Date entered "{stage} ({pipeline})"'] = _local_text(entered, tz)
            columns[f'Date exited "{stage} ({pipeline})"'] = _local_text(exited, tz)
    Path(out_file).parent.mkdir(parents=True, exist_ok=True)
    pl.DataFrame(columns).write_csv(out_file)
    return tickets
