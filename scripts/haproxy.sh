#!/usr/bin/env bash
# HAProxy on loopback in front of instances on loopback ports, for the scale-out test and for trying it by hand.
#
#   scripts/haproxy.sh start DIR CONFIG PORT...   HAProxy with CONFIG (scripts/haproxy/tcp.cfg, http.cfg, or your
#                                                 own) on 127.0.0.1 and a free port, round-robin over one server
#                                                 per PORT (127.0.0.1:PORT); prints the front end's URL and writes
#                                                 DIR/env (PROXY_PORT=..., PROXY_URL=...)
#   scripts/haproxy.sh stop DIR                   stop it by the pid in DIR/haproxy.pid
#   scripts/haproxy.sh status DIR                 exit 0 when it runs
#
# CONFIG must end with the backend section: one `server appN 127.0.0.1:PORT` line per PORT is appended to a copy
# in DIR/haproxy.cfg. HAProxy expands "${PROXY_DIR}" (its stats socket DIR/admin.sock) and "${PROXY_BIND}" in it.
# Packages: scripts/install-deps.sh --scale-out.
set -euo pipefail

die() { echo "haproxy.sh: $*" >&2; exit 1; }
usage() { die "usage: haproxy.sh start DIR CONFIG PORT... | stop DIR | status DIR"; }
[ $# -ge 2 ] || usage
cmd=$1
mkdir -p "$2"
dir=$(cd "$2" && pwd)
shift 2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/loopback-daemon.sh
source "$here/lib/loopback-daemon.sh"

export PATH="$PATH:/usr/sbin:/sbin"
haproxy=$(command -v haproxy) || die "haproxy not found: bash scripts/install-deps.sh --scale-out (Debian package haproxy)"
pidfile=$dir/haproxy.pid

start() {
  [ $# -ge 2 ] || usage
  local config=$1 port
  shift
  [ -f "$config" ] || die "$config: no such file"
  for port in "$@"; do [[ $port =~ ^[0-9]+$ ]] && [ "$port" -ge 1 ] && [ "$port" -le 65535 ] || die "'$port' is not a TCP port"; done
  # A second start replaces the first: the backends or the config may have changed.
  stop_daemon "$pidfile" "$haproxy"
  {
    cat "$config"
    local n=0
    for port in "$@"; do n=$((n + 1)); echo "    server app$n 127.0.0.1:$port"; done
  } >"$dir/haproxy.cfg"
  export PROXY_DIR=$dir
  local attempt out
  for attempt in 1 2 3; do
    port=$(free_port)
    export PROXY_BIND=127.0.0.1:$port
    out=$("$haproxy" -c -f "$dir/haproxy.cfg" 2>&1) || die "$config is not a valid configuration: $out"
    # -D: detach; -p: the pid file stop uses. Its messages (warnings, a failed bind) go to DIR/haproxy.log.
    if "$haproxy" -D -p "$pidfile" -f "$dir/haproxy.cfg" >"$dir/haproxy.log" 2>&1; then
      for _ in $(seq 50); do
        if daemon_pid "$pidfile" "$haproxy" >/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
          printf 'PROXY_PORT=%s\nPROXY_URL=http://127.0.0.1:%s/\n' "$port" "$port" >"$dir/env"
          echo "http://127.0.0.1:$port/"
          return 0
        fi
        sleep 0.1
      done
    fi
    # Most likely the port was taken between free_port and the bind; try another.
    stop_daemon "$pidfile" "$haproxy"
    echo "haproxy.sh: attempt $attempt on port $port failed: $(cat "$dir/haproxy.log")" >&2
  done
  die "haproxy did not start; see $dir/haproxy.log"
}

case "$cmd" in
  start) start "$@" ;;
  stop) stop_daemon "$pidfile" "$haproxy"; rm -f "$dir/env" ;;
  status) daemon_pid "$pidfile" "$haproxy" >/dev/null ;;
  *) die "unknown command '$cmd' (start|stop|status)" ;;
esac
