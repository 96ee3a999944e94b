"""A longer hostile-input sweep than CI runs: random combinations of tests/hostile.py's damages,
every report and `data check` on each, failures printed (and the exit code 1 if any).

    python bench/hostile_sweep.py --variants 500 --seed 3

A failure is an exit code outside 0, 2, 3, 4, a traceback or internal error, or support-volume
not accounting for every ticket row. Each failing folder is kept under --keep for a look.
"""

from __future__ import annotations

import argparse
import csv
import io
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from svcstats.catalog import REPORTS
from tests import hostile


def problems(folder: Path) -> list[str]:
    """What went wrong on one damaged folder (empty when all runs behaved)."""
    config = ["--config", str(folder / "svcstats.toml")] if (folder / "svcstats.toml").exists() else []
    base = ["--data", str(folder), "--source-tz", "UTC", "--format", "csv", *config]
    runs = [["data", "check", *base], *(["report", name, "--as-of", "2026-05-31", *base] for name in REPORTS)]
    found = []
    for args in runs:
        code, _, stderr = hostile.run(*args)
        if code not in hostile.DOCUMENTED_EXIT_CODES or "Traceback" in stderr or "internal error" in stderr:
            found.append(f"{' '.join(args[:2])}: exit {code}: {stderr.strip().splitlines()[-1] if stderr.strip() else ''}")
    code, stdout, stderr = hostile.run("report", "support-volume", "--totals", *base)
    given = hostile.given_rows(folder, "tickets")
    if code == 0 and given is not None:
        shown = sum(int(row["tickets"]) for row in csv.DictReader(io.StringIO(stdout)))
        if shown + hostile.left_out(stderr, "tickets") != given:
            found.append(f"support-volume: {shown} shown + {hostile.left_out(stderr, 'tickets')} left out != {given} given")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--variants", type=int, default=100, help="random combinations of damages to try")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, default=Path("bench/out/hostile"), help="where failing folders are kept")
    options = parser.parse_args()
    started, failures = time.perf_counter(), 0
    with tempfile.TemporaryDirectory() as scratch:
        clean = hostile.base(Path(scratch) / "clean")
        for n, names in enumerate(hostile.variants(options.seed, options.variants)):
            folder = Path(scratch) / f"v{n}"
            shutil.copytree(clean, folder, symlinks=True)
            found = problems(hostile.damaged(folder, names, skip_inapplicable=True))
            if found:
                failures += 1
                kept = options.keep / f"v{n}-{'+'.join(names)}"
                shutil.rmtree(kept, ignore_errors=True)
                shutil.copytree(folder, kept, symlinks=True, ignore_dangling_symlinks=True)
                print(f"{'+'.join(names)} ({kept}):", *found, sep="\n  ")
    print(f"{options.variants} variants, {failures} failing, {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
