"""The `svcstats` command line's entry point: `main()`.

Thin on purpose: a report run (`svcstats report NAME ...`, the command cron and scripts call) is
parsed and run by `commands.running.run_report_args` without importing Typer; anything else (every
other command, --help, an option that does not parse) goes to the Typer app of `commands.app`.
"""

from __future__ import annotations

import signal
import sys


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `svcstats` script and `python -m svcstats`: runs the command line and
    exits with its code."""
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `svcstats ... | head` ends quietly
    args = sys.argv[1:] if argv is None else list(argv)
    from svcstats.commands.running import run_report_args

    code = run_report_args(args)
    if code is None:
        from svcstats.commands.app import run_app

        code = run_app(args)
    sys.exit(code)
