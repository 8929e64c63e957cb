// The stack's waiting is libs/runtime's; this path stays for the specs that still import it from here.
export { abortWaiting, waitFor, WaitTimeoutError } from '../../libs/runtime/src/wait-for';
export type { WaitForOptions } from '../../libs/runtime/src/wait-for';
