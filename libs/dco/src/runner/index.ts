// Running the offering: the executor port, the reference executor, verification.
export * from './dco-executor.port';
export * from './offering-result';
export * from './reference-dco.executor';
export * from './verify-stored-offering';
