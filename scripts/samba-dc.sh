#!/usr/bin/env bash
# A throwaway Active Directory domain (Samba AD DC) on a loopback address, for the AD tests, CI and the examples.
#
#   scripts/samba-dc.sh start DIR            provision (first time) and start the DC; prints DIR/env.sh
#   scripts/samba-dc.sh stop DIR             stop it by the pid in samba's own pid file
#   scripts/samba-dc.sh status DIR           prints running or stopped (exit 0 or 3)
#   scripts/samba-dc.sh exec DIR -- CMD...   run CMD where winbind clients (gss-ntlmssp, wbinfo, ntlm_auth) reach
#                                            this DC's winbindd
#
# Domain CORP.TEST (NetBIOS CORP), DC dc1.corp.test on $SSPI_DC_IP (default 127.0.0.10; any 127.x address works
# without configuring it; "auto" takes the first of 127.0.0.10-99 with nothing on port 636). Samba listens on that address only, needs root (the LDAP ports are fixed below 1024)
# and keeps every file, log, pid and socket under DIR: nothing in /etc, /var or /run/samba is used. The first start
# seeds users, groups, a service account with SPNs and its keytab; DIR/env.json describes all of it (names,
# passwords, DNs, SIDs, files). Packages: scripts/install-deps.sh --ad.
#
# Why `exec`: libwbclient, the library every winbind client uses, always connects to /run/samba/winbindd/pipe
# (`winbindd socket directory` moves only the server's end). A DC's winbindd there would capture the NTLM checks
# of every other winbindd on the host (scripts/wine/winbind.sh runs one), so the DC's socket stays in
# DIR/run/winbindd and `exec` runs CMD in a private mount namespace in which that directory is bind-mounted over
# /run/samba/winbindd. It also unsets NTLM_USER_FILE, _NO_WINBINDD and the NETBIOS_* names, which the tests' global
# setup sets so that gss-ntlmssp checks a local file instead of winbind.
set -euo pipefail

DC_REALM=CORP.TEST
DC_DOMAIN=CORP
DC_DNS_DOMAIN=corp.test
DC_HOST=dc1
DC_SERVICE_HOST=web.corp.test
DC_BASE_DN=DC=corp,DC=test

die() { echo "samba-dc.sh: $*" >&2; exit 1; }
usage() { die "usage: samba-dc.sh start|stop|status DIR | exec DIR -- CMD..."; }
[ $# -ge 2 ] || usage
cmd=$1
if [ ! -d "$2" ]; then
  case $cmd in
    start) mkdir -p "$2" ;;
    stop) exit 0 ;;
    status) echo stopped; exit 3 ;;
    *) die "$2: no such directory" ;;
  esac
fi
dir=$(cd "$2" && pwd)
shift 2

script=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/samba-dc.sh
export PATH="$PATH:/usr/sbin:/sbin"
# ldapsearch and friends read no system ldap.conf (LDAPNOINIT would also drop the LDAPTLS_* variables used here).
export LDAPCONF=/dev/null

sam=$dir/samba              # samba-tool's --targetdir: etc/smb.conf, private/ (sam.ldb, keys), state/, cache/
run=$dir/run                # pid files, ncalrpc, the winbindd socket
pidfile=$run/samba.pid
wbdir=$run/winbindd
tls=$dir/tls
seeded=$dir/.seeded         # written last by the first start: DIR holds a complete, seeded domain

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }
timings=()

# --- processes ------------------------------------------------------------------------------------------------

# The pid in one of DIR's pid files if that process is alive and is the program named. samba renames itself
# ("samba: root process"), so the check is on /proc/PID/exe, not the command line.
daemon_pid() {
  local file=$run/$1.pid pid exe
  [ -f "$file" ] || return 1
  pid=$(tr -dc 0-9 <"$file")
  [ -n "$pid" ] || return 1
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
  [ "${exe##*/}" = "$1" ] || return 1
  echo "$pid"
}

samba_pid() { daemon_pid samba; }

