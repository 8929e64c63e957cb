// Unit specs: *.spec.ts, no I/O, fakes only. The timeout only guards against hangs on a loaded 2-core machine;
// no spec measures time.
module.exports = require('./jest.base.config')({
  testMatch: ['<rootDir>/{apps,libs,tools,stack,bench}/**/*.spec.ts'],
  testTimeout: 30000,
});
