// Running the offering: the executor port (the reference and ECS executors live in apps/dco-runner).
export * from './dco-executor.port';
