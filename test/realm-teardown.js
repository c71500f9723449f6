const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

module.exports = async function stopRealm() {
  const envFile = process.env.SSPI_TEST_REALM_ENV;
  if (!envFile) return;
  const dir = path.dirname(envFile);
  execFileSync('bash', [path.join(__dirname, '..', 'scripts', 'realm.sh'), 'stop', dir], { stdio: 'inherit' });
  fs.rmSync(dir, { recursive: true, force: true });
};
