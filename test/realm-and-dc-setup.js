// Jest global setup for projects that use the Samba AD DC as well as the MIT realm. It does everything
// realm-setup.js does, then starts ONE DC for the whole jest run (scripts/samba-dc.sh, in a temp dir) and puts
// the path of its env.json in SSPI_TEST_DC_ENV, which the workers inherit.
// - If SSPI_TEST_DC_ENV is already set (a DC you started yourself, or a second project of the same run), no DC
//   is started.
// - If this machine cannot run a DC (not Linux, not root, Samba missing), nothing is started. The reason goes to
//   SSPI_TEST_DC_UNAVAILABLE and is printed once, and the AD integration tests skip with it.
// - KRB5_CONFIG becomes "<realm's krb5.conf>:<DC's krb5-realm.conf>", so the GSSAPI library in the workers
//   reaches both SSPI.TEST and CORP.TEST.
// The DC is stopped by its pid in realm-and-dc-teardown.js, or on process exit if jest never gets there.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const startRealm = require('./realm-setup.js');
const { startSambaDc, readSambaDcEnv, sambaDcUnavailable } = require('./samba-dc.js');

module.exports = async function startRealmAndDc(globalConfig, projectConfig) {
  await startRealm(globalConfig, projectConfig);
  process.once('exit', () => void require('./realm-and-dc-teardown.js')());
  let dc;
  if (process.env.SSPI_TEST_DC_ENV) {
    dc = readSambaDcEnv(process.env.SSPI_TEST_DC_ENV);
  } else if (process.env.SSPI_TEST_DC_UNAVAILABLE) {
    return; // a previous project of this run already found out, and said so
  } else {
    const reason = sambaDcUnavailable();
    if (reason) {
      // CI sets SSPI_TEST_REQUIRE_DC: there a missing DC is a broken install, not a reason to skip.
      if (process.env.SSPI_TEST_REQUIRE_DC) throw new Error(`SSPI_TEST_REQUIRE_DC is set but no Samba AD DC can run: ${reason}`);
      process.env.SSPI_TEST_DC_UNAVAILABLE = reason;
      process.stderr.write(`\nSamba AD DC tests skipped: ${reason}\n`);
      return;
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sspi-dc-'));
    // Own the directory before starting, so that a failed start is still cleaned up.
    process.env.SSPI_TEST_OWN_DC = dir;
    const started = Date.now();
    // 'auto': a developer's long-running DC (scripts/samba-dc.sh start /tmp/sspi-dc) may hold the default 127.0.0.10.
    dc = startSambaDc(dir, { ip: process.env.SSPI_DC_IP || 'auto' });
    process.env.SSPI_TEST_DC_ENV = path.join(dir, 'env.json');
    if (process.env.DEBUG) {
      process.stderr.write(`\nSamba AD DC ${dc.realm} on ${dc.dcAddress} in ${dir} (${Date.now() - started} ms)\n`);
    }
  }
  const configs = (process.env.KRB5_CONFIG || '').split(':').filter(Boolean);
  if (!configs.includes(dc.krb5RealmConfig)) {
    process.env.KRB5_CONFIG = [...configs, dc.krb5RealmConfig].join(':');
  }
};
