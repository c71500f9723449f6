#!/usr/bin/env bash
# A throwaway Apache httpd + mod_auth_gssapi on loopback (scripts/apache/interop-server.js), to try a client by hand.
#
#   scripts/apache.sh start DIR    start it on three free 127.0.0.1 ports; prints its URLs (also in DIR/urls)
#   scripts/apache.sh stop DIR     stop it by the pid in DIR/apache.pid (the launcher stops Apache by Apache's pid)
#   scripts/apache.sh status DIR   exit 0 when it runs
#
# Environment: KRB5_KTNAME (FILE:path of HTTP/localhost's keytab), KRB5_CONFIG (the realm's krb5.conf), and for NTLM
# NTLM_USER_FILE, NETBIOS_DOMAIN_NAME, NETBIOS_COMPUTER_NAME; `source DIR/env.sh` of scripts/realm.sh sets the first two.
# DIR and its parents must be traversable by www-data (Apache's children). Packages: scripts/install-deps.sh --apache.
# What Apache answers (first 401s, NTLM scheme, mutual token): see the header of scripts/apache/interop-server.js.
set -euo pipefail

die() { echo "apache.sh: $*" >&2; exit 1; }
[ $# -eq 2 ] || die "usage: apache.sh start|stop|status DIR"
cmd=$1
mkdir -p "$2"
dir=$(cd "$2" && pwd)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/loopback-daemon.sh
source "$here/lib/loopback-daemon.sh"

node=$(command -v node) || die "node not found"
pidfile=$dir/apache.pid

start() {
  if daemon_pid "$pidfile" "$node" >/dev/null; then cat "$dir/urls"; return 0; fi
  [ -n "${KRB5_KTNAME:-}" ] || die "KRB5_KTNAME is not set (FILE:path of the HTTP/localhost keytab)"
  rm -f "$dir/urls"
  : >"$dir/launcher.log"
  setsid "$node" "$here/apache/interop-server.js" "$dir" >"$dir/launcher.log" 2>&1 </dev/null &
  echo $! >"$pidfile"
  for _ in $(seq 200); do
    if grep -q '^Apache pid' "$dir/launcher.log"; then grep '^Apache pid' "$dir/launcher.log" | tee "$dir/urls"; return 0; fi
    daemon_pid "$pidfile" "$node" >/dev/null || break
    sleep 0.1
  done
  stop_daemon "$pidfile" "$node"
  die "Apache did not start:\n$(cat "$dir/launcher.log")"
}

case "$cmd" in
  start) start ;;
  stop) stop_daemon "$pidfile" "$node" ;;
  status) daemon_pid "$pidfile" "$node" >/dev/null ;;
  *) die "unknown command '$cmd' (start|stop|status)" ;;
esac
