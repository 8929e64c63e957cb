// Unit specs: *.spec.ts, no I/O, fakes only.
module.exports = require('./jest.base.config')({
  testMatch: ['<rootDir>/{apps,libs,tools,stack,bench}/**/*.spec.ts'],
});
