// The ledger port, its in-memory adapter and the errors both adapters raise.
export * from './dco-ledger.port';
export * from './in-memory-dco-ledger.adapter';
export * from './ledger-errors';
