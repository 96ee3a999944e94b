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
# -6 to -15 % for the message reports, the wall time unchanged (bench/RESULTS.md). Read when Polars
# loads, so set before any import of it; a value the user set is left alone.
ALLOCATOR_SETTINGS = ("_RJEM_MALLOC_CONF", "dirty_decay_ms:100,muzzy_decay_ms:0")


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `svcstats` script and `python -m svcstats`: runs the command line and
    exits with its code."""
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `svcstats ... | head` ends quietly
    args = sys.argv[1:] if argv is None else list(argv)
    os.environ.setdefault(*ALLOCATOR_SETTINGS)
    from svcstats.commands.running import run_report_args

    code = run_report_args(args)
    if code is None:
        from svcstats.commands.app import run_app

        code = run_app(args)
    sys.exit(code)