stop_dc() {
  local pid t0 d p others=() gone
  pid=$(samba_pid) || { rm -f "$pidfile"; return 0; }
  t0=$(now)
  # The children samba started (smbd, winbindd: each writes its own pid file in DIR) are waited for as well, so
  # that a start right after a stop never finds port 445 or the winbindd socket still taken.
  for d in smbd winbindd; do p=$(daemon_pid "$d") && others+=("$p"); done
  # samba shuts down smbd and winbindd itself on SIGTERM.
  kill -TERM "$pid" 2>/dev/null || true
  all_gone() { for p in "$pid" "${others[@]}"; do [ ! -e "/proc/$p" ] || return 1; done; }
  for _ in $(seq 100); do all_gone && break; sleep 0.1; done
  # Still there after 10 s: SIGKILL samba's process group (it started under setsid) and the groups smbd and
  # winbindd lead (they make their own).
  if ! all_gone; then
    for p in "${others[@]}"; do kill -KILL -- "-$p" 2>/dev/null || true; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    for _ in $(seq 50); do all_gone && break; sleep 0.1; done
  fi
  all_gone || die "samba (pid $pid) or its children ${others[*]} are still running"
  rm -f "$pidfile"
  echo "samba-dc: stopped in $(since "$t0")" >&2
}

# Runs "$@" with DIR's winbindd socket at /run/samba/winbindd, visible to this command and its children only.
in_dc_ns() {
  [ -S "$wbdir/pipe" ] || die "no winbindd socket in $wbdir: is the DC running? (samba-dc.sh start $dir)"
  # The mount point has to exist on the host; an empty directory, which the winbind package would create anyway.
  [ -d /run/samba/winbindd ] || mkdir -p -m 0755 /run/samba/winbindd
  # unshare makes the new namespace's mounts private, so the bind mount never shows outside it.
  unshare --mount --propagation private -- /bin/sh -c '
    mount --bind "$1" /run/samba/winbindd || exit 126
    shift
    unset NTLM_USER_FILE _NO_WINBINDD NETBIOS_DOMAIN_NAME NETBIOS_COMPUTER_NAME NETBIOS_DNS_DOMAIN NETBIOS_DNS_NAME
    exec "$@"' sh "$wbdir" "$@"
}

# --- configuration files ----------------------------------------------------------------------------------------

write_smb_conf() {
  local ip=$1
  # samba-tool wrote its own smb.conf; ours keeps its paths and moves everything else under DIR.
  cat >"$sam/etc/smb.conf" <<EOF
# Written by scripts/samba-dc.sh: a throwaway DC, every file under $dir, listening on $ip only.
[global]
  workgroup = $DC_DOMAIN
  realm = $DC_REALM
  netbios name = ${DC_HOST^^}
  server role = active directory domain controller
  # A /8 is what makes samba accept an address no interface carries ("user knows best"); a bare IP is dropped.
  interfaces = $ip/8
  bind interfaces only = yes
  # No NetBIOS name service (it would bind 127.255.255.255:137), no WINS replication, no NTP signing socket.
  server services = -nbt -wrepl -ntp_signd
  disable netbios = yes
  smb ports = 445
  # No "dns forwarder": the internal DNS answers for corp.test and sends nothing off the machine.
  private dir = $sam/private
  binddns dir = $sam/bind-dns
  state directory = $sam/state
  cache directory = $sam/cache
  lock directory = $sam
  pid directory = $run
  ncalrpc dir = $run/ncalrpc
  winbindd socket directory = $wbdir
  ntp signd socket directory = $run/ntp_signd
  log file = $dir/log/samba.log
  logging = file
  max log size = 10000
  # LDAPS and StartTLS with our own CA; a simple bind without TLS is refused, as on Windows. A Kerberos SASL bind
  # over TLS needs no signing or sealing of its own, which is what Windows DCs accept (and require: they refuse
  # sign/seal over TLS); Samba's "yes" would demand a security layer even there.
  tls enabled = yes
  tls keyfile = $tls/dc.key
  tls certfile = $tls/dc.pem
  tls cafile = $tls/ca.pem
  ldap server require strong auth = allow_sasl_over_tls
  load printers = no
  printcap name = /dev/null
  disable spoolss = yes

[sysvol]
  path = $sam/state/sysvol
  read only = no

[netlogon]
  path = $sam/state/sysvol/$DC_DNS_DOMAIN/scripts
  read only = no
EOF
}

