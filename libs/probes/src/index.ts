// Generic probes without dependencies (import from '@dco/probes'): waiting for a condition with a deadline, free ports,
// TCP and HTTP reachability. The stack installer, the tools and every test use these; so may any lib.
export { waitFor, WaitTimeoutError, abortWaiting } from './wait-for';
export type { WaitForOptions } from './wait-for';
export { freePort, canConnect, httpGet } from './net';
