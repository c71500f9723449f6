// Real browsers (Debian's Chromium and Firefox ESR, headless) signing in to the examples: test/browsers/harness.ts.
/** @type {import('jest').Config} */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'browsers',
  rootDir: __dirname,
  testMatch: ['<rootDir>/*.test.ts'],
};
