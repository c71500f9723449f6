#!/usr/bin/env bash
# A throwaway MIT Kerberos realm on loopback, for the demo and the tests.
#
#   scripts/realm.sh start [DIR]   create (if needed) and start the realm; prints the env file path
#   scripts/realm.sh stop  [DIR]   stop the KDC by its pid
#   scripts/realm.sh status [DIR]  exit 0 when the KDC answers
#
# DIR defaults to $SSPI_REALM_DIR, else <repo>/.realm. Everything lives in DIR: database, keytabs, ccaches,
# krb5.conf, logs, and env.sh / env.json with the variables a process needs to use the realm.
# Idempotent: start on a running realm only refreshes the tickets; start after stop restarts the same realm.
set -euo pipefail

REALM=SSPI.TEST
HOST=localhost
cmd=${1:-}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir=${2:-${SSPI_REALM_DIR:-$here/../.realm}}

die() { echo "realm.sh: $*" >&2; exit 1; }
[ -n "$cmd" ] || die "usage: realm.sh start|stop|status [DIR]"

# The KDC and admin tools live in sbin, which is not on every PATH.
export PATH="$PATH:/usr/sbin:/sbin"

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
pidfile=$dir/kdc.pid

kdc_running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

stop_kdc() {
  kdc_running || { rm -f "$pidfile"; return 0; }
  local pid; pid=$(cat "$pidfile")
  kill "$pid"
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  rm -f "$pidfile"
}

free_port() {
  # Ask the kernel for a free TCP port, then check UDP is free there too (the KDC listens on both).
  node -e '
    const net = require("node:net"), dgram = require("node:dgram");
    function tryOne() {
      const s = net.createServer().listen(0, "127.0.0.1", () => {
        const port = s.address().port;
        const u = dgram.createSocket("udp4");
        u.once("error", () => { s.close(); u.close(); tryOne(); });
        u.bind(port, "127.0.0.1", () => { u.close(); s.close(() => console.log(port)); });
      });
    }
    tryOne();'
}

for tool in kdb5_util kadmin.local krb5kdc kinit; do
  command -v "$tool" >/dev/null || die "$tool not found: install krb5-kdc krb5-admin-server krb5-user (Debian/Ubuntu)"
done

write_config() {
  local port=$1
  cat >"$dir/krb5.conf" <<EOF
[libdefaults]
  default_realm = $REALM
  dns_lookup_kdc = false
  dns_lookup_realm = false
  dns_canonicalize_hostname = false
  rdns = false
  udp_preference_limit = 1
  forwardable = true

[realms]
  $REALM = {
    kdc = 127.0.0.1:$port
  }

[domain_realm]
  $HOST = $REALM
  .$HOST = $REALM
EOF
  cat >"$dir/kdc.conf" <<EOF
[kdcdefaults]
  kdc_listen = 127.0.0.1:$port
  kdc_tcp_listen = 127.0.0.1:$port

[realms]
  $REALM = {
    database_name = $dir/principal
    key_stash_file = $dir/stash
    acl_file = $dir/kadm5.acl
    kdc_listen = 127.0.0.1:$port
    kdc_tcp_listen = 127.0.0.1:$port
    max_life = 10h
    supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
  }

[logging]
  kdc = FILE:$dir/kdc.log
EOF
}

