#!/usr/bin/env bash
# Set up everything (packaging/setup.sh) and open LSTM Inspector on the bundled demo model.
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/setup.sh
exec .venv/bin/lstm-inspector "$@"
