"""HubSpot's ticket export: display-label (or internal-name) headers. Its column map and stage
columns live in `svcstats.loaders.hubspot`; this preset names it among the help desks."""

from __future__ import annotations

from svcstats.loaders.presets.base import Preset, TableMap, sig

TICKETS = TableMap(
    columns={},  # mapped by svcstats.loaders.hubspot.ticket_column_map (header -> column, stage columns)
    signature=sig(("ticket id", "hs_ticket_id", "record id", "hs_object_id"), ("create date", "createdate")),
)

PRESET = Preset(
    name="hubspot",
    label="HubSpot",
    tables={"tickets": TICKETS},
    source_tz="account",
    getting_data="CRM > Tickets > Export (CSV/XLSX); times are in the account's time zone",
    missing={"closed_at": 'export the "Close date" property, or map your column onto closed_at in svcstats.toml'},
)
