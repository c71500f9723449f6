module.exports = { ...require('../../jest.preset.js'), displayName: 'example-client' };