make_tls() {
  local ip=$1
  mkdir -p "$tls"
  (
    cd "$tls"
    umask 077
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -keyout ca.key -out ca.pem \
      -subj "/O=passport-sspi tests/CN=$DC_REALM test CA" \
      -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -sha256 -keyout dc.key -out dc.csr -subj "/CN=$DC_HOST.$DC_DNS_DOMAIN" 2>/dev/null
    printf '%s\n' \
      "basicConstraints = CA:FALSE" \
      "keyUsage = critical, digitalSignature, keyEncipherment" \
      "extendedKeyUsage = serverAuth" \
      "subjectAltName = DNS:$DC_HOST.$DC_DNS_DOMAIN, DNS:$DC_DNS_DOMAIN, IP:$ip, IP:127.0.0.1, DNS:localhost" >dc.ext
    openssl x509 -req -in dc.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 -sha256 -extfile dc.ext \
      -out dc.pem 2>/dev/null
    rm -f dc.csr dc.ext ca.srl
    chmod 644 ca.pem dc.pem   # samba insists on 0600 for the key, the certificates are public
  )
}

realm_stanza() {
  local ip=$1
  cat <<EOF
[realms]
  $DC_REALM = {
    kdc = $ip
    admin_server = $ip
    kpasswd_server = $ip
    default_domain = $DC_DNS_DOMAIN
  }

[domain_realm]
  .$DC_DNS_DOMAIN = $DC_REALM
  $DC_DNS_DOMAIN = $DC_REALM
EOF
}

write_krb5_conf() {
  local ip=$1
  {
    cat <<EOF
# Written by scripts/samba-dc.sh: the realm of the throwaway DC in $dir.
[libdefaults]
  default_realm = $DC_REALM
  dns_lookup_kdc = false
  dns_lookup_realm = false
  dns_canonicalize_hostname = false
  rdns = false
  # Tickets with a PAC rarely fit a UDP datagram.
  udp_preference_limit = 1
  forwardable = true

EOF
    realm_stanza "$ip"
  } >"$dir/krb5.conf"
  {
    echo "# Written by scripts/samba-dc.sh: $DC_REALM only, to append to another file in KRB5_CONFIG (a.conf:this.conf)."
    realm_stanza "$ip"
  } >"$dir/krb5-realm.conf"
}

# --- LDAP -----------------------------------------------------------------------------------------------------

ldap_as_admin() {
  local tool=$1
  shift
  LDAPTLS_CACERT=$tls/ca.pem LDAPTLS_REQCERT=demand \
    "$tool" -H "ldaps://$ip" -x -D "Administrator@$DC_DNS_DOMAIN" -w "$(cat "$dir/admin.password")" -o ldif-wrap=no "$@"
}

ldaps_ready() {
  LDAPTLS_CACERT=$tls/ca.pem LDAPTLS_REQCERT=demand \
    ldapsearch -H "ldaps://$ip" -x -b '' -s base -o nettimeout=1 -LLL dnsHostName >/dev/null 2>&1
}

# One LDIF attribute line; anything that is not plain printable ASCII is base64 ("attr:: ...").
attr() {
  if LC_ALL=C awk -v v="$2" 'BEGIN { exit !(v ~ /^[ -~]*$/ && v !~ /^[ :<]/ && v !~ / $/) }'; then
    printf '%s: %s\n' "$1" "$2"
  else
    printf '%s:: %s\n' "$1" "$(printf '%s' "$2" | base64 -w0)"
  fi
}

unicode_pwd() { printf 'unicodePwd:: %s\n' "$(printf '"%s"' "$1" | iconv -f UTF-8 -t UTF-16LE | base64 -w0)"; }

# A 16x16 PNG for thumbnailPhoto.
PHOTO='iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAIklEQVR42mP4jwTk8/fDES5xhkGogRhFyOKDUcNoPAwKDQCMSCUfYQhiAwAAAABJRU5ErkJggg=='

