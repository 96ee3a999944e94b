"""The `spark-submit` entry point: `svcstats report ...` run as a Spark application.

    spark-submit --master spark://host:7077 --archives svcstats-env.tar.gz#env \\
        "$(python -m svcstats.engines.spark_submit --path)" \\
        report ticket-time-to-close --data s3a://lake/helpdesk -f csv -o close.csv

spark-submit gives the master (and every --conf); this runs the command line with
`--spark spark-submit`, which takes the session spark-submit made as it is. `--path` prints this
file's path (what spark-submit wants as the application).
"""

from __future__ import annotations

import runpy
import sys

SUBMITTED = "spark-submit"  # the --spark value meaning "the master spark-submit gave"


def arguments(argv: list[str]) -> list[str]:
    """The command line to run: `argv`, with --spark spark-submit unless a master is given."""
    given = any(arg == "--spark" or arg.startswith("--spark=") for arg in argv)
    return argv if given or not argv or argv[0] != "report" else [*argv, "--spark", SUBMITTED]


def main(argv: list[str] | None = None) -> None:
    """Run `svcstats ARGS` on the submitted Spark application (or print this file's path with --path)."""
    args = sys.argv[1:] if argv is None else list(argv)
    if args == ["--path"]:
        sys.stdout.write(__file__ + "\n")
        return
    sys.argv = ["svcstats", *arguments(args)]
    runpy.run_module("svcstats", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
