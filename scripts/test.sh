#!/usr/bin/env bash
# npm test: prepares a fresh machine (packages, npm ci, build), then runs jest over every package and example.
# --ad installs Samba: the AD tests start a throwaway DC (scripts/samba-dc.sh; they skip when not root).
# --scale-out installs HAProxy and Redis for test/scale-out; --apache, Apache httpd + mod_auth_gssapi for test/interop
# and the client tests.
# Extra arguments go to jest (npm test -- --selectProjects sspi-native).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/prepare.sh --browser --windows --ad --scale-out --apache
exec npx jest "$@"
