"""The `svcstats` command line's entry point: `main()`.

Thin on purpose: a report run (`svcstats report NAME ...`, the command cron and scripts call) is
parsed and run by `commands.running.run_report_args` without importing Typer; anything else (every
other command, --help, an option that does not parse) goes to the Typer app of `commands.app`.
"""

from __future__ import annotations

import os
import signal
import sys

# Polars' allocator (jemalloc) keeps freed pages for 0.5 s, then marks them free lazily, and both
# still count in the process's memory; a report run frees and allocates again from pass to pass.
# Given back within 0.1 s, outright: peak RSS at 10M tickets -20 % for ticket-time-to-close,
# about -10 % for the message reports at 1M, the wall time unchanged (bench/RESULTS.md). Read when
# Polars loads, so set before any import of it. A value the user set is left alone; one that is
# only Polars' own defaults was inherited from a parent process that imported Polars.
ALLOCATOR = "_RJEM_MALLOC_CONF"
ALLOCATOR_SETTINGS = "dirty_decay_ms:100,muzzy_decay_ms:0"
POLARS_ALLOCATOR_DEFAULTS = "dirty_decay_ms:500,muzzy_decay_ms:1000"


def tune_allocator() -> None:
    """Set the allocator options of ALLOCATOR_SETTINGS for this process unless the user chose theirs."""
    if not os.environ.get(ALLOCATOR, POLARS_ALLOCATOR_DEFAULTS).removeprefix(POLARS_ALLOCATOR_DEFAULTS):
        os.environ[ALLOCATOR] = ALLOCATOR_SETTINGS


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `svcstats` script and `python -m svcstats`: runs the command line and
    exits with its code."""
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `svcstats ... | head` ends quietly
    args = sys.argv[1:] if argv is None else list(argv)
    tune_allocator()
    from svcstats.commands.running import run_report_args

    code = run_report_args(args)
    if code is None:
        from svcstats.commands.app import run_app

        code = run_app(args)
    sys.exit(code)
