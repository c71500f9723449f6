// Interop with a server nobody here wrote: Apache httpd + mod_auth_gssapi (scripts/apache/interop-server.js),
// driven by real clients.
/** @type {import('jest').Config} */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'interop',
  rootDir: __dirname,
  testMatch: ['<rootDir>/*.test.ts'],
};
