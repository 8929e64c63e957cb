// End-to-end specs: test/*.e2e-spec.ts, every app as its own OS process on the real local stack.
module.exports = require('./jest.base.config')({
  testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
  testTimeout: 300000,
  // Two suites side by side: most of an e2e suite is waiting (service starts, group sessions, Neo4j and tofu). On this
  // 2-core machine (2026-12-07) the level took 480 s with two workers against 757 s with one; no spec shares state with
  // another (each has its namespace, fleet tag and workspace; a spec that restarts a broker restarts a private one).
  maxWorkers: 2,
  globalSetup: '<rootDir>/test/support/require-stack.setup.ts',
  globalTeardown: '<rootDir>/test/support/open-handles.teardown.ts',
  setupFilesAfterEnv: ['<rootDir>/test/support/retry-once.setup.ts', '<rootDir>/test/support/socket-origins.setup.ts'],
  // Once every suite has finished, end the run even if a client still holds a socket. One full run (2026-11-27) stayed
  // up after all 32 specs passed, holding one TCP connection to a broker that a fault spec had restarted. Neither spec
  // alone reproduced it. kafkajs can restart a crashed consumer after disconnect(); the bus and the harness now refuse
  // to, but the run must not hang if another client does. The global teardown names whatever is still open.
  forceExit: true,
});
