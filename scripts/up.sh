#!/usr/bin/env bash
# One command: set everything up, then start the whole platform offline.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec npm start
