// Errors both ledgers raise the same way, so callers and the contract spec match on one code and message.
import { CodedError } from '@dco/contracts';

export const offeringNotFound = (what: string): CodedError =>
  new CodedError('DCO.EXECUTION_FAILED', `no offering ${what} in the ledger`);

export const offeringNotPending = (offeringId: string, status: string): CodedError =>
  new CodedError(
    'DCO.EXECUTION_FAILED',
    `offering ${offeringId} is ${status}: allocations can only be written while PENDING`,
  );

export const allocationCountMismatch = (day: string, stored: number, expected: number): CodedError =>
  new CodedError(
    'DCO.EXECUTION_FAILED',
    `offering of ${day} holds ${stored} allocations but the computation produced ${expected}: contributions changed during the run or allocations were edited; investigate before completing`,
  );

export const duplicateContributions = (ids: readonly string[]): CodedError =>
  new CodedError(
    'DCO.INVALID_INPUT',
    `contribution ${ids[0]} is duplicated: a contribution with that id is already recorded${ids.length > 1 ? ` (and ${ids.length - 1} more)` : ''}`,
    ids.length > 1 ? ids.slice(0, 50).join('\n') : undefined,
  );

/** The server's write fence is closed (ADR 0006): transient, the bus retries the command, which follows the pointer. */
export const writeFenceClosed = (closedBy: unknown, closedAt: unknown): CodedError =>
  new CodedError(
    'DB.WRITES_FROZEN',
    `this Neo4j server takes no more ledger writes: its write fence was closed by ${String(closedBy)} at ` +
      `${String(closedAt)} (a blue-green switch); the connection pointer names the server to write to`,
  );
