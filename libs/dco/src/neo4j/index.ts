// Neo4j adapters of the offering: driver factory, schema migrations, the ledger.
export * from './dco-schema.migrations';
export * from './neo4j-connection';
export * from './neo4j-dco-ledger.adapter';
export * from './schema-migration-runner';
