// Starts the throwaway realm before any test worker exists, so every worker (and every curl it spawns) inherits
// the Kerberos environment before its first GSSAPI call.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

module.exports = async function startRealm() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sspi-realm-'));
  execFileSync('bash', [path.join(__dirname, '..', 'scripts', 'realm.sh'), 'start', dir], { stdio: 'pipe' });
  const envFile = path.join(dir, 'env.json');
  const realm = JSON.parse(fs.readFileSync(envFile, 'utf8'));
  Object.assign(process.env, realm.env, { SSPI_TEST_REALM_ENV: envFile });
};
