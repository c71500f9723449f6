// Unit tests use fake contexts; test/integration runs the strategy over the real addon and realm.
/** @type {import('jest').Config} */
module.exports = { ...require('../../jest.preset.js'), displayName: 'passport-sspi' };
