#!/bin/sh
# Set up svcstats in ./.venv (a virtual environment of its own, so a system Python's
# "externally managed" rule does not apply): `sh scripts/setup.sh` for the command alone,
# `sh scripts/setup.sh --dev` for the test and lint tools too. Safe to run again.
set -euf  # -f: no globbing (".[dev]" is a pip extra, not a pattern)
cd "$(dirname "$0")/.."

# users get a plain install; developers an editable one with the test and lint tools
target="."
[ "${1:-}" = "--dev" ] && target="-e .[dev]"

# The newest Python 3.11+ on PATH: python3 first, then versioned names.
python=""
for candidate in python3 python3.14 python3.13 python3.12 python3.11; do
    if command -v "$candidate" >/dev/null 2>&1 &&
        "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        python=$candidate
        break
    fi
done
if [ -z "$python" ]; then
    found=$(python3 -c 'import platform; print(platform.python_version())' 2>/dev/null || echo "none")
    echo "svcstats needs Python 3.11 or newer (python3 here: $found)." >&2
    echo "  Debian/Ubuntu: sudo apt-get install python3.11 (or newer); macOS: brew install python@3.12; then run this again." >&2
    exit 1
fi

if [ ! -x .venv/bin/python ]; then
    if ! "$python" -m venv .venv >/dev/null 2>&1; then
        rm -rf .venv
        # Debian and Ubuntu ship venv apart from Python itself.
        if command -v apt-get >/dev/null 2>&1; then
            venv_package="$("$python" -c 'import sys; print(f"python{sys.version_info[0]}.{sys.version_info[1]}-venv")')"
            echo "svcstats: $python cannot create a virtual environment; installing $venv_package" >&2
            if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
            $sudo apt-get install -y -q "$venv_package" >&2 || {
                $sudo apt-get update -q >&2 && $sudo apt-get install -y -q "$venv_package" >&2
            }
            "$python" -m venv .venv
        else
            echo "svcstats: $python cannot create a virtual environment (python -m venv failed)." >&2
            echo "  Install your system's venv support for Python, then run this again." >&2
            exit 1
        fi
    fi
fi

.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
# shellcheck disable=SC2086  # $target is two words for --dev
.venv/bin/python -m pip install --quiet --disable-pip-version-check $target >&2
echo "svcstats is set up: run .venv/bin/svcstats (or activate with: . .venv/bin/activate)" >&2