# Flags: NORMAL_ACCOUNT (0x200) + DONT_EXPIRE_PASSWORD (0x10000), and ACCOUNTDISABLE (0x2) for carol.
UAC_USER=66048
UAC_DISABLED=66050
# groupType: security group, global scope / domain-local scope.
GLOBAL_GROUP=-2147483646
LOCAL_GROUP=-2147483644

user_dn() { echo "CN=$1,CN=Users,$DC_BASE_DN"; }

# user SAMACCOUNTNAME CN PASSWORD UAC [ATTR VALUE]...
ldif_user() {
  local sam=$1 cn=$2 pw=$3 uac=$4
  shift 4
  attr dn "$(user_dn "$cn")"
  echo "changetype: add"
  echo "objectClass: user"
  attr sAMAccountName "$sam"
  attr userPrincipalName "$sam@$DC_DNS_DOMAIN"
  echo "userAccountControl: $uac"
  unicode_pwd "$pw"
  while [ $# -ge 2 ]; do
    if [ "$1" = thumbnailPhoto ]; then echo "thumbnailPhoto:: $2"; else attr "$1" "$2"; fi
    shift 2
  done
  echo
}

# group SAMACCOUNTNAME CN GROUPTYPE [MEMBER_DN]...
ldif_group() {
  local sam=$1 cn=$2 type=$3
  shift 3
  attr dn "$(user_dn "$cn")"
  echo "changetype: add"
  echo "objectClass: group"
  attr sAMAccountName "$sam"
  echo "groupType: $type"
  for m in "$@"; do attr member "$m"; done
  echo
}

random_password() {
  local s
  s=$(head -c 48 /dev/urandom | base64 -w0)
  s=${s//[+\/=]/}
  # Upper, lower, digit and a symbol whatever the random part holds: AD's complexity rule wants three kinds.
  printf 'Pw-%s-7q\n' "${s:0:14}"
}

seed() {
  local t0 alice_dn bob_dn juergen_dn carol_dn
  t0=$(now)
  for u in alice bob juergen carol svc-ldap svc-http; do random_password >"$dir/$u.password"; done
  chmod 600 "$dir"/*.password
  pw() { cat "$dir/$1.password"; }
  alice_dn=$(user_dn "Alice Archer")
  bob_dn=$(user_dn "Bob Baker")
  juergen_dn=$(user_dn "Jürgen Groß")
  carol_dn=$(user_dn "Carol Cole")
  {
    ldif_user svc-ldap svc-ldap "$(pw svc-ldap)" $UAC_USER description "LDAP bind account of the tests"
    # The web service account: its SPNs and keys are the keytab; AES only, or the KDC issues RC4 tickets and
    # exportkeytab writes only an RC4 key (msDS-SupportedEncryptionTypes 24 = AES128 | AES256).
    # Constrained delegation (S4U2Proxy) to its own full-name SPN only: the tests prove a delegated call reaches
    # that one and that the KDC refuses the short-name SPN of the same account.
    ldif_user svc-http svc-http "$(pw svc-http)" $UAC_USER description "HTTP service account of the tests" \
      servicePrincipalName "HTTP/$DC_SERVICE_HOST" servicePrincipalName "HTTP/${DC_SERVICE_HOST%%.*}" \
      msDS-SupportedEncryptionTypes 24 msDS-AllowedToDelegateTo "HTTP/$DC_SERVICE_HOST"
    ldif_user bob "Bob Baker" "$(pw bob)" $UAC_USER givenName Bob sn Baker displayName "Bob Baker" \
      mail "bob@$DC_DNS_DOMAIN" title "Engineering Manager" department Engineering company "Corp Test Ltd"
    ldif_user alice "Alice Archer" "$(pw alice)" $UAC_USER givenName Alice sn Archer displayName "Alice Archer" \
      mail "alice@$DC_DNS_DOMAIN" title "Software Engineer" department Engineering company "Corp Test Ltd" \
      telephoneNumber "+1 555 0100" physicalDeliveryOfficeName "Building 1, Room 101" \
      thumbnailPhoto "$PHOTO" manager "$bob_dn"
    ldif_user jürgen "Jürgen Groß" "$(pw juergen)" $UAC_USER givenName Jürgen sn Groß displayName "Jürgen Groß" \
      mail "juergen@$DC_DNS_DOMAIN" department Engineering company "Corp Test Ltd"
    ldif_user carol "Carol Cole" "$(pw carol)" $UAC_DISABLED givenName Carol sn Cole displayName "Carol Cole" \
      mail "carol@$DC_DNS_DOMAIN" department Sales company "Corp Test Ltd"
    ldif_group Engineering Engineering $GLOBAL_GROUP "$alice_dn" "$bob_dn" "$juergen_dn"
    ldif_group AllStaff AllStaff $GLOBAL_GROUP "$(user_dn Engineering)"
    ldif_group "Web Admins" "Web Admins" $GLOBAL_GROUP "$alice_dn"
    ldif_group "App Users" "App Users" $LOCAL_GROUP "$(user_dn AllStaff)"
    # LDAP filter metacharacters in the name: & ( ) * (a sAMAccountName may not hold '*' in AD, a cn may).
    ldif_group "R&D (Lab)" "R&D (Lab*)" $GLOBAL_GROUP "$bob_dn"
  } >"$dir/seed.ldif"
  ldap_as_admin ldapmodify -f "$dir/seed.ldif" >"$dir/log/seed.log" 2>&1 ||
    { cat "$dir/log/seed.log" >&2; die "seeding the directory failed"; }
  timings+=("seed $(since "$t0")")

  # The keytab: both SPNs and the account's own name (the service binds to LDAP with it by Kerberos).
  t0=$(now)
  rm -f "$dir/http.keytab"
  for p in "HTTP/$DC_SERVICE_HOST" "HTTP/${DC_SERVICE_HOST%%.*}" svc-http; do
    samba-tool domain exportkeytab "$dir/http.keytab" --principal="$p" -s "$sam/etc/smb.conf" \
      >>"$dir/log/keytab.log" 2>&1 || { cat "$dir/log/keytab.log" >&2; die "exportkeytab $p failed"; }
  done
  # Exporting the account's own name adds its RC4 key (the NT hash) too; keep AES only, like the SPNs.
  local slots
  slots=$(klist -ke "$dir/http.keytab" | awk 'NR > 3 && /arcfour/ { print NR - 3 }' | sort -rn)
  if [ -n "$slots" ]; then
    { echo "rkt $dir/http.keytab"; for s in $slots; do echo "delent $s"; done; echo "wkt $dir/http.keytab.new"; } |
      ktutil >/dev/null
    mv "$dir/http.keytab.new" "$dir/http.keytab"
  fi
  chmod 600 "$dir/http.keytab"
  local want entries
  entries=$(klist -ke "$dir/http.keytab")
  for want in "HTTP/$DC_SERVICE_HOST@$DC_REALM" "HTTP/${DC_SERVICE_HOST%%.*}@$DC_REALM" "svc-http@$DC_REALM"; do
    for enc in aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96; do
      grep -qF "$want ($enc)" <<<"$entries" || { echo "$entries" >&2; die "http.keytab lacks $want ($enc)"; }
    done
  done
  ! grep -q arcfour <<<"$entries" || die "http.keytab still holds an RC4 key"
  KRB5_CONFIG=$dir/krb5.conf KRB5CCNAME=MEMORY:keytab-check kinit -k -t "$dir/http.keytab" "svc-http@$DC_REALM" ||
    die "kinit -k -t $dir/http.keytab svc-http@$DC_REALM failed"
  timings+=("keytab $(since "$t0")")
}

# --- env.json ---------------------------------------------------------------------------------------------------

write_env() {
  local ip=$1 dump=$dir/log/directory.ldif
  ldap_as_admin ldapsearch -LLL -b "$DC_BASE_DN" \
    '(|(objectClass=user)(objectClass=group)(objectClass=domain))' \
    sAMAccountName objectSid userPrincipalName distinguishedName >"$dump" 2>"$dir/log/ldapsearch.log" ||
    { cat "$dir/log/ldapsearch.log" >&2; die "reading the seeded directory failed"; }
  node - "$dir" "$ip" "$dump" "$DC_REALM" "$DC_DOMAIN" "$DC_DNS_DOMAIN" "$DC_HOST" "$DC_BASE_DN" "$DC_SERVICE_HOST" "$script" <<'EOF'
const fs = require('node:fs');
const [dir, ip, dump, realm, domain, dnsDomain, host, baseDn, serviceHost, script] = process.argv.slice(2);

// The LDIF from ldapsearch (unwrapped): "attr: value" or "attr:: base64", entries separated by blank lines.
const entries = fs.readFileSync(dump, 'utf8').split(/\n\n+/).filter((s) => s.trim()).map((block) => {
  const e = {};
  for (const line of block.split('\n')) {
    const m = /^([^:]+)(::?) ?(.*)$/.exec(line);
    if (!m) continue;
    const raw = m[2] === '::' ? Buffer.from(m[3], 'base64') : Buffer.from(m[3], 'utf8');
    e[m[1].toLowerCase()] = m[1] === 'objectSid' ? sidString(raw) : raw.toString('utf8');
  }
  return e;
});
function sidString(b) {
  const auth = b.readUIntBE(2, 6);
  const subs = [];
  for (let i = 0; i < b[1]; i++) subs.push(b.readUInt32LE(8 + 4 * i));
  return `S-${b[0]}-${auth}-${subs.join('-')}`;
}
const byName = (n) => {
  const e = entries.find((x) => x.samaccountname === n);
  if (!e) throw new Error(`${n} not found in ${dump}`);
  return e;
};
const domainEntry = entries.find((x) => x.dn.toLowerCase() === baseDn.toLowerCase());
const pw = (f) => fs.readFileSync(`${dir}/${f}.password`, 'utf8').trim();

const account = (key, sam, extra = {}) => {
  const e = byName(sam);
  return {
    sAMAccountName: sam, password: pw(key), dn: e.dn, sid: e.objectsid, upn: e.userprincipalname || `${sam}@${dnsDomain}`,
    principal: `${sam}@${realm}`, ntlmName: `${domain}\\${sam}`, ...extra,
  };
};
const users = {
  administrator: account('admin', 'Administrator'),
  alice: account('alice', 'alice', { displayName: 'Alice Archer', ccache: `FILE:${dir}/ccache-alice` }),
  bob: account('bob', 'bob', { displayName: 'Bob Baker', ccache: `FILE:${dir}/ccache-bob` }),
  juergen: account('juergen', 'jürgen', { displayName: 'Jürgen Groß', ccache: `FILE:${dir}/ccache-juergen` }),
  carol: account('carol', 'carol', { displayName: 'Carol Cole', disabled: true }),
  'svc-ldap': account('svc-ldap', 'svc-ldap'),
  'svc-http': account('svc-http', 'svc-http'),
};
const group = (sam, name = sam, scope = 'global') => {
  const e = byName(sam);
  return { name, sAMAccountName: sam, dn: e.dn, sid: e.objectsid, scope };
};
const groups = {
  Engineering: group('Engineering'),
  AllStaff: group('AllStaff'),
  'Web Admins': group('Web Admins'),
  'App Users': group('App Users', 'App Users', 'domainLocal'),
  'R&D (Lab*)': group('R&D (Lab)', 'R&D (Lab*)'),
  'Domain Users': group('Domain Users'),
};
const env = {
  dir, realm, domain, dnsDomain, dcAddress: ip, dcHost: `${host}.${dnsDomain}`, baseDn,
  ldapsUrl: `ldaps://${ip}`, ldapUrl: `ldap://${ip}`, gcUrl: `ldaps://${ip}:3269`,
  caFile: `${dir}/tls/ca.pem`,
  krb5Config: `${dir}/krb5.conf`, krb5RealmConfig: `${dir}/krb5-realm.conf`,
  keytab: `${dir}/http.keytab`, spn: `HTTP/${serviceHost}`, serviceHost,
  servicePrincipal: `HTTP/${serviceHost}@${realm}`,
  serviceAccount: { name: 'svc-http', principal: `svc-http@${realm}`, dn: users['svc-http'].dn, sid: users['svc-http'].sid },
  // What svc-http may delegate to by S4U2Proxy (msDS-AllowedToDelegateTo), and an SPN of its own it may not.
  constrainedDelegation: { allowed: `HTTP/${serviceHost}`, refused: `HTTP/${serviceHost.split('.')[0]}` },
  bind: { dn: users['svc-ldap'].dn, upn: users['svc-ldap'].upn, password: users['svc-ldap'].password },
  winbindSocketDir: `${dir}/run/winbindd`, pidFile: `${dir}/run/samba.pid`,
  exec: ['bash', script, 'exec', dir, '--'],
  env: {
    KRB5_CONFIG: `${dir}/krb5.conf`, KRB5_KTNAME: `FILE:${dir}/http.keytab`, KRB5RCACHEDIR: `${dir}/rcache`,
    LDAPTLS_CACERT: `${dir}/tls/ca.pem`,
  },
  domainSid: domainEntry.objectsid,
  users, groups,
};
fs.writeFileSync(`${dir}/env.json`, JSON.stringify(env, null, 2) + '\n', { mode: 0o600 });
EOF
  cat >"$dir/env.sh" <<EOF
# Source this file to use the throwaway domain $DC_REALM (DC $DC_HOST.$DC_DNS_DOMAIN on $ip); $dir/env.json has the rest.
export SSPI_DC_DIR=$dir
export SSPI_DC_ENV=$dir/env.json
export KRB5_CONFIG=$dir/krb5.conf
export KRB5_KTNAME=FILE:$dir/http.keytab
export KRB5RCACHEDIR=$dir/rcache
export KRB5CCNAME=FILE:$dir/ccache-alice
export LDAPTLS_CACERT=$dir/tls/ca.pem
EOF
}

kinit_users() {
  local u name
  for u in alice bob juergen; do
    name=$u
    [ "$u" = juergen ] && name=jürgen
    # A ticket still valid is kept (klist -s); otherwise a fresh one.
    KRB5_CONFIG=$dir/krb5.conf KRB5CCNAME=FILE:$dir/ccache-$u klist -s 2>/dev/null && continue
    KRB5_CONFIG=$dir/krb5.conf KRB5CCNAME=FILE:$dir/ccache-$u kinit "$name@$DC_REALM" <"$dir/$u.password" >/dev/null ||
      die "kinit $name@$DC_REALM failed"
  done
}

# --- start ----------------------------------------------------------------------------------------------------

start() {
  local t_all t0 pid fresh=
  t_all=$(now)
  if samba_pid >/dev/null && [ -f "$seeded" ] && [ -f "$dir/env.json" ]; then
    ip=$(cat "$dir/ip")
    kinit_users
    echo "$dir/env.sh"
    return 0
  fi
  for tool in samba samba-tool winbindd wbinfo ldapsearch ldapmodify openssl kinit klist node unshare; do
    command -v "$tool" >/dev/null || die "$tool not found: run scripts/install-deps.sh --ad"
  done
  [ "$(id -u)" -eq 0 ] || die "needs root: the DC binds the LDAP and Kerberos ports (389, 636, 88)"
  stop_dc   # a samba of this DIR that lost its env, or a leftover pid file

  if [ -f "$seeded" ]; then
    ip=$(cat "$dir/ip")
    if [ -n "${SSPI_DC_IP:-}" ] && [ "$SSPI_DC_IP" != "$ip" ]; then
      die "$dir was provisioned on $ip, not SSPI_DC_IP=$SSPI_DC_IP: remove it to start over"
    fi
  else
    # Nothing, or a first start that did not finish: provision from scratch.
    fresh=1
    ip=${SSPI_DC_IP:-127.0.0.10}
    if [ "$ip" = auto ]; then
      # The first of 127.0.0.10-127.0.0.99 on which nothing listens on 636 (a DC already runs on the default).
      for i in $(seq 10 99); do
        (exec 3<>"/dev/tcp/127.0.0.$i/636") 2>/dev/null || { ip=127.0.0.$i; break; }
      done
    fi
    [[ $ip =~ ^127\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "SSPI_DC_IP must be a 127.x.y.z address, not '$ip'"
  fi
  # Another DC (or anything) on this address would make samba fail later and less clearly.
  if (exec 3<>"/dev/tcp/$ip/636") 2>/dev/null; then
    die "something already listens on $ip:636 (another DC?): set SSPI_DC_IP to another 127.x address"
  fi
  if [ -n "$fresh" ]; then
    if [ -n "$(ls -A "$dir")" ] && [ ! -f "$dir/ip" ]; then
      die "$dir is neither empty nor a samba-dc.sh directory: not touching it"
    fi
    find "$dir" -mindepth 1 -maxdepth 1 -exec rm -rf {} +
    mkdir -p "$dir/log"
    echo "$ip" >"$dir/ip"
    random_password >"$dir/admin.password"
    chmod 600 "$dir/admin.password"
    t0=$(now)
    # -s /dev/null: the host's /etc/samba/smb.conf must not leak into the new domain's configuration.
    samba-tool domain provision -s /dev/null --targetdir="$sam" --realm=$DC_REALM --domain=$DC_DOMAIN --server-role=dc \
      --dns-backend=SAMBA_INTERNAL --host-name=$DC_HOST --host-ip="$ip" --adminpass="$(cat "$dir/admin.password")" \
      --option="interfaces=$ip/8" --option="bind interfaces only=yes" >"$dir/log/provision.log" 2>&1 ||
      { tail -20 "$dir/log/provision.log" >&2; die "provisioning failed (log: $dir/log/provision.log)"; }
    timings+=("provision $(since "$t0")")
    make_tls "$ip"
    write_smb_conf "$ip"
    write_krb5_conf "$ip"
  fi
  mkdir -p "$dir/log" "$run" "$dir/rcache"
  mkdir -p -m 0755 "$wbdir"
  chmod 0755 "$wbdir"   # winbindd refuses a socket directory others can write to

  t0=$(now)
  # setsid: samba leads its own process group, out of reach of the caller's Ctrl-C and killable as a group.
  # All three streams go to a file, so a caller that waits for our output's EOF (execFileSync) does not wait on it.
  setsid samba -s "$sam/etc/smb.conf" --foreground -M single </dev/null >"$dir/log/samba.out" 2>&1 &
  local launcher=$!
  for _ in $(seq 300); do
    ldaps_ready && break
    kill -0 "$launcher" 2>/dev/null || { tail -20 "$dir/log/samba.out" >&2; die "samba exited (logs: $dir/log)"; }
    sleep 0.1
  done
  ldaps_ready || { stop_dc; die "LDAPS on $ip:636 did not answer in 30 s (logs: $dir/log)"; }
  timings+=("ldaps ready $(since "$t0")")
  pid=$(samba_pid) || die "samba answers but $pidfile names no samba process"
  for _ in $(seq 300); do
    [ -S "$wbdir/pipe" ] && in_dc_ns wbinfo -p >/dev/null 2>&1 && break
    sleep 0.1
  done
  in_dc_ns wbinfo -p >/dev/null 2>&1 || { stop_dc; die "winbindd did not answer in 30 s (logs: $dir/log)"; }
  timings+=("winbindd ready $(since "$t0")")

  if [ -n "$fresh" ]; then
    seed
    touch "$seeded"
  fi
  kinit_users
  write_env "$ip"
  timings+=("total $(since "$t_all")")
  local IFS=,
  echo "samba-dc: $DC_REALM on $ip (pid $pid): ${timings[*]}" | sed 's/,/, /g' >&2
  echo "$dir/env.sh"
}

case $cmd in
  start) [ $# -eq 0 ] || usage; start ;;
  stop) [ $# -eq 0 ] || usage; stop_dc ;;
  status)
    if samba_pid >/dev/null; then echo running; else echo stopped; exit 3; fi ;;
  exec)
    [ "${1:-}" = -- ] && shift
    [ $# -ge 1 ] || usage
    samba_pid >/dev/null || die "the DC of $dir is not running (samba-dc.sh start $dir)"
    in_dc_ns "$@" ;;
  *) usage ;;
esac
