// The dco-runner's public API for the operator CLI and the benchmarks: the reference offering and its verification.
export {
  DEFAULT_ALLOCATION_BATCH_SIZE,
  DEFAULT_WRITE_CONCURRENCY,
  OfferingPlan,
  ReferenceDcoExecutor,
  ReferenceDcoOptions,
} from './run-dco/reference-dco.executor';
export { StoredOfferingVerification, verifyStoredOffering } from './run-dco/verify-stored-offering';
export { DcoRunnerConfig } from './dco-runner.config';
export { DcoRunnerModule } from './dco-runner.module';
