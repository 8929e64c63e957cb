// Integration specs: *.int-spec.ts against the real local stack (npm run stack:up).
module.exports = require('./jest.base.config')({
  testMatch: ['<rootDir>/{apps,libs,tools,stack}/**/*.int-spec.ts'],
  testTimeout: 120000,
  maxWorkers: 2,
  globalSetup: '<rootDir>/test/support/require-stack.setup.ts',
  setupFilesAfterEnv: ['<rootDir>/test/support/retry-once.setup.ts'],
});
