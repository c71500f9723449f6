// One jest run over every package and example; each project's config spreads jest.preset.js.
/** @type {import('jest').Config} */
module.exports = {
  // Config files rather than folders: a folder without one (support/example-shared) is no test project.
  projects: ['<rootDir>/packages/*/jest.config.js', '<rootDir>/examples/*/jest.config.js', '<rootDir>/test/frameworks/jest.config.js', '<rootDir>/test/browsers/jest.config.js', '<rootDir>/test/scale-out/jest.config.js', '<rootDir>/test/interop/jest.config.js'],
  // A run-wide option in Jest 29 (projects ignore it): KDC round trips and curl make some tests slow on a busy CI.
  testTimeout: 30000,
};
