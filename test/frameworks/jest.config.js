// The behaviour suite: one table of cases against the Express, Koa and NestJS examples, each served in its own
// process (serve.js) under the machine's node and under Node 22, 24 and 26.
/** @type {import('jest').Config} */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'frameworks',
  rootDir: __dirname,
  testMatch: ['<rootDir>/*.test.ts'],
};