create_realm() {
  rm -rf "$dir/principal"* "$dir/stash" "$dir"/*.keytab "$dir"/ccache.* "$dir/rcache"
  mkdir -p "$dir/rcache"
  : >"$dir/kadm5.acl"
  local master; master=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
  kdb5_util -r "$REALM" create -s -P "$master" >/dev/null
  # kadmin.local chats on stderr even on success; show its output only when it fails.
  admin() { local out; out=$(kadmin.local -r "$REALM" -q "$1" 2>&1) || die "kadmin.local '$1' failed: $out"; }
  admin "addprinc -randkey HTTP/$HOST"
  admin "ktadd -k $dir/http.keytab HTTP/$HOST"
  # A service the server holds no key for: a ticket for it must be refused ("wrong SPN").
  admin "addprinc -randkey HTTP/wrong.$HOST"
  admin "ktadd -k $dir/wrong.keytab HTTP/wrong.$HOST"
  local alice_pw juergen_pw
  alice_pw=$(head -c 12 /dev/urandom | base64 | tr -d '/+=')
  juergen_pw=$(head -c 12 /dev/urandom | base64 | tr -d '/+=')
  admin "addprinc -pw $alice_pw alice"
  admin "addprinc -pw $juergen_pw jürgen"
  printf '%s\n' "$alice_pw" >"$dir/alice.password"
  printf '%s\n' "$juergen_pw" >"$dir/juergen.password"
  chmod 600 "$dir"/*.password "$dir"/*.keytab
}

write_env() {
  local port=$1
  cat >"$dir/env.sh" <<EOF
# Source this file to use the throwaway realm $REALM (KDC on 127.0.0.1:$port).
export KRB5_CONFIG=$dir/krb5.conf
export KRB5_KDC_PROFILE=$dir/kdc.conf
export KRB5_KTNAME=FILE:$dir/http.keytab
export KRB5RCACHEDIR=$dir/rcache
export KRB5CCNAME=FILE:$dir/ccache.alice
EOF
  node -e '
    const [dir, realm, port] = process.argv.slice(1);
    const fs = require("node:fs");
    const pw = (f) => fs.readFileSync(`${dir}/${f}`, "utf8").trim();
    const env = {
      realm, kdcPort: Number(port), dir, host: "localhost",
      env: {
        KRB5_CONFIG: `${dir}/krb5.conf`, KRB5_KDC_PROFILE: `${dir}/kdc.conf`,
        KRB5_KTNAME: `FILE:${dir}/http.keytab`, KRB5RCACHEDIR: `${dir}/rcache`,
      },
      keytab: `${dir}/http.keytab`, wrongKeytab: `${dir}/wrong.keytab`,
      servicePrincipal: `HTTP/localhost@${realm}`, wrongServicePrincipal: `HTTP/wrong.localhost@${realm}`,
      users: {
        alice: { principal: `alice@${realm}`, password: pw("alice.password"), ccache: `FILE:${dir}/ccache.alice` },
        juergen: { principal: `jürgen@${realm}`, password: pw("juergen.password"), ccache: `FILE:${dir}/ccache.juergen` },
      },
    };
    fs.writeFileSync(`${dir}/env.json`, JSON.stringify(env, null, 2) + "\n");
  ' "$dir" "$REALM" "$port"
}

kinit_users() {
  KRB5_CONFIG=$dir/krb5.conf KRB5CCNAME=FILE:$dir/ccache.alice kinit alice <"$dir/alice.password" >/dev/null
  KRB5_CONFIG=$dir/krb5.conf KRB5CCNAME=FILE:$dir/ccache.juergen kinit jürgen <"$dir/juergen.password" >/dev/null
}

start() {
  local port
  if kdc_running && [ -f "$dir/env.json" ]; then
    kinit_users
    echo "$dir/env.sh"
    return 0
  fi
  stop_kdc
  port=$(free_port)
  write_config "$port"
  export KRB5_CONFIG=$dir/krb5.conf KRB5_KDC_PROFILE=$dir/kdc.conf
  [ -f "$dir/principal" ] && [ -f "$dir/alice.password" ] || create_realm
  mkdir -p "$dir/rcache"
  krb5kdc -r "$REALM" -P "$pidfile"
  # krb5kdc forks; wait until it has written its pid and answers.
  for _ in $(seq 100); do
    if kdc_running && kinit_users 2>/dev/null; then
      write_env "$port"
      echo "$dir/env.sh"
      return 0
    fi
    sleep 0.1
  done
  die "the KDC did not answer on 127.0.0.1:$port; see $dir/kdc.log"
}

case "$cmd" in
  start) start ;;
  stop) stop_kdc ;;
  status) kdc_running ;;
  *) die "unknown command '$cmd' (start|stop|status)" ;;
esac
