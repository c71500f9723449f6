# Sourced by scripts/redis.sh and scripts/haproxy.sh: a daemon on loopback, known by the pid file it writes in its
# directory and stopped by that pid only (never by name: another copy may be someone else's).

# A free TCP port on 127.0.0.1, as the kernel hands one out. Another process may take it before the daemon binds,
# so callers retry a failed start on a new port.
free_port() {
  node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => console.log(port)); });'
}

# Whether PID runs (a zombie left for a parent that does not reap counts as gone).
alive() {
  local state
  state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

# The pid in FILE if that process is alive and runs the executable PROGRAM (a path; a pid reused by another
# program is not ours).
daemon_pid() {
  local file=$1 program pid exe
  program=$(readlink -f "$2")
  [ -f "$file" ] || return 1
  pid=$(tr -dc 0-9 <"$file")
  [ -n "$pid" ] && alive "$pid" || return 1
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
  [ "${exe% (deleted)}" = "$program" ] || return 1
  echo "$pid"
}

# Stops the PROGRAM whose pid is in FILE: TERM, up to 5 s, then KILL; removes the pid file.
stop_daemon() {
  local file=$1 program=$2 pid
  pid=$(daemon_pid "$file" "$program") || { rm -f "$file"; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do alive "$pid" || break; sleep 0.1; done
  if alive "$pid"; then
    kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 20); do alive "$pid" || break; sleep 0.1; done
  fi
  rm -f "$file"
}
