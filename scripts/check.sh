#!/bin/sh
# The project's whole check, exactly as CI runs it (after `sh scripts/setup.sh --dev`):
# lint, formatting, types, then the test suite. Arguments go to pytest.
set -eu
cd "$(dirname "$0")/.."
PATH="$PWD/.venv/bin:$PATH"
ruff check
ruff format --check
mypy --strict svcstats
pytest "$@"
