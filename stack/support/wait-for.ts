// The stack's waiting is libs/runtime's; this path stays for the specs that still import it from here.
export { abortWaiting, waitFor, WaitTimeoutError } from '@dco/runtime';
export type { WaitForOptions } from '@dco/runtime';
