"""Help-desk presets, one module each, declared as data (see `base`): which export headers fill
which neutral columns, value maps, units, time zones and how each export is recognised.

`PRESETS` is in recognition order: the more specific signatures first, HubSpot last (its
`Ticket ID` + `Create date` is the loosest).
"""

from __future__ import annotations

from svcstats.loaders.presets import chatwoot, freshdesk, hubspot, intercom, zendesk
from svcstats.loaders.presets.base import Preset, matches, norm

PRESETS: dict[str, Preset] = {p.name: p for p in (zendesk.PRESET, freshdesk.PRESET, intercom.PRESET, chatwoot.PRESET, hubspot.PRESET)}
FORMATS = ("auto", "generic", *PRESETS)


def recognise(headers: list[str]) -> tuple[Preset, str] | None:
    """The help desk and table whose export carries these headers, or None."""
    found = {norm(h) for h in headers}
    for preset in PRESETS.values():
        for table, spec in preset.tables.items():
            if spec.derived_from is None and matches(spec.signature, found):
                return preset, table
    return None


def aggregate(headers: list[str]) -> Preset | None:
    """The help desk whose aggregate report download (averages, not records) these headers are."""
    found = {norm(h) for h in headers}
    return next((p for p in PRESETS.values() if matches(p.aggregate_signature, found)), None)
