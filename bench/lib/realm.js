// The throwaway MIT realm every benchmark runs against (scripts/realm.sh), and gss-ntlmssp's local NTLM user.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const realmScript = path.join(root, 'scripts', 'realm.sh');

// gss-ntlmssp's local user database and NetBIOS names; _NO_WINBINDD keeps a stray winbindd out.
const NTLM_DOMAIN = 'SSPI';
const NTLM_USER = `${NTLM_DOMAIN}\\ntlmuser`;
const NTLM_PASSWORD = 'Bench-Passw0rd';

/** Starts a realm in DIR; `stop()` stops its KDC by pid. */
function startRealm(dir) {
  execFileSync('bash', [realmScript, 'start', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
  const envFile = path.join(dir, 'env.json');
  const realm = JSON.parse(fs.readFileSync(envFile, 'utf8'));
  return {
    ...realm,
    envFile,
    stop: () => execFileSync('bash', [realmScript, 'stop', dir], { stdio: 'inherit' }),
  };
}

/** The environment gss-ntlmssp needs, on either side, for the bench's NTLM user (file written into `dir`). */
function ntlmEnvironment(dir) {
  const userFile = path.join(dir, 'ntlm-users');
  fs.writeFileSync(userFile, `${NTLM_USER.replace('\\', ':')}:${NTLM_PASSWORD}\n`, { mode: 0o600 });
  return {
    NTLM_USER_FILE: userFile,
    NETBIOS_DOMAIN_NAME: NTLM_DOMAIN,
    NETBIOS_COMPUTER_NAME: 'BENCHHOST',
    _NO_WINBINDD: '1',
  };
}

module.exports = { startRealm, ntlmEnvironment, NTLM_USER, NTLM_PASSWORD };
