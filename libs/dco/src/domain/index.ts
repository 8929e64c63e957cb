// The offering's pure core: input validation, exact allocation, result hash and ledger verification.
export * from './allocate-offering';
export * from './compare-ids';
export * from './day-input.accumulator';
export * from './fold-day-contributions';
export * from './offering-input.model';
export * from './offering-record.model';
export * from './result-hash';
export * from './validate-offering-input';
export * from './verify-offering';
