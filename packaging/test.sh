#!/usr/bin/env bash
# Set up everything (packaging/setup.sh) and run the whole test suite, headless.
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/setup.sh
export QT_QPA_PLATFORM=offscreen
exec .venv/bin/python -m pytest "$@"
