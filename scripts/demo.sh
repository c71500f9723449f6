#!/usr/bin/env bash
# The demo: a throwaway Kerberos realm on loopback, the Express example, and a real single sign-on by curl.
#
#   npm run demo              install what is missing, build, sign in once with curl, then keep serving
#   npm run demo -- --once    the same, but stop after the sign-in (exit code tells whether it worked)
#
# PORT (default 3000) picks the example's port. Ctrl-C stops the example and the KDC (by pid).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
once=false
[ "${1:-}" = "--once" ] && once=true
port=${PORT:-3000}
realm_dir=${SSPI_REALM_DIR:-$root/.realm}

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Debian packages (krb5, gss-ntlmssp, curl), npm packages, build"
bash scripts/prepare.sh

step "Throwaway realm SSPI.TEST on 127.0.0.1"
bash scripts/realm.sh start "$realm_dir" >/dev/null
# shellcheck source=/dev/null
. "$realm_dir/env.sh"
echo "KRB5_CONFIG=$KRB5_CONFIG"
echo "KRB5_KTNAME=$KRB5_KTNAME   (holds HTTP/localhost@SSPI.TEST)"

app_pid=
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null
  bash "$root/scripts/realm.sh" stop "$realm_dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "Express example on http://localhost:$port"
PORT=$port node examples/express/dist/main.js >"$realm_dir/example.log" 2>&1 &
app_pid=$!
for _ in $(seq 100); do
  curl -s -o /dev/null "http://localhost:$port/" && break
  kill -0 "$app_pid" 2>/dev/null || { cat "$realm_dir/example.log"; exit 1; }
  sleep 0.1
done

step "Without a ticket: the server challenges"
KRB5CCNAME=FILE:/nonexistent curl -s -o /dev/null -D - "http://localhost:$port/me" | grep -iE '^(HTTP|www-authenticate)' || true

step "kinit alice, then curl --negotiate http://localhost:$port/me"
export KRB5CCNAME=FILE:$realm_dir/ccache.alice
kinit alice <"$realm_dir/alice.password" >/dev/null
klist | sed -n 2p
body=$(curl -sS --fail --negotiate -u : "http://localhost:$port/me")
echo "$body" | node -e 'process.stdout.write(JSON.stringify(JSON.parse(require("fs").readFileSync(0, "utf8")), null, 2) + "\n")'
echo "$body" | grep -q '"principal":"alice@SSPI.TEST"' || { echo "demo: unexpected answer" >&2; exit 1; }
echo "Signed in as alice@SSPI.TEST through Kerberos."

$once && exit 0

step "Still serving on http://localhost:$port/me (Ctrl-C stops it)"
cat <<EOF
In this shell:     . $realm_dir/env.sh && curl --negotiate -u : http://localhost:$port/me
From a browser, with the realm's ticket cache (kinit alice first, password in $realm_dir/alice.password):
  Firefox:  about:config -> network.negotiate-auth.trusted-uris = localhost, then start it as
              KRB5_CONFIG=$KRB5_CONFIG KRB5CCNAME=$KRB5CCNAME firefox-esr http://localhost:$port/me
            (the tests do exactly this, headless)
  Chromium: KRB5_CONFIG=$KRB5_CONFIG KRB5CCNAME=$KRB5CCNAME \\
              chromium --auth-server-allowlist=localhost http://localhost:$port/me
            A Chromium profile that has never met a Negotiate challenge fails the first one
            (ERR_UNSUPPORTED_AUTH_SCHEME) and loads its Kerberos library only then: reload once and it signs in.
            The browser tests seed the profile instead (test/browsers/harness.ts).
EOF
wait "$app_pid"
