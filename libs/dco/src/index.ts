// The Daily Credcoin Offering: pure allocation core, the ledger and executor ports, and the ledger's adapters.
export * from './domain';
export * from './ledger';
export * from './runner';
export * from './neo4j';
export * from './seed/demo-data.generator';
