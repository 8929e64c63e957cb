// Generic probes (import from '@dco/probes'; their errors are CodedErrors, their only import from another lib): waiting
// for a condition with a deadline, free ports, TCP and HTTP reachability, and the liveness and stopping of a detached
// process group; a secret file generated once. The stack installer, the tools and every test use these; so may any lib.
export { waitFor, WaitTimeoutError, abortWaiting, withDeadline } from './wait-for';
export type { WaitForOptions } from './wait-for';
export { freePort, freePorts, canConnect, httpGet } from './net';
export {
  hasEnvironmentEntry,
  hasExited,
  isProcessAlive,
  killProcessGroup,
  signalGroup,
  stopProcessGroup,
} from './process-group';
export { readOrCreateSecretFile } from './secret-file';
