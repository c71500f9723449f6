#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the build, the demo and the tests need, only those that are missing.
# Safe to run again; needs root (or sudo) only when something is missing.
#   scripts/install-deps.sh [--browser] [--windows] [--ad] [--scale-out] [--apache]
#     --browser   adds Firefox ESR and Chromium, the real browsers of the SSO tests (test/browsers)
#     --windows   adds Wine and mingw-w64: the win32-x64 addon is cross-built and tested under Windows node.exe
#     --ad        adds Samba's AD DC (scripts/samba-dc.sh: a throwaway CORP.TEST domain on a loopback address)
#     --scale-out adds HAProxy and Redis: several instances behind a proxy, sessions shared (test/scale-out)
#     --apache    adds Apache httpd with mod_auth_gssapi: a server nobody here wrote, for the client and double-hop
#                 tests (scripts/apache/interop-server.js, test/interop)
set -euo pipefail

packages=(
  krb5-kdc krb5-admin-server krb5-user   # the throwaway realm: KDC, kadmin.local, kinit/klist
  libkrb5-dev                            # GSSAPI headers for compiling sspi-native from source
  gss-ntlmssp                            # NTLM as a GSSAPI mechanism
  curl                                   # a real Negotiate client for the demo and the tests
  strace                                 # the tests count which files a sign-in opens (krb5.conf once)
  python3 make g++                       # node-gyp
)
for arg in "$@"; do
  case $arg in
    --browser) packages+=(firefox-esr chromium) ;;
    --windows)
      packages+=(
        wine wine64 libwine                    # 64-bit Wine 8 runs Windows node.exe (no wine32 needed)
        g++-mingw-w64-x86-64-posix mingw-w64-x86-64-dev binutils-mingw-w64-x86-64   # cross-builds the addon
        winbind                                # /usr/bin/ntlm_auth (and winbindd): Wine's NTLM forks it
        libnss-wrapper                         # lets ntlm_auth reach a private winbindd socket (scripts/wine)
      ) ;;
    --ad)
      packages+=(
        samba samba-ad-dc samba-dsdb-modules samba-vfs-modules   # the DC: samba, its smbd, the AD database modules
        samba-ad-provision                     # schema files for `samba-tool domain provision`: only a Recommends
        winbind                                # the DC's winbindd validates NTLM for gss-ntlmssp
        krb5-user ldap-utils openssl           # kinit/klist, ldapmodify for seeding, the DC's own TLS CA
      ) ;;
    --scale-out) packages+=(haproxy redis-server) ;;   # scripts/haproxy.sh, scripts/redis.sh (redis-cli comes along)
    --apache) packages+=(apache2 libapache2-mod-auth-gssapi openssl) ;;   # scripts/apache/ (openssl: its test certificate)
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing Debian packages: ${missing[*]}"
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
command -v apt-get >/dev/null || { echo "apt-get not found: install ${missing[*]} with your package manager" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
# Package scripts must not start daemons: on a host with an init system, samba's and winbind's postinst would start
# smbd/nmbd/winbindd on every address (0.0.0.0:445) and take /run/samba/winbindd, the path every winbind client uses;
# redis-server's would leave a system Redis on 127.0.0.1:6379 (the tests start their own, on a free port).
# A temporary policy-rc.d (exit 101: "action forbidden") stops invoke-rc.d from starting them; one the host already
# has is left alone.
policy=/usr/sbin/policy-rc.d
own_policy=
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\n# Temporary, from scripts/install-deps.sh: no service starts while packages install.\nexit 101\n' |
    "${sudo[@]}" tee "$policy" >/dev/null
  "${sudo[@]}" chmod 755 "$policy"
  own_policy=1
  trap '"${sudo[@]}" rm -f "$policy"' EXIT
fi
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
if [ -n "$own_policy" ]; then "${sudo[@]}" rm -f "$policy"; trap - EXIT; fi
