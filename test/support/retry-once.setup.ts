// Integration and end-to-end specs run real brokers and databases on a 2-core machine: a spec that fails is run once
// more, with its first failure printed, so a load spike does not fail the build while a real defect still fails twice.
jest.retryTimes(1, { logErrorsBeforeRetry: true });
