#!/usr/bin/env bash
# npm test: prepares a fresh machine (packages, npm ci, build), then runs jest over every package and example.
# Extra arguments go to jest (npm test -- --selectProjects sspi-native).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/prepare.sh --browser --windows
exec npx jest "$@"
