// The Daily Credcoin Offering: pure allocation core, ledger and executor ports, and their adapters.
export * from './domain';
export * from './ledger';
export * from './runner';
export * from './neo4j';
export * from './seed/demo-data.generator';
export * from './ecs';
