// Jest global setup shared by every package: starts one throwaway Kerberos realm (scripts/realm.sh) for the
// whole run and pins gss-ntlmssp's environment. It runs in jest's main process before any worker exists: the
// GSSAPI library reads KRB5_* and NTLM_* with getenv, so they must be real environment variables that the
// workers inherit; a test file only gets a copy of process.env that the library never sees.
// Every project lists this file; the first call does the work and later ones find SSPI_TEST_REALM_ENV set.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const realmScript = path.join(__dirname, '..', 'scripts', 'realm.sh');

module.exports = async function startRealm() {
  // If jest dies before its global teardown (a crash, a config error), still stop the KDC by its pid. The
  // teardown's work is synchronous and finds nothing left to do when it already ran.
  process.once('exit', () => void require('./realm-teardown.js')());
  configureNtlm();
  if (process.env.SSPI_TEST_REALM_ENV) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sspi-realm-'));
  execFileSync('bash', [realmScript, 'start', dir], { stdio: 'pipe' });
  const envFile = path.join(dir, 'env.json');
  const realm = JSON.parse(fs.readFileSync(envFile, 'utf8'));
  Object.assign(process.env, realm.env, { SSPI_TEST_REALM_ENV: envFile, SSPI_TEST_OWN_REALM: dir });
};

// gss-ntlmssp reads its user file and NetBIOS names from the environment on every handshake, and asks any
// reachable winbindd otherwise. Pin all of it so NTLM tests are hermetic.
function configureNtlm() {
  if (process.env.NTLM_USER_FILE) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sspi-ntlm-'));
  const file = path.join(dir, 'ntlm-users');
  // Heimdal format DOMAIN:user:password; the password only exists in this throwaway file.
  fs.writeFileSync(file, 'SSPI:ntlmuser:Ntlm-Passw0rd\n', { mode: 0o600 });
  Object.assign(process.env, {
    NTLM_USER_FILE: file,
    NETBIOS_DOMAIN_NAME: 'SSPI',
    NETBIOS_COMPUTER_NAME: 'TESTHOST',
    _NO_WINBINDD: '1',
    SSPI_TEST_OWN_NTLM: dir,
  });
}
