// One jest run over every package and example; each project's config spreads jest.preset.js.
/** @type {import('jest').Config} */
module.exports = {
  projects: ['<rootDir>/packages/*', '<rootDir>/examples/*'],
};
