// Test helpers shared by every spec: condition polling with a deadline, the stack's config and endpoints, free ports, TS child processes.
export { waitFor, WaitTimeoutError, abortWaiting, freePort, canConnect } from '@dco/runtime';
export type { WaitForOptions } from '@dco/runtime';
export { stackConfig, stackPaths, findRepoRoot } from '../../../stack/stack-config';
export type { StackConfig, StackPaths } from '../../../stack/stack-config';
export * from './spawn-ts';
export * from './stack-endpoints';
