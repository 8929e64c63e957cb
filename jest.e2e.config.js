// End-to-end specs: test/*.e2e-spec.ts, every app as its own OS process on the real local stack.
module.exports = require('./jest.base.config')({
  testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
  testTimeout: 300000,
  maxWorkers: 1,
  globalSetup: '<rootDir>/test/support/require-stack.setup.ts',
  setupFilesAfterEnv: ['<rootDir>/test/support/retry-once.setup.ts'],
});
