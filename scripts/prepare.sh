#!/usr/bin/env bash
# Brings a checkout to a built state on a fresh machine: Debian packages, npm packages, build.
#   scripts/prepare.sh [--browser] [--windows] [--ad] [--scale-out] [--apache]   (passed to scripts/install-deps.sh:
#       Firefox ESR; Wine and mingw-w64; Samba's AD DC for scripts/samba-dc.sh; HAProxy and Redis for test/scale-out;
#       Apache httpd + mod_auth_gssapi for test/interop)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-deps.sh "$@"
# Offline machines carry Node's headers in /usr/include/node; without this node-gyp tries to download them.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node_api.h ]; then export npm_config_nodedir=/usr; fi
[ -d node_modules/.bin ] || npm ci --no-audit --no-fund
npm run build --silent >/dev/null
