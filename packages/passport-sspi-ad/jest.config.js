// Unit tests run alone; test/integration talks to the Samba AD DC the global setup starts (one per jest run, or
// the one SSPI_TEST_DC_ENV names), next to the MIT realm every project gets.
const path = require('node:path');

/** @type {import('jest').Config} */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'passport-sspi-ad',
  globalSetup: path.join(__dirname, '..', '..', 'test', 'realm-and-dc-setup.js'),
  globalTeardown: path.join(__dirname, '..', '..', 'test', 'realm-and-dc-teardown.js'),
};
