"""The command line's commands, one module per group; `svcstats.commands.app` registers them. Typer only,
no Polars at import (ruff TID253 enforces it for the whole folder)."""
