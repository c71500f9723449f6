// testTimeout for runs from this folder (the root config sets it run-wide): each suite starts the example with npm start.
module.exports = { ...require('../../jest.preset.js'), displayName: 'example-multi-provider', testTimeout: 30000 };
