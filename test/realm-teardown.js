// Stops only what realm-setup.js started (the KDC by its pid, through realm.sh); later calls find nothing to do.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

module.exports = async function stopRealm() {
  const dir = process.env.SSPI_TEST_OWN_REALM;
  if (dir) {
    delete process.env.SSPI_TEST_OWN_REALM;
    execFileSync('bash', [path.join(__dirname, '..', 'scripts', 'realm.sh'), 'stop', dir], { stdio: 'inherit' });
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const ntlm = process.env.SSPI_TEST_OWN_NTLM;
  if (ntlm) {
    delete process.env.SSPI_TEST_OWN_NTLM;
    fs.rmSync(ntlm, { recursive: true, force: true });
  }
};
