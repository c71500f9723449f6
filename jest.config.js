// One jest run over every package and example. The global setup starts one throwaway Kerberos realm for all of
// them (scripts/realm.sh) and stops it, by pid, when the run ends.
/** @type {import('jest').Config} */
module.exports = {
  projects: ['<rootDir>/packages/*', '<rootDir>/examples/*'],
  globalSetup: '<rootDir>/test/realm-setup.js',
  globalTeardown: '<rootDir>/test/realm-teardown.js',
};
