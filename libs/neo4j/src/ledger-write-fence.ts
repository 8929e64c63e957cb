// The DCO ledger's write fence as the migrator sees it (ADR 0006): the node every ledger write transaction passes first
// (schema migration 5 of the ledger, libs/dco), closed on blue at the switch.
import { CodedError } from '@dco/contracts';

export const LEDGER_WRITE_FENCE = { label: 'DcoWriteFence', name: 'ledger' } as const;

/** The fence counted ledger writes the copy does not hold: blue took one after its backup began. */
export const ledgerWritesSinceCopy = (uri: string, counted: number, expected: number): CodedError =>
  new CodedError(
    'DB.SOURCE_CHANGED',
    `${uri} took ledger writes after its copy (its write fence counted ${counted}, the copy ${expected}); its write fence stays open`,
  );
