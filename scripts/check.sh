#!/bin/sh
# The project's whole check, exactly as CI runs it (after `sh scripts/setup.sh --dev`).
set -eu
cd "$(dirname "$0")/.."
.venv/bin/pytest "$@"
