#!/usr/bin/env bash
# Prints the path of a Wine prefix ready for Windows node.exe, creating it once in the cache.
#   scripts/wine/prefix.sh          cache: $SSPI_WINE_CACHE, default <repo>/.cache/wine
# Headless and quiet: no DISPLAY, no Mono/Gecko install prompts, no debug channels.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cache=${SSPI_WINE_CACHE:-$root/.cache/wine}
export WINEPREFIX=$cache/prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
unset DISPLAY WAYLAND_DISPLAY
# Bump when the recipe below changes, so cached prefixes are rebuilt.
stamp=$WINEPREFIX/.sspi-prefix-v1
[ -f "$stamp" ] && { echo "$WINEPREFIX"; exit 0; }

command -v wine >/dev/null || { echo "wine not found: run scripts/install-deps.sh --windows" >&2; exit 1; }
mkdir -p "$cache"
exec 9>"$cache/prefix.lock"
flock 9
[ -f "$stamp" ] && { echo "$WINEPREFIX"; exit 0; }

# A half-made prefix (an interrupted run) is thrown away rather than trusted.
[ -d "$WINEPREFIX" ] && { wineserver -k 2>/dev/null || true; rm -rf "$WINEPREFIX"; }
log=$cache/prefix.log
if ! {
  wineboot -u &&
    # Wine 8 says Windows 7 by default; node.exe 22 refuses to start below 8.1 (exit code 216).
    wine winecfg -v win10 &&
    # Waits for the wineserver to write the registry to disk and exit.
    wineserver -w
} >"$log" 2>&1; then
  echo "creating the Wine prefix $WINEPREFIX failed:" >&2
  cat "$log" >&2
  exit 1
fi
[ -e "$WINEPREFIX/dosdevices/z:" ] || { echo "$WINEPREFIX has no Z: drive for / (the tests pass Z:\\ paths)" >&2; exit 1; }
touch "$stamp"
echo "$WINEPREFIX"
