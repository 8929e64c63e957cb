// Test helpers shared by every spec: condition polling with a deadline, the stack's config and endpoints, free ports, TS child processes.
export { waitFor, WaitTimeoutError, abortWaiting } from '../../../stack/support/wait-for';
export type { WaitForOptions } from '../../../stack/support/wait-for';
export { stackConfig, stackPaths, findRepoRoot } from '../../../stack/stack-config';
export type { StackConfig, StackPaths } from '../../../stack/stack-config';
export { freePort, canConnect } from '../../../stack/support/net';
export * from './spawn-ts';
export * from './stack-endpoints';
export * from './asyncapi-messages';
