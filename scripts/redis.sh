#!/usr/bin/env bash
# A throwaway Redis on loopback, for the scale-out test and for trying several instances by hand.
#
#   scripts/redis.sh start DIR    start redis-server on 127.0.0.1 and a free port; prints its URL and writes it to
#                                 DIR/env as REDIS_URL=redis://127.0.0.1:PORT
#   scripts/redis.sh stop DIR     stop it by the pid in DIR/redis.pid
#   scripts/redis.sh status DIR   exit 0 when it answers PING
#
# No persistence (no RDB snapshots, no AOF): sessions live as long as this Redis. Pid file, log and env in DIR.
# Start on a running one only prints its URL again; start after stop takes the same port again when it is free,
# so clients configured with the URL find the new Redis. Packages: scripts/install-deps.sh --scale-out.
set -euo pipefail

die() { echo "redis.sh: $*" >&2; exit 1; }
[ $# -eq 2 ] || die "usage: redis.sh start|stop|status DIR"
cmd=$1
mkdir -p "$2"
dir=$(cd "$2" && pwd)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/loopback-daemon.sh
source "$here/lib/loopback-daemon.sh"

server=$(command -v redis-server) || die "redis-server not found: bash scripts/install-deps.sh --scale-out (Debian package redis-server)"
command -v redis-cli >/dev/null || die "redis-cli not found: bash scripts/install-deps.sh --scale-out"
pidfile=$dir/redis.pid

url() { [ ! -f "$dir/env" ] || sed -n 's/^REDIS_URL=//p' "$dir/env"; }
# Bounded: something that is not Redis may hold the port and never answer.
answers() { [ -n "$(url)" ] && [ "$(timeout 2 redis-cli -u "$(url)" ping 2>/dev/null)" = PONG ]; }

start() {
  if daemon_pid "$pidfile" "$server" >/dev/null && answers; then url; return 0; fi
  stop_daemon "$pidfile" "$server"
  local port attempt previous
  previous=$(url | sed -n 's|^redis://127\.0\.0\.1:\([0-9]*\)$|\1|p')
  for attempt in 1 2 3; do
    if [ "$attempt" -eq 1 ] && [ -n "$previous" ]; then port=$previous; else port=$(free_port); fi
    rm -f "$dir/env"
    : >"$dir/redis.log"
    # --save '' and --appendonly no: nothing is written to disk; protected mode stays on (loopback only anyway).
    "$server" --bind 127.0.0.1 --port "$port" --save '' --appendonly no --dir "$dir" \
      --daemonize yes --pidfile "$pidfile" --logfile "$dir/redis.log" >/dev/null ||
      die "redis-server did not start; see $dir/redis.log"
    echo "REDIS_URL=redis://127.0.0.1:$port" >"$dir/env"
    for _ in $(seq 50); do
      daemon_pid "$pidfile" "$server" >/dev/null && answers && { url; return 0; }
      # The port was taken (by the previous owner, or since free_port): try another.
      grep -q 'Could not create server TCP listening socket' "$dir/redis.log" && break
      sleep 0.1
    done
    stop_daemon "$pidfile" "$server"
    echo "redis.sh: attempt $attempt on port $port failed" >&2
  done
  rm -f "$dir/env"
  die "redis-server did not answer on 127.0.0.1; see $dir/redis.log"
}

case "$cmd" in
  start) start ;;
  stop) stop_daemon "$pidfile" "$server" ;;
  status) daemon_pid "$pidfile" "$server" >/dev/null && answers ;;
  *) die "unknown command '$cmd' (start|stop|status)" ;;
esac
