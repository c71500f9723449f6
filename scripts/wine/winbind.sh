#!/usr/bin/env bash
# A private winbindd for Wine's server-side NTLM, which validates each AUTHENTICATE by forking
# `ntlm_auth --helper-protocol=squid-2.5-ntlmssp`, and ntlm_auth asks winbindd.
#
#   scripts/wine/winbind.sh start DIR   prints DIR/bin: put it first in the Wine process's PATH
#   scripts/wine/winbind.sh stop DIR    stops that winbindd by its pid
#
# Standalone (no domain, no smbd, no nmbd): one local user, in a passdb under DIR, that exists only for Samba
# (nss_wrapper adds it to a copy of /etc/passwd). DIR/env.json has the user, password, domain and bin dir.
# libwbclient (so ntlm_auth and wbinfo) always uses /run/samba/winbindd unless nss_wrapper is preloaded and
# SELFTEST_WINBINDD_SOCKET_DIR is set: DIR/bin/ntlm_auth and DIR/bin/wbinfo are wrappers that do both, so the
# host's /run/samba is never used nor touched.
set -euo pipefail
# The tests' gss-ntlmssp setup sets _NO_WINBINDD=1, which makes libwbclient refuse to talk to any winbindd.
unset _NO_WINBINDD

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
cmd=$1
mkdir -p "$2"
dir=$(cd "$2" && pwd)
user=${SSPI_WINBIND_USER:-winetest}
password=${SSPI_WINBIND_PASSWORD:-Wine-Passw0rd}
domain=WINEHOST   # a standalone server's own SAM is named after its NetBIOS name
pidfile=$dir/winbindd.pid
nss_wrapper=/usr/lib/x86_64-linux-gnu/libnss_wrapper.so

stop() {
  [ -f "$pidfile" ] || return 0
  local pid
  pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

case $cmd in
  stop) stop; exit 0 ;;
  start) ;;
  *) usage ;;
esac

for tool in winbindd ntlm_auth wbinfo smbpasswd; do
  command -v "$tool" >/dev/null || { echo "$tool not found: run scripts/install-deps.sh --windows" >&2; exit 1; }
done
[ -f "$nss_wrapper" ] || { echo "$nss_wrapper not found: run scripts/install-deps.sh --windows" >&2; exit 1; }
stop   # a winbindd this DIR already had

mkdir -p "$dir"/{bin,private,state,cache,lock,run,sock,log}
chmod 0755 "$dir/sock"   # winbindd refuses a socket directory others can write to
cat >"$dir/smb.conf" <<EOF
[global]
  workgroup = $domain
  netbios name = $domain
  server role = standalone server
  passdb backend = tdbsam:$dir/private/passdb.tdb
  private dir = $dir/private
  state directory = $dir/state
  cache directory = $dir/cache
  lock directory = $dir/lock
  pid directory = $dir/run
  ncalrpc dir = $dir/run/ncalrpc
  binddns dir = $dir/private/bind-dns
  winbindd socket directory = $dir/sock
  log file = $dir/log/%m.log
  # winbindd listens on Unix sockets only; no NetBIOS, and loopback if anything binds at all.
  interfaces = lo
  bind interfaces only = yes
  disable netbios = yes
  load printers = no
  printcap name = /dev/null
  disable spoolss = yes
  # No samba-dcerpcd helpers: local users are checked against the passdb without RPC.
  rpc start on demand helpers = no
EOF

# The test user exists for Samba only: a copy of the host's passwd/group plus one line, read through nss_wrapper.
cp /etc/passwd "$dir/passwd"
cp /etc/group "$dir/group"
echo "$user:x:61234:61234:Wine NTLM test user:/nonexistent:/usr/sbin/nologin" >>"$dir/passwd"
echo "$user:x:61234:" >>"$dir/group"
wrap=(env LD_PRELOAD="$nss_wrapper" NSS_WRAPPER_PASSWD="$dir/passwd" NSS_WRAPPER_GROUP="$dir/group")

printf '%s\n%s\n' "$password" "$password" | "${wrap[@]}" smbpasswd -c "$dir/smb.conf" -L -s -a "$user" >"$dir/log/smbpasswd.log" 2>&1 ||
  { cat "$dir/log/smbpasswd.log" >&2; exit 1; }

# ntlm_auth needs our smb.conf for the NetBIOS names in its challenges; wbinfo has no --configfile.
for tool in ntlm_auth wbinfo; do
  config=
  [ "$tool" = ntlm_auth ] && config=" --configfile='$dir/smb.conf'"
  cat >"$dir/bin/$tool" <<EOF
#!/bin/sh
# Reaches the winbindd of $dir, never /run/samba (see scripts/wine/winbind.sh).
export LD_PRELOAD='$nss_wrapper' NSS_WRAPPER_PASSWD='$dir/passwd' NSS_WRAPPER_GROUP='$dir/group'
export SELFTEST_WINBINDD_SOCKET_DIR='$dir/sock'
unset _NO_WINBINDD
exec $(command -v "$tool")$config "\$@"
EOF
  chmod +x "$dir/bin/$tool"
done

# In the background of this script rather than -D, so $! is its pid (env execs it). winbindd -F still puts
# itself in its own process group, out of reach of the caller's Ctrl-C.
"${wrap[@]}" winbindd -F -s "$dir/smb.conf" </dev/null >"$dir/log/winbindd.out" 2>&1 &
echo $! >"$pidfile"
for _ in $(seq 100); do
  "$dir/bin/wbinfo" -p >/dev/null 2>&1 && break
  kill -0 "$(cat "$pidfile")" 2>/dev/null || { echo "winbindd exited:" >&2; cat "$dir/log/winbindd.out" >&2; rm -f "$pidfile"; exit 1; }
  sleep 0.1
done
"$dir/bin/wbinfo" -p >/dev/null 2>&1 || { echo "winbindd did not answer in 10 s" >&2; stop; exit 1; }

cat >"$dir/env.json" <<EOF
{ "bin": "$dir/bin", "user": "$user", "password": "$password", "domain": "$domain" }
EOF
echo "$dir/bin"
