// Several examples/express instances behind a real HAProxy, sessions in a real Redis (scripts/haproxy.sh,
// scripts/redis.sh): what connection-bound sign-ins need from a proxy, and shared sessions.
/** @type {import('jest').Config} */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'scale-out',
  rootDir: __dirname,
  testMatch: ['<rootDir>/*.test.ts'],
};
