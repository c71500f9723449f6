// Shared by every package's jest.config.js: TypeScript tests compiled and type-checked by ts-jest, and one
// throwaway Kerberos realm for the run (test/realm-setup.js), whether jest runs from the root or in one package.
const path = require('node:path');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(__dirname, 'tsconfig.test.json') }],
  },
  moduleFileExtensions: ['ts', 'js', 'json', 'node'],
  globalSetup: path.join(__dirname, 'test', 'realm-and-dc-setup.js'),
  globalTeardown: path.join(__dirname, 'test', 'realm-and-dc-teardown.js'),
};
