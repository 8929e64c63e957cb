// Test helpers shared by every spec: condition polling with a deadline, the stack's config and endpoints, free ports, TS child processes, service processes.
export { waitFor, WaitTimeoutError, abortWaiting, freePort, freePorts, canConnect } from '@dco/probes';
export type { WaitForOptions } from '@dco/probes';
export { stackConfig, stackPaths, findRepoRoot } from '@dco/stack';
export type { StackConfig, StackPaths } from '@dco/stack';
export * from './spawn-ts';
export * from './app-process';
export * from './stack-endpoints';
export * from './private-kafka';
export * from './asyncapi-messages';
export * from './standard-tools';
export * from './verdaccio-seeder';
