// Stops only the DC that realm-and-dc-setup.js started (by its pid, through samba-dc.sh), then does what
// realm-teardown.js does. Synchronous, so that it also works from a process 'exit' handler; later calls find
// nothing left to do.
const fs = require('node:fs');
const stopRealm = require('./realm-teardown.js');
const { stopSambaDc } = require('./samba-dc.js');

module.exports = async function stopRealmAndDc() {
  const dir = process.env.SSPI_TEST_OWN_DC;
  if (dir) {
    delete process.env.SSPI_TEST_OWN_DC;
    delete process.env.SSPI_TEST_DC_ENV;
    try {
      stopSambaDc(dir);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  await stopRealm();
};
