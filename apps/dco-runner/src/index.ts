// The dco-runner's public API for the operator CLI, the benchmarks and the migrator's no-lost-write spec: the reference
// offering, its verification, and the ledger source that follows the blue-green pointer.
export {
  DEFAULT_ALLOCATION_BATCH_SIZE,
  DEFAULT_WRITE_CONCURRENCY,
  OfferingPlan,
  ReferenceDcoExecutor,
  ReferenceDcoOptions,
} from './run-dco/reference-dco.executor';
export { StoredOfferingVerification, verifyStoredOffering } from './run-dco/verify-stored-offering';
export { Neo4jLedgerSource, Neo4jLedgerSourceOptions } from './run-dco/neo4j-ledger.source';
export { DcoRunnerConfig } from './dco-runner.config';
export { DcoRunnerModule } from './dco-runner.module';
